"""DERIVED: every piece of stored data that is computed from other rows, kept in step with its
facts by database triggers — the one list of them, as SCOPES is of jurisdiction.

Why triggers, not Python in the services: a trigger runs in the transaction of the write that
changes the fact, whichever path made it — a service, the bulk import's set SQL, a merge's
`UPDATE … SET person_id`, a campaign's INSERT … SELECT, the bench's multiplier — so a summary
can never differ from the rows it counts (docs/decisions.md, 2026-12-01). Each entry says what it
keeps, how to rebuild it from the facts alone, and how to check it: `yizhan derived --check`
compares the stored rows with a fresh computation, `--rebuild` recomputes them.

The SQL is written once with a few per-database pieces (`_SQL`): the month of a date, and the
trigger wrappers (SQLite's trigger bodies; PostgreSQL's PL/pgSQL functions). This module names
tables by their SQL names and imports nothing from the apps above core.
"""

from __future__ import annotations

from dataclasses import dataclass

# An identity still open is filed under this "until" month (YYYYMM): later than every real one.
OPEN_MONTH = 999912

_SQL = {
    "sqlite": {"month": "CAST(substr({0}, 1, 4) || substr({0}, 6, 2) AS INTEGER)", "differs": "IS NOT"},
    "postgresql": {"month": "CAST(to_char({0}, 'YYYYMM') AS INTEGER)", "differs": "IS DISTINCT FROM"},
}


def _month(vendor: str, column: str) -> str:
    """The date's month as YYYYMM."""
    return _SQL[vendor]["month"].format(column)


# What "the person moved" means to every derived row: his region changed, or he was merged away
# (a merged duplicate is nobody's: SCOPES leaves him out) or back.
def _moved(vendor: str) -> str:
    differs = _SQL[vendor]["differs"]
    return (
        f"OLD.region_id {differs} NEW.region_id "
        f"OR (OLD.merged_into_id IS NULL) {differs} (NEW.merged_into_id IS NULL)"
    )


# --- the identity tally ----------------------------------------------------------------------
# people_identitytally: how many identities of each kind the persons of a village hold, by the
# month each started and ended (OPEN_MONTH while open), merged duplicates left out. "Current on d"
# is then the tally's rows that started before d's month and end after it, plus the few identities
# that start or end within d's month, read from the identities themselves (reports.figures).

_TALLY_UPSERT = """
    INSERT INTO people_identitytally (region_code, kind, since_month, until_month, n) {select}
    ON CONFLICT (region_code, kind, since_month, until_month)
    DO UPDATE SET n = people_identitytally.n + excluded.n"""


def _tally_one(vendor: str, row: str, sign: int) -> str:
    """± one identity (`row` is NEW or OLD) at its person's current region."""
    select = f"""SELECT p.region_id, {row}.kind, {_month(vendor, f"{row}.since")},
               COALESCE({_month(vendor, f"{row}.until")}, {OPEN_MONTH}), {sign}
        FROM people_person p WHERE p.id = {row}.person_id AND p.merged_into_id IS NULL"""
    return _TALLY_UPSERT.format(select=select)


def _tally_person(vendor: str, row: str, sign: int) -> str:
    """± every identity of a person (`row` is his OLD or NEW state) at that state's region."""
    select = f"""SELECT {row}.region_id, i.kind, {_month(vendor, "i.since")},
               COALESCE({_month(vendor, "i.until")}, {OPEN_MONTH}), {sign} * COUNT(*)
        FROM people_identity i WHERE i.person_id = {row}.id AND {row}.merged_into_id IS NULL
        GROUP BY 1, 2, 3, 4"""
    return _TALLY_UPSERT.format(select=select)


def _tally_fresh(vendor: str) -> str:
    return f"""SELECT p.region_id, i.kind, {_month(vendor, "i.since")},
               COALESCE({_month(vendor, "i.until")}, {OPEN_MONTH}), COUNT(*)
        FROM people_identity i JOIN people_person p ON p.id = i.person_id
        WHERE p.merged_into_id IS NULL GROUP BY 1, 2, 3, 4"""


def _tally_triggers(vendor: str) -> list[str]:
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER derived_tally_identity_insert AFTER INSERT ON people_identity
                BEGIN {_tally_one(vendor, "NEW", 1)}; END""",
            f"""CREATE TRIGGER derived_tally_identity_delete AFTER DELETE ON people_identity
                BEGIN {_tally_one(vendor, "OLD", -1)}; END""",
            f"""CREATE TRIGGER derived_tally_identity_update
                AFTER UPDATE OF person_id, kind, since, until ON people_identity
                BEGIN {_tally_one(vendor, "OLD", -1)}; {_tally_one(vendor, "NEW", 1)}; END""",
            f"""CREATE TRIGGER derived_tally_person_moved AFTER UPDATE OF region_id, merged_into_id
                ON people_person WHEN {_moved(vendor)}
                BEGIN {_tally_person(vendor, "OLD", -1)}; {_tally_person(vendor, "NEW", 1)}; END""",
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION derived_tally_identity() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP IN ('UPDATE', 'DELETE') THEN {_tally_one(vendor, "OLD", -1)}; END IF;
                IF TG_OP IN ('UPDATE', 'INSERT') THEN {_tally_one(vendor, "NEW", 1)}; END IF;
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER derived_tally_identity
            AFTER INSERT OR DELETE OR UPDATE OF person_id, kind, since, until ON people_identity
            FOR EACH ROW EXECUTE FUNCTION derived_tally_identity()""",
        f"""CREATE OR REPLACE FUNCTION derived_tally_person_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                {_tally_person(vendor, "OLD", -1)}; {_tally_person(vendor, "NEW", 1)};
                RETURN NULL;
            END $$""",
        f"""CREATE TRIGGER derived_tally_person_moved AFTER UPDATE OF region_id, merged_into_id
            ON people_person FOR EACH ROW WHEN ({_moved(vendor)})
            EXECUTE FUNCTION derived_tally_person_moved()""",
    ]


# --- the visit's region ----------------------------------------------------------------------
# care_campaignvisit.region_code: the current region of the visit's person ("" once he is merged
# away), so coverage counts and lists visits from the visit's own index instead of looking up a
# person per visit (SCOPES["care.CampaignVisit"] = kept(...)).

_PERSON_REGION = (
    "(SELECT CASE WHEN p.merged_into_id IS NULL THEN p.region_id ELSE '' END "
    "FROM people_person p WHERE p.id = {0})"
)
# The same for the person a row of people_person's trigger is about.
_TO_PERSON = "CASE WHEN NEW.merged_into_id IS NULL THEN NEW.region_id ELSE '' END"


def _person_region_triggers(vendor: str, *, table: str, name: str) -> list[str]:
    """Triggers keeping `table`.region_code the current region of the row's person (person_id):
    set by the database on every insert and every write of either column (a stale or wrong
    value written is replaced), and rewritten when the person moves or is merged."""
    of_new = _PERSON_REGION.format("NEW.person_id")
    moved = f"UPDATE {table} SET region_code = {_TO_PERSON} WHERE person_id = NEW.id"
    if vendor == "sqlite":
        set_own = f"UPDATE {table} SET region_code = {of_new} WHERE id = NEW.id"
        return [
            f"""CREATE TRIGGER derived_{name}_region_insert AFTER INSERT ON {table}
                WHEN NEW.region_code IS NOT {of_new} BEGIN {set_own}; END""",
            f"""CREATE TRIGGER derived_{name}_region_update
                AFTER UPDATE OF person_id, region_code ON {table}
                WHEN NEW.region_code IS NOT {of_new} BEGIN {set_own}; END""",
            f"""CREATE TRIGGER derived_{name}_person_moved AFTER UPDATE OF region_id, merged_into_id
                ON people_person WHEN {_moved(vendor)} BEGIN {moved}; END""",
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION derived_{name}_region() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.region_code := COALESCE({of_new}, ''); RETURN NEW; END $$""",
        f"""CREATE TRIGGER derived_{name}_region BEFORE INSERT OR UPDATE OF person_id, region_code
            ON {table} FOR EACH ROW EXECUTE FUNCTION derived_{name}_region()""",
        f"""CREATE OR REPLACE FUNCTION derived_{name}_person_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {moved}; RETURN NULL; END $$""",
        f"""CREATE TRIGGER derived_{name}_person_moved AFTER UPDATE OF region_id, merged_into_id
            ON people_person FOR EACH ROW WHEN ({_moved(vendor)})
            EXECUTE FUNCTION derived_{name}_person_moved()""",
    ]


def _visit_triggers(vendor: str) -> list[str]:
    return _person_region_triggers(vendor, table="care_campaignvisit", name="visit")


# --- the 优待证's region ----------------------------------------------------------------------
# veterans_preferentialcard.region_code and veterans_cardstep.region_code: the current region of
# the card's person ("" once he is merged away), so 统计's 优待证 figures count and list cards and
# stays from their own covering indexes instead of joining a million persons
# (SCOPES["veterans.PreferentialCard"] and ["veterans.CardStep"] = kept(...)). Each is computed
# from the facts alone — the card's person, the step's card and that card's person — never from
# the other's copy, so neither can carry the other's mistake.

_CARD_REGION = (
    "(SELECT CASE WHEN p.merged_into_id IS NULL THEN p.region_id ELSE '' END "
    "FROM veterans_preferentialcard c JOIN people_person p ON p.id = c.person_id WHERE c.id = {0})"
)
_CARDS_OF_NEW = "SELECT id FROM veterans_preferentialcard WHERE person_id = NEW.id"


def _card_triggers(vendor: str) -> list[str]:
    return _person_region_triggers(vendor, table="veterans_preferentialcard", name="card")


def _card_step_triggers(vendor: str) -> list[str]:
    of_new = _CARD_REGION.format("NEW.card_id")
    moved = f"UPDATE veterans_cardstep SET region_code = {_TO_PERSON} WHERE card_id IN ({_CARDS_OF_NEW})"
    # A merge gives the card another person (UPDATE … SET person_id): its stays follow him.
    card_moved = (
        f"UPDATE veterans_cardstep SET region_code = {_CARD_REGION.format('NEW.id')} WHERE card_id = NEW.id"
    )
    if vendor == "sqlite":
        set_own = f"UPDATE veterans_cardstep SET region_code = {of_new} WHERE id = NEW.id"
        return [
            f"""CREATE TRIGGER derived_card_step_region_insert AFTER INSERT ON veterans_cardstep
                WHEN NEW.region_code IS NOT {of_new} BEGIN {set_own}; END""",
            f"""CREATE TRIGGER derived_card_step_region_update
                AFTER UPDATE OF card_id, region_code ON veterans_cardstep
                WHEN NEW.region_code IS NOT {of_new} BEGIN {set_own}; END""",
            f"""CREATE TRIGGER derived_card_step_card_moved AFTER UPDATE OF person_id
                ON veterans_preferentialcard WHEN OLD.person_id IS NOT NEW.person_id BEGIN {card_moved}; END""",
            f"""CREATE TRIGGER derived_card_step_person_moved AFTER UPDATE OF region_id, merged_into_id
                ON people_person WHEN {_moved(vendor)} BEGIN {moved}; END""",
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION derived_card_step_region() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.region_code := COALESCE({of_new}, ''); RETURN NEW; END $$""",
        """CREATE TRIGGER derived_card_step_region BEFORE INSERT OR UPDATE OF card_id, region_code
            ON veterans_cardstep FOR EACH ROW EXECUTE FUNCTION derived_card_step_region()""",
        f"""CREATE OR REPLACE FUNCTION derived_card_step_card_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {card_moved}; RETURN NULL; END $$""",
        """CREATE TRIGGER derived_card_step_card_moved AFTER UPDATE OF person_id
            ON veterans_preferentialcard FOR EACH ROW WHEN (OLD.person_id IS DISTINCT FROM NEW.person_id)
            EXECUTE FUNCTION derived_card_step_card_moved()""",
        f"""CREATE OR REPLACE FUNCTION derived_card_step_person_moved() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {moved}; RETURN NULL; END $$""",
        f"""CREATE TRIGGER derived_card_step_person_moved AFTER UPDATE OF region_id, merged_into_id
            ON people_person FOR EACH ROW WHEN ({_moved(vendor)})
            EXECUTE FUNCTION derived_card_step_person_moved()""",
    ]


# --- the visit's grid ------------------------------------------------------------------------
# care_campaignvisit.grid_id of a visit still due: the grid of its household — the household's own
# (people_household.grid_id), else the first grid of the household's village, or of the person's
# current village for a visit without a household (care.generation.grid_sql, the same rule). A
# visit already done (visited, refused, unreachable) keeps the grid it was done in: it is history,
# and coverage by grid counts the work where it happened (docs/decisions.md, 2026-12-02).

_FIRST_GRID = "(SELECT MIN(g0.id) FROM regions_grid g0 WHERE g0.village_id = {0})"


def _visit_grid(v: str) -> str:
    """The grid the due visit `v` (NEW, or a table alias) belongs to now: one lookup of its
    household (or of its person, without one) and one of the village's first grid."""
    first_of_household = _FIRST_GRID.format("h.region_id")
    first_of_person = _FIRST_GRID.format(_PERSON_REGION.format(f"{v}.person_id"))
    return (
        f"(CASE WHEN {v}.household_id IS NULL THEN {first_of_person} ELSE "
        f"(SELECT COALESCE(h.grid_id, {first_of_household}) FROM people_household h "
        f"WHERE h.id = {v}.household_id) END)"
    )


# The due visits whose fallback grid is the first grid of `village` (a grid added to or removed
# from it may change which that is): unplaced households of the village, and visits without a
# household filed there.
_FALLBACK_VISITS = (
    "status = 'due' AND (household_id IN (SELECT h.id FROM people_household h "
    "WHERE h.region_id = {0} AND h.grid_id IS NULL) OR (household_id IS NULL AND region_code = {0}))"
)


def _grid_triggers(vendor: str) -> list[str]:
    differs = _SQL[vendor]["differs"]
    of_household = f"COALESCE(NEW.grid_id, {_FIRST_GRID.format('NEW.region_id')})"
    follow = f"UPDATE care_campaignvisit SET grid_id = {of_household} WHERE household_id = NEW.id AND status = 'due'"
    if vendor == "sqlite":
        own = _visit_grid("NEW")
        fallback = _visit_grid("care_campaignvisit")
        return [
            f"""CREATE TRIGGER derived_visit_grid_insert AFTER INSERT ON care_campaignvisit
                WHEN NEW.status = 'due' AND NEW.grid_id IS NOT {own}
                BEGIN UPDATE care_campaignvisit SET grid_id = {own} WHERE id = NEW.id; END""",
            f"""CREATE TRIGGER derived_visit_grid_update
                AFTER UPDATE OF household_id, person_id, region_code, status, grid_id ON care_campaignvisit
                WHEN NEW.status = 'due' AND NEW.grid_id IS NOT {own}
                BEGIN UPDATE care_campaignvisit SET grid_id = {own} WHERE id = NEW.id; END""",
            f"""CREATE TRIGGER derived_visit_grid_household AFTER UPDATE OF grid_id ON people_household
                WHEN OLD.grid_id {differs} NEW.grid_id BEGIN {follow}; END""",
            *(
                f"""CREATE TRIGGER derived_visit_grid_{op.lower()}_grid AFTER {op} ON regions_grid
                BEGIN UPDATE care_campaignvisit SET grid_id = {fallback}
                WHERE {_FALLBACK_VISITS.format(f"{row}.village_id")}; END"""
                for op, row in (("INSERT", "NEW"), ("DELETE", "OLD"))
            ),
        ]
    return [
        f"""CREATE OR REPLACE FUNCTION derived_visit_grid() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
                IF NEW.status = 'due' THEN NEW.grid_id := {_visit_grid("NEW")}; END IF;
                RETURN NEW;
            END $$""",
        """CREATE TRIGGER derived_visit_grid
            BEFORE INSERT OR UPDATE OF household_id, person_id, region_code, status, grid_id
            ON care_campaignvisit FOR EACH ROW EXECUTE FUNCTION derived_visit_grid()""",
        f"""CREATE OR REPLACE FUNCTION derived_visit_grid_household() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {follow}; RETURN NULL; END $$""",
        f"""CREATE TRIGGER derived_visit_grid_household AFTER UPDATE OF grid_id ON people_household
            FOR EACH ROW WHEN (OLD.grid_id {differs} NEW.grid_id)
            EXECUTE FUNCTION derived_visit_grid_household()""",
        # The visit's own trigger recomputes each one touched.
        f"""CREATE OR REPLACE FUNCTION derived_visit_grid_fallback() RETURNS trigger LANGUAGE plpgsql AS $$
            DECLARE village varchar(12);
            BEGIN
                IF TG_OP = 'DELETE' THEN village := OLD.village_id; ELSE village := NEW.village_id; END IF;
                UPDATE care_campaignvisit SET grid_id = grid_id WHERE {_FALLBACK_VISITS.format("village")};
                RETURN NULL;
            END $$""",
        """CREATE TRIGGER derived_visit_grid_fallback AFTER INSERT OR DELETE ON regions_grid
            FOR EACH ROW EXECUTE FUNCTION derived_visit_grid_fallback()""",
    ]


# --- the coverage tally ----------------------------------------------------------------------
# care_coveragetally: how many visits of each campaign lie in each village (the visit's kept
# region) × grid × group × status — the coverage page's counts (care.selectors.coverage).

_COVERAGE_KEY = "campaign_id, region_code, grid_key, target, status"
_COVERAGE_UPSERT = f"""
    INSERT INTO care_coveragetally ({_COVERAGE_KEY}, n) {{select}}
    ON CONFLICT ({_COVERAGE_KEY}) DO UPDATE SET n = care_coveragetally.n + excluded.n"""


def _coverage_one(row: str, sign: int) -> str:
    """± one visit (`row` is NEW or OLD)."""
    return _COVERAGE_UPSERT.format(
        select=f"SELECT {row}.campaign_id, {row}.region_code, COALESCE({row}.grid_id, 0), {row}.target, "
        f"{row}.status, {sign} WHERE true"  # SQLite: a WHERE keeps ON CONFLICT from reading as a join's
    )


def _coverage_rows(table: str, sign: int) -> str:
    """± every visit of a set (`table`: a transition table, or the visits themselves)."""
    return _COVERAGE_UPSERT.format(
        select=f"SELECT campaign_id, region_code, COALESCE(grid_id, 0), target, status, {sign} * COUNT(*) "
        f"FROM {table} GROUP BY campaign_id, region_code, COALESCE(grid_id, 0), target, status"
    )


_COVERAGE_FRESH = (
    "SELECT campaign_id, region_code, COALESCE(grid_id, 0), target, status, COUNT(*) FROM care_campaignvisit "
    "GROUP BY campaign_id, region_code, COALESCE(grid_id, 0), target, status"
)
_COVERAGE_COLUMNS = "campaign_id, region_code, grid_id, target, status"
# What an update must name for the tally's update trigger to fire: its columns, and those whose
# change makes the visit's own triggers change its region or grid. PostgreSQL fires an
# UPDATE OF trigger by the statement's SET list only, not by what a BEFORE trigger changed: a
# merge's SET person_id moved the visit's region and left the tally behind.
_COVERAGE_FIRED_BY = f"{_COVERAGE_COLUMNS}, household_id, person_id"


def _coverage_triggers(vendor: str) -> list[str]:
    differs = _SQL[vendor]["differs"]
    changed = " OR ".join(f"OLD.{c} {differs} NEW.{c}" for c in _COVERAGE_COLUMNS.split(", "))
    if vendor == "sqlite":
        return [
            f"""CREATE TRIGGER derived_coverage_insert AFTER INSERT ON care_campaignvisit
                BEGIN {_coverage_one("NEW", 1)}; END""",
            f"""CREATE TRIGGER derived_coverage_delete AFTER DELETE ON care_campaignvisit
                BEGIN {_coverage_one("OLD", -1)}; END""",
            f"""CREATE TRIGGER derived_coverage_update AFTER UPDATE OF {_COVERAGE_FIRED_BY}
                ON care_campaignvisit WHEN {changed}
                BEGIN {_coverage_one("OLD", -1)}; {_coverage_one("NEW", 1)}; END""",
        ]
    # A generation inserts thousands of visits per statement: PostgreSQL counts them once per
    # statement from its transition table, not once per row. An update is per row: a statement
    # trigger with a transition table cannot be limited to the columns that matter.
    return [
        f"""CREATE OR REPLACE FUNCTION derived_coverage_added() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {_coverage_rows("added", 1)}; RETURN NULL; END $$""",
        """CREATE TRIGGER derived_coverage_added AFTER INSERT ON care_campaignvisit
            REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION derived_coverage_added()""",
        f"""CREATE OR REPLACE FUNCTION derived_coverage_removed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {_coverage_rows("removed", -1)}; RETURN NULL; END $$""",
        """CREATE TRIGGER derived_coverage_removed AFTER DELETE ON care_campaignvisit
            REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION derived_coverage_removed()""",
        f"""CREATE OR REPLACE FUNCTION derived_coverage_changed() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN {_coverage_one("OLD", -1)}; {_coverage_one("NEW", 1)}; RETURN NULL; END $$""",
        f"""CREATE TRIGGER derived_coverage_changed AFTER UPDATE OF {_COVERAGE_FIRED_BY}
            ON care_campaignvisit FOR EACH ROW WHEN ({changed}) EXECUTE FUNCTION derived_coverage_changed()""",
    ]


# --- the table ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Derived:
    key: str
    title: str  # Chinese, for the command's report
    table: str
    # (vendor) -> the CREATE statements of its triggers (and their functions)
    triggers: object
    # (vendor) -> SELECT of (key columns…, value): what the rows must hold, from the facts alone
    fresh: object
    # SELECT of the same shape from the stored rows
    stored: str
    # (vendor) -> the statements that recompute the stored rows from `fresh`
    rebuild: object


def _person_region(key: str, label: str, table: str, triggers) -> Derived:
    """A `region_code` column of `table` that holds its person's current region (person_id)."""
    return Derived(
        key, label, table,
        triggers=triggers,
        fresh=lambda vendor: f"SELECT t.id, COALESCE({_PERSON_REGION.format('t.person_id')}, '') FROM {table} t",
        stored=f"SELECT id, region_code FROM {table}",
        rebuild=lambda vendor: [
            f"UPDATE {table} SET region_code = COALESCE({_PERSON_REGION.format(table + '.person_id')}, '')"
        ],
    )  # fmt: skip


DERIVED: dict[str, Derived] = {
    d.key: d
    for d in [
        Derived(
            "identity_tally", "身份统计汇总（按村、身份、起止月份）", "people_identitytally",
            triggers=_tally_triggers, fresh=_tally_fresh,
            stored="SELECT region_code, kind, since_month, until_month, n FROM people_identitytally WHERE n <> 0",
            rebuild=lambda vendor: [
                "DELETE FROM people_identitytally",
                "INSERT INTO people_identitytally (region_code, kind, since_month, until_month, n) "
                + _tally_fresh(vendor),
            ],
        ),
        _person_region("visit_region", "走访对象的现户籍地", "care_campaignvisit", _visit_triggers),
        Derived(
            "visit_grid", "待走访对象所在网格（随户）", "care_campaignvisit",
            triggers=_grid_triggers,
            fresh=lambda vendor: "SELECT v.id, CASE WHEN v.status = 'due' THEN " + _visit_grid("v")
            + " ELSE v.grid_id END FROM care_campaignvisit v",
            stored="SELECT id, grid_id FROM care_campaignvisit",
            rebuild=lambda vendor: [
                "UPDATE care_campaignvisit SET grid_id = " + _visit_grid("care_campaignvisit")
                + " WHERE status = 'due'"
            ],
        ),
        Derived(
            "coverage_tally", "走访覆盖汇总（按活动、村、网格、类别、状态）", "care_coveragetally",
            triggers=_coverage_triggers,
            fresh=lambda vendor: _COVERAGE_FRESH,
            stored=f"SELECT {_COVERAGE_KEY}, n FROM care_coveragetally WHERE n <> 0",
            rebuild=lambda vendor: [
                "DELETE FROM care_coveragetally",
                f"INSERT INTO care_coveragetally ({_COVERAGE_KEY}, n) " + _COVERAGE_FRESH,
            ],
        ),
        _person_region("card_region", "优待证持证人的现户籍地", "veterans_preferentialcard", _card_triggers),
        Derived(
            "card_step_region", "优待证办理环节的持证人现户籍地", "veterans_cardstep",
            triggers=_card_step_triggers,
            fresh=lambda vendor: "SELECT s.id, COALESCE(" + _CARD_REGION.format("s.card_id") + ", '') "
            "FROM veterans_cardstep s",
            stored="SELECT id, region_code FROM veterans_cardstep",
            rebuild=lambda vendor: [
                "UPDATE veterans_cardstep SET region_code = COALESCE("
                + _CARD_REGION.format("veterans_cardstep.card_id")
                + ", '')"
            ],
        ),
    ]
}  # fmt: skip


def _trigger_names(statements: list[str]) -> list[tuple[str, str]]:
    """(name, table) of each CREATE TRIGGER among `statements`."""
    found = []
    for sql in statements:
        words = sql.split()
        if words[:2] == ["CREATE", "TRIGGER"]:
            found.append((words[2], words[words.index("ON") + 1]))
    return found


def install(connection, *keys: str) -> None:
    """(Re)creates the triggers of `keys` and rebuilds their rows: run by the migrations that
    make the tables, and again whenever a trigger's SQL changes (a new migration calling it)."""
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for key in keys:
            derived = DERIVED[key]
            statements = derived.triggers(vendor)
            for name, table in _trigger_names(statements):
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS {name}" + ("" if vendor == "sqlite" else f" ON {table}")
                )
            for sql in statements:
                cursor.execute(sql)
            for sql in derived.rebuild(vendor):
                cursor.execute(sql)


def uninstall(connection, *keys: str) -> None:
    vendor = connection.vendor
    with connection.cursor() as cursor:
        for key in keys:
            for name, table in _trigger_names(DERIVED[key].triggers(vendor)):
                cursor.execute(
                    f"DROP TRIGGER IF EXISTS {name}" + ("" if vendor == "sqlite" else f" ON {table}")
                )


def differences(connection, key: str) -> list[tuple]:
    """The keys whose stored value differs from a fresh computation (empty: the rows are exact)."""
    derived = DERIVED[key]
    with connection.cursor() as cursor:
        cursor.execute(derived.fresh(connection.vendor))
        fresh = {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}
        cursor.execute(derived.stored)
        stored = {tuple(row[:-1]): row[-1] for row in cursor.fetchall()}
    return sorted(
        (
            (k, stored.get(k), fresh.get(k))
            for k in fresh.keys() | stored.keys()
            if stored.get(k) != fresh.get(k)
        ),
        key=str,
    )


def rebuild(connection, key: str) -> None:
    with connection.cursor() as cursor:
        for sql in DERIVED[key].rebuild(connection.vendor):
            cursor.execute(sql)

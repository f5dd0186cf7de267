"""The import loop: stream rows, and per batch of settings.IMPORT_BATCH_ROWS rows, in one
transaction: parse, look up existing people by blind index in one query, decide each row's
outcome, write, and checkpoint the run (core.jobs: cursor = the batch's last row, counts,
heartbeat). A run resumed after its worker died skips the rows up to its cursor — it only
re-reads their ID numbers, to report repeats of them — so no row is written twice.

Memory stays flat whatever the file's length: rows are streamed, results are written per batch,
and the one thing that spans the whole file — which ID number was first seen on which row, to
report repeats — lives in a small SQLite file in a temporary directory (keyed by the blind index,
never the number). Rows of the `people` kind create their persons with one bulk insert per batch
through people.create_people (prepare_person validates and encrypts each;
each person gets his own audit event in one batch append); other kinds create each row's person and fact
through the services in a savepoint, so a refused fact leaves no half-row behind.
"""

from __future__ import annotations

import hashlib
import sqlite3
import tempfile
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import transaction
from django.db.models import Model

from yizhan import bulk
from yizhan.audit.services import record_many
from yizhan.core import crypto, dates, jobs
from yizhan.core.idnumber import IdInfo, chinese_date, cross_check
from yizhan.core.masking import mask_id_number
from yizhan.ledgers.importing import cells, grids, parallel
from yizhan.ledgers.importing.cells import CellError
from yizhan.ledgers.importing.kinds import KINDS
from yizhan.ledgers.importing.layout import Layout, locate
from yizhan.ledgers.importing.reading import UnreadableFile, check_limits, open_sheet
from yizhan.ledgers.importing.rows import Rejected, Result, Row, RowError
from yizhan.ledgers.importing.selectors import CHECK_ACTION, dry_run_refusal
from yizhan.ledgers.models import HouseholdKey, ImportRun, ImportRunRow, Outcome
from yizhan.people import services as people
from yizhan.people.models import ID_CONTEXT, Household, Person
from yizhan.regions.models import Grid, Level, Region

# Compared with the registry: filled when the registry's value is empty, reported when different.
COMPARED = ("name", "phone", "address", "education", "political_status", "ethnicity", "notes")
PERSON_FIELDS = ("name", "sex", "ethnicity", "phone", "address", "education", "political_status", "notes")
# prepare_person/update_person report errors by field; the row reports them by column.
FIELD_OF_ERROR = {"region": "village"}
# A row as parse_one leaves it: the row (a PackedRow when a worker parsed it), and its prepared
# new person or the errors refusing him.
Parsed = tuple[Row, "people.NewPerson | list[RowError] | None"]
SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村", "街道办事处", "街道", "镇", "乡")


class RegionIndex:
    """Villages and townships under the run's region, found by name with or without suffix."""

    def __init__(self, root: Region):
        lo, hi = root.bounds
        self.root = root
        self.by_name: dict[str, dict[str, list[Region]]] = {Level.TOWNSHIP: {}, Level.VILLAGE: {}}
        self.by_code: dict[str, Region] = {}
        self._found: dict[tuple, list[Region]] = {}
        for region in Region.objects.filter(
            code__gte=lo, code__lt=hi, level__in=[Level.TOWNSHIP, Level.VILLAGE]
        ):
            self.by_code[region.code] = region
            for name in {cells.key(region.name), _base(region.name)}:
                self.by_name[region.level].setdefault(name, []).append(region)

    def find(self, level: str, name: str, under: Region | None = None) -> list[Region]:
        # A ledger names the same few dozen villages on every row: each answer is worked out once.
        asked = (level, name, under.code if under is not None else None)
        found = self._found.get(asked)
        if found is None:
            exact = self.by_name[level].get(cells.key(name)) or self.by_name[level].get(_base(name), [])
            if under is not None:
                exact = [r for r in exact if r.code.startswith(under.code[:9])]
            found = self._found[asked] = list({r.code: r for r in exact}.values())
        return list(found)


def _without_trailing_empty_rows(rows: Iterator[tuple[int, list]]) -> Iterator[tuple[int, list]]:
    """The rows, less the empty ones after the last row with anything in it: those are not rows
    of the ledger (a reader may or may not report formatted empty cells down the sheet)."""
    empty_from, empty_count = 0, 0
    for number, cells_ in rows:
        if all(c is None for c in cells_):
            empty_from, empty_count = (empty_from or number), empty_count + 1
            continue
        for skipped in range(empty_from, empty_from + empty_count):
            yield skipped, []
        empty_from, empty_count = 0, 0
        yield number, cells_


def _base(name: str) -> str:
    value = cells.key(name)
    for suffix in SUFFIXES:
        if value.endswith(suffix) and len(value) > len(suffix):
            return value[: -len(suffix)]
    return value


class SeenIds:
    """Which row of this file each ID number (by blind index) first appeared on."""

    def __init__(self) -> None:
        self._dir = tempfile.TemporaryDirectory(prefix="yizhan-import-")
        self._db = sqlite3.connect(Path(self._dir.name) / "seen.sqlite3")
        self._db.execute("CREATE TABLE seen (key BLOB PRIMARY KEY, row INTEGER NOT NULL)")

    def first_rows(self, pairs: list[tuple[bytes, int]]) -> dict[int, int]:
        """{row: first row} for each (key, row) whose key came earlier; records the new keys."""
        known: dict[bytes, int] = {}
        keys = list({key for key, _ in pairs})
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ",".join("?" * len(chunk))
            known.update(self._db.execute(f"SELECT key, row FROM seen WHERE key IN ({marks})", chunk))
        repeats, new = {}, []
        for key, row in pairs:
            if key in known:
                repeats[row] = known[key]
            else:
                known[key] = row
                new.append((key, row))
        self._db.executemany("INSERT INTO seen VALUES (?, ?)", new)
        return repeats

    def close(self) -> None:
        self._db.close()
        self._dir.cleanup()


class Importer:
    def __init__(self, run: ImportRun, *, batch_size: int | None = None):
        self.run = run
        self.actor = run.created_by
        self.kind = KINDS[run.kind]
        self.spec = {c.field: c for c in self.kind.columns}
        self.batch_size = batch_size or settings.IMPORT_BATCH_ROWS
        self.lo, self.hi = run.region.bounds
        self.regions = RegionIndex(run.region)
        # The day a run's checks count as today: looked up once, not once a row (~18 µs each).
        self.today = dates.today()
        self.grids = grids.GridIndex(run.region)
        self._grid_of: dict[int, Grid] = {}  # row number: the grid its household goes into
        # A resumed run goes on from the counts its committed batches left on the row.
        self.counts: Counter[str] = Counter({"done": run.done, **run.counts()})
        self.layout: Layout | None = None
        self._found: dict[str, Person] = {}
        self._households: dict[str, Household] = {}
        self._bidx_of: dict[str, str] = {}
        self._prepared: dict[int, people.NewPerson | list[RowError]] = {}

    # --- used by the kinds ---------------------------------------------------------------

    def found(self, number: str) -> Person | None:
        """The registry's person with this ID number, from the batch's bulk lookup."""
        return self._found.get(self._bidx(number))

    def _bidx(self, number: str) -> str:
        # A row's own number was indexed when parsed (Row.bidx); a kind's other numbers (a
        # relative's) are indexed here once each, for the lookup and for found().
        bidx = self._bidx_of.get(number)
        if bidx is None:
            bidx = self._bidx_of[number] = crypto.blind_index(number, context=ID_CONTEXT)
        return bidx

    def in_region(self, person: Person) -> bool:
        return self.lo <= person.region_id < self.hi

    # --- the loop --------------------------------------------------------------------------

    def execute(self, extra_headers: dict[str, str] | None = None) -> Counter[str]:
        rows_in_file = check_limits(self.run.source_path)  # before any parser sees the file
        sheet = open_sheet(self.run.source_path)
        self.layout, rows = locate(
            sheet.rows(),
            self.run.kind,
            extra_headers=extra_headers,
            header_row=self.run.header_row,
            mapping=self.run.mapping or None,
        )
        missing = self.layout.missing_required(self.run.kind)
        if missing:
            raise UnreadableFile(f"第 {self.layout.header_row} 行表头中没有“{'”“'.join(missing)}”列。")
        total = max(0, (sheet.total_rows or rows_in_file) - self.layout.header_row) or None
        with transaction.atomic():
            jobs.checkpoint(
                self.run, header_row=self.layout.header_row, mapping=self.layout.mapping(), total=total
            )
        rows = _without_trailing_empty_rows(rows)
        seen = SeenIds()
        stage = parallel.Stage(self, workers=parallel.workers_for(total, self.batch_size))
        try:
            with bulk.long_write():
                # Rows up to the cursor were written before a crash: only their ID numbers are needed again.
                for batch, parsed in stage.batches(rows, self.batch_size, cursor=self.run.cursor):
                    committed = [r for r in batch if r[0] <= self.run.cursor]
                    if committed:
                        self._remember(parsed[: len(committed)], seen)
                    if rest := batch[len(committed) :]:
                        self._batch(rest, parsed[len(committed) :], seen)
        finally:
            stage.close()
            seen.close()
        return self.counts

    def parse_one(self, number: int, values: list, *, prepare: bool) -> Parsed | None:
        """A row's parse (None: blank) and, for the bulk kind, its new person prepared in case
        the registry does not have him (or the errors that would refuse him): the per-row work
        that parallel.Stage runs in worker processes (which hand it over as a PackedBatch)."""
        if self.layout.is_blank(values):
            return None
        row = self._parse(number, values)
        if "id_number" in row.values:
            row.key = self._fact_key(row)
        prepared: people.NewPerson | list[RowError] | None = None
        if prepare and self.kind.attach is None and not row.errors:
            try:
                prepared = self._prepare(row)
            except Rejected as exc:
                prepared = exc.errors
        return row, prepared

    def _rows(self, parsed: list[Parsed | None]) -> list[Row]:
        """The batch's parsed rows (Rows, or PackedRows from a worker); their prepared persons
        kept for the batch."""
        self._prepared = {}
        rows = []
        for item in parsed:
            if item is None:
                continue
            row, prepared = item
            rows.append(row)
            if prepared is not None:
                self._prepared[row.number] = prepared
        return rows

    def _remember(self, parsed: list[Parsed | None], seen: SeenIds) -> None:
        rows = self._rows(parsed)
        seen.first_rows([(row.key, row.number) for row in rows if row.key is not None])

    def _batch(self, batch: list[tuple[int, list]], parsed_: list[Parsed | None], seen: SeenIds) -> None:
        parsed = self._rows(parsed_)
        self.counts["ignored_blank"] += len(batch) - len(parsed)
        self.counts["rows"] += len(batch)
        pairs = [(row.key, row.number) for row in parsed if row.key is not None]
        what = "是同一人（身份证号相同）" if not self.kind.same_fact else "是同一人的同一条记录"
        for row_number, first in seen.first_rows(pairs).items():
            row = next(r for r in parsed if r.number == row_number)
            row.errors.append(row.error("id_number", f"与第 {first} 行{what}，请删除重复行"))
        if self.run.dry_run and (refusal := dry_run_refusal(self.actor, len(parsed))):
            raise UnreadableFile(refusal)
        with transaction.atomic():
            results = self._decide(parsed)
            if self.run.dry_run:
                # A dry run keeps only what it found wrong: its writes are rolled back.
                transaction.set_rollback(True)
            else:
                self._save(results, batch, keep={Outcome.CREATED, Outcome.UPDATED, Outcome.REJECTED})
        if self.run.dry_run:
            with transaction.atomic():
                self._save(results, batch, keep={Outcome.REJECTED})
                self._audit_checks(parsed, results)

    def _save(self, results: list[Result], batch: list[tuple[int, list]], *, keep: set[str]) -> None:
        counts = self.counts.copy()
        for result in results:
            counts[result.outcome] += 1
        counts["done"] += len(batch)
        bulk.insert_rows(ImportRunRow, Result.COLUMNS, [r.as_row() for r in results if r.outcome in keep])
        jobs.checkpoint(
            self.run, cursor=batch[-1][0], done=counts["done"], **{k: counts[k] for k in self.run.counts()}
        )
        self.counts = counts

    def _audit_checks(self, parsed: list[Row], results: list[Result]) -> None:
        """A dry run tests ID numbers against the registry: one audit event per row it checked."""
        numbers = {r.number: r.values["id_number"].number for r in parsed if "id_number" in r.values}
        record_many(
            [
                {"actor": self.actor, "action": CHECK_ACTION, "object_type": "import_run",
                 "object_id": self.run.pk, "region_code": self.run.region_id,
                 "changes": {"row": result.row, "outcome": result.outcome,
                             "id_number": mask_id_number(numbers[result.row]) if result.row in numbers else ""}}
                for result in sorted(results, key=lambda r: r.row)
            ]
        )  # fmt: skip

    def _fact_key(self, row: Row) -> bytes:
        """What makes a row a repeat of an earlier one, as 16 bytes of a keyed digest."""
        key = row.bidx
        for name in self.kind.same_fact:
            value = row.values.get(name)
            key += "|" + str(getattr(value, "number", None) or getattr(value, "value", value))
        return hashlib.sha256(key.encode()).digest()[:16]

    # --- one row ---------------------------------------------------------------------------

    def _parse(self, number: int, values: list) -> Row:
        row = Row(number, self.spec)
        failed: set[str] = set()
        for index, header, column in self.layout.data_columns():
            raw = values[index] if index < len(values) else None
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                continue
            try:
                value = column.parse(raw)
            except CellError as exc:
                row.errors.append(RowError(header, cells.masked(column.field, raw), str(exc)))
                failed.add(column.field)
                continue
            if value == "":
                continue
            if column.field in row.values:
                if row.values[column.field] != value:
                    other = row.sources[column.field][0]
                    row.errors.append(
                        RowError(header, cells.masked(column.field, raw), f"与“{other}”列不一致")
                    )
                continue
            row.values[column.field] = value
            row.sources[column.field] = (header, raw)
        for column in self.kind.columns:
            if column.required and column.field not in row.values and column.field not in failed:
                row.errors.append(row.error(column.field, f"未填写{column.label}"))
        if "id_number" in row.values:
            row.bidx = crypto.blind_index(row.values["id_number"].number, context=ID_CONTEXT)
            self._check_against_id(row)
        if "township" in row.values or "village" in row.values:
            self._resolve_region(row)
        return row

    def _check_against_id(self, row: Row) -> None:
        info: IdInfo = row.values["id_number"]
        if "sex" in row.values:
            for problem in cross_check(info, sex=row.values["sex"]):
                row.errors.append(row.error("sex", problem.rstrip("。")))
        born = row.values.get("birth_date")
        if born is not None:
            if born.month_only:
                if (born.value.year, born.value.month) != (info.birth_date.year, info.birth_date.month):
                    row.errors.append(
                        row.error(
                            "birth_date",
                            f"出生日期与身份证号不符（身份证号为 {chinese_date(info.birth_date)}）",
                        )
                    )
            else:
                for problem in cross_check(info, birth_date=born.value):
                    row.errors.append(row.error("birth_date", problem.rstrip("。")))

    def _resolve_region(self, row: Row) -> None:
        township = None
        if "township" in row.values:
            found = self.regions.find(Level.TOWNSHIP, row.values["township"])
            if (
                self.run.region.level == Level.TOWNSHIP
                and not found
                and _base(row.values["township"]) == _base(self.run.region.name)
            ):
                found = [self.run.region]
            if len(found) != 1:
                reason = "不在本次导入的地区内" if not found else "有多个同名乡镇（街道）"
                row.errors.append(row.error("township", f"乡镇（街道）“{row.values['township']}”{reason}"))
                return
            township = found[0]
        if "village" not in row.values:
            row.values["region"] = township
            return
        name = row.values["village"]
        found = self.regions.find(Level.VILLAGE, name, under=township)
        if len(found) == 1:
            row.values["region"] = found[0]
        elif not found:
            where = township.name if township else self.run.region.name
            row.errors.append(row.error("village", f"在{where}下没有找到村（社区）“{name}”"))
        else:
            row.errors.append(
                row.error("village", f"有 {len(found)} 个名为“{name}”的村（社区），请同时填写乡镇（街道）")
            )

    def _decide(self, rows: list[Row]) -> list[Result]:
        self._bidx_of = {}
        bidxs = [r.bidx for r in rows if r.bidx is not None]
        bidxs += [self._bidx(r.values[f].number) for r in rows for f in self.kind.lookups if r.has(f)]
        # Which of them are registered, by one plain query: most rows of a ledger are new people,
        # and the ORM's IN of a batch's 1,000 indexes cost ~10 µs a row to compile.
        known = bulk.existing(Person, "id_number_bidx", bidxs)
        self._found = {
            p.id_number_bidx: p
            for p in Person.objects.filter(id_number_bidx__in=known).select_related("region")
        } if known else {}  # fmt: skip
        self._households = {}
        if any(r.has("household_key") for r in rows):
            keys = {r.values["household_key"] for r in rows if "household_key" in r.values}
            self._households = {
                k.key: k.household
                for k in HouseholdKey.objects.filter(region=self.run.region, key__in=keys).select_related(
                    "household"
                )
            }
        results, new_people = [], []
        for row in rows:
            try:
                result, prepared = self._row(row)
            except Rejected as exc:
                result, prepared = self._rejected(row, exc.errors), None
            if prepared is not None:
                new_people.append((row, prepared, result))
            else:
                results.append(result)
        if new_people:
            results += self._bulk_create(new_people)
        return results

    def _rejected(self, row: Row, errors: list[RowError]) -> Result:
        return Result(self.run.pk, row.number, Outcome.REJECTED, errors=[e.as_dict() for e in errors])

    def _row(self, row: Row) -> tuple[Result, people.NewPerson | None]:
        """The row's outcome; for the bulk kind a new person comes back unsaved (created later)."""
        if row.errors:
            raise Rejected(row.errors)
        existing = self._found.get(row.bidx)  # the row's own number, indexed when it was parsed
        if existing is not None and not self.in_region(existing):
            raise row.reject(
                "id_number", "该身份证号已登记为本次导入地区以外的人员，请联系其户籍地服务站核对"
            )
        if self.kind.check is not None:
            self.kind.check(self, row)
        fills, previous = self._compare(row, existing) if existing is not None else ({}, {})
        if row.has("grid"):
            self._grid_of[row.number] = self._grid(row, existing)
        result = Result(self.run.pk, row.number, Outcome.UNCHANGED, person_id=existing and existing.pk)
        if self.kind.attach is None and existing is None:
            prepared = self._prepared.pop(row.number, None) or self._prepare(row)
            if isinstance(prepared, list):  # prepare_new's refusal, found by parse_one
                raise Rejected(prepared)
            return result, prepared
        try:
            with transaction.atomic():
                objects: list[Model] = []
                if existing is None:
                    person = self._create(row)
                    result.person_created = True
                else:
                    person = self._update(row, existing, fills, previous, objects)
                if self.kind.attach is not None:
                    objects += self.kind.attach(self, row, person)
        except ValidationError as exc:
            raise Rejected(self._validation_errors(row, exc)) from None
        except people.DuplicatePerson:  # registered by someone else since the batch's lookup
            raise row.reject("id_number", "该身份证号刚刚已被登记，请重新导入本行") from None
        if result.person_created:  # another row of this batch may be about him (another award)
            self._found[person.id_number_bidx] = person
        result.person_id, result.person_version = person.pk, person.version
        result.records = [[o._meta.label_lower, o.pk] for o in objects]
        result.previous = previous
        if result.person_created or objects:
            result.outcome = Outcome.CREATED
        elif previous:
            result.outcome = Outcome.UPDATED
        return result, None

    def _person_values(self, row: Row) -> dict[str, Any]:
        values = {f: row.values[f] for f in PERSON_FIELDS if f in row.values}
        values["id_number"] = row.values["id_number"]  # the IdInfo: not parsed again
        values["region"] = row.values.get("region") or self.run.region
        born = row.values.get("birth_date")
        if born is not None and not born.month_only:
            values["birth_date"] = born.value
        return values

    def _prepare(self, row: Row) -> people.NewPerson:
        try:
            return people.prepare_new(values=self._person_values(row), id_bidx=row.bidx, today=self.today)
        except ValidationError as exc:
            raise Rejected(self._validation_errors(row, exc)) from None

    def _create(self, row: Row) -> Person:
        return people.create_person(actor=self.actor, **self._person_values(row))

    def _validation_errors(self, row: Row, exc: ValidationError) -> list[RowError]:
        if not hasattr(exc, "error_dict"):
            return [row.error("id_number", "；".join(m.rstrip("。") for m in exc.messages))]
        return [
            row.error(FIELD_OF_ERROR.get(name, name), "；".join(m.rstrip("。") for m in messages))
            for name, messages in exc.message_dict.items()
        ]

    def _compare(self, row: Row, person: Person) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values that fill empty registry fields, their previous values); raises Rejected for
        values that differ from non-empty registry values."""
        fills: dict[str, Any] = {}
        conflicts: list[RowError] = []
        for name in COMPARED:
            if name not in row.values:
                continue
            mine, theirs = row.values[name], getattr(person, name)
            if theirs in ("", None):
                fills[name] = mine
            elif mine != theirs:
                conflicts.append(self._conflict(row, name, mine, theirs))
        region = row.values.get("region")
        if region is not None and region.code != person.region_id:
            if person.region.level == Level.TOWNSHIP and region.code[:9] == person.region_id[:9]:
                fills["region"] = region
            elif not (region.level == Level.TOWNSHIP and person.region_id[:9] == region.code[:9]):
                name = "village" if "village" in row.values else "township"
                conflicts.append(self._conflict(row, name, region.name, person.region.name))
        conflicts += self._household_conflicts(row, person)
        if conflicts:
            raise Rejected(conflicts)
        previous = {k: (person.region_id if k == "region" else "") for k in fills}
        return fills, previous

    def _conflict(self, row: Row, name: str, mine, theirs) -> RowError:
        shown = {v: cells.masked(name, v) if name == "phone" else _display(name, v) for v in (mine, theirs)}
        return row.error(
            name,
            f"表中为“{shown[mine]}”，系统中为“{shown[theirs]}”，不会自动覆盖，请核对后更正表格或人员信息",
        )

    def _update(self, row, person, fills, previous, objects) -> Person:
        if fills:
            person = people.update_person(
                actor=self.actor, person=person, expected_version=person.version, **fills
            )
        if "household_key" in row.values and person.household_id is None:
            household = self._household_for(row, person.region, objects)
            person = people.set_household(
                actor=self.actor, person=person, household=household,
                head=row.values.get("household_head") == "head", source=self.source,
            )  # fmt: skip
            previous["household"] = None
        elif person.household_id and grids.place(
            actor=self.actor, row=row, household=person.household, grid=self._grid_of.get(row.number)
        ):
            previous["household_grid"] = None
        return person

    # --- households (people kind) ----------------------------------------------------------

    def _grid(self, row: Row, person: Person | None) -> Grid | None:
        key = row.values.get("household_key")
        household = (
            person.household if person is not None and person.household_id else self._households.get(key)
        )
        village = grids.village_of(row, person, self.run.region)
        return self.grids.grid_of(row, village=village, household=household, has_key=key is not None)

    def _household_conflicts(self, row: Row, person: Person) -> list[RowError]:
        if "household_key" not in row.values or person.household_id is None:
            return []
        household = self._households.get(row.values["household_key"])
        if household is None:  # the ledger's number meets the registry's 户 for the first time
            key = HouseholdKey.objects.create(
                region=self.run.region, key=row.values["household_key"], household_id=person.household_id
            )
            self._households[key.key] = person.household
            return []
        if household.pk != person.household_id:
            return [row.error("household_key", "系统中此人属于另一户，不会自动调整，请核对")]
        head = row.values.get("household_head")
        if head is not None and (head == "head") != person.is_household_head:
            return [row.error("household_head", "与系统中是否户主不一致，请核对")]
        return []

    def _household_for(self, row: Row, region: Region, objects: list[Model]) -> Household:
        key = row.values["household_key"]
        household = self._households.get(key)
        if household is None:
            household = people.create_household(
                actor=self.actor, region=region, address=row.values.get("address", "")
            )
            HouseholdKey.objects.create(region=self.run.region, key=key, household=household)
            self._households[key] = household
            objects.append(household)
        grids.place(actor=self.actor, row=row, household=household, grid=self._grid_of.get(row.number))
        return household

    def _bulk_create(self, new_people: list[tuple[Row, people.NewPerson, Result]]) -> list[Result]:
        for row, person, result in new_people:
            if row.has("household_key"):
                objects: list[Model] = []
                region = self.regions.by_code[person.region_code]
                person.household_id = self._household_for(row, region, objects).pk
                person.is_household_head = row.values.get("household_head") == "head"
                result.records = [[o._meta.label_lower, o.pk] for o in objects]
        people.create_people(
            actor=self.actor, prepared=[person for _, person, _ in new_people], source=self.source
        )
        for _, person, result in new_people:
            result.person_id, result.person_version, result.person_created = person.id, 1, True
            result.outcome = Outcome.CREATED
        return [result for _, _, result in new_people]

    @property
    def source(self) -> str:
        return f"import:{self.run.pk}"


def _display(name: str, value) -> str:
    """A registry or ledger value as the clerk knows it: choice labels, not stored keys."""
    try:
        field = Person._meta.get_field(name)
    except FieldDoesNotExist:
        return str(value)
    return str(dict(field.choices or []).get(value, value))

"""Generating a campaign's visits: one CampaignVisit and one task per matching household, in set
statements (INSERT … SELECT), batch by batch of person ids, each batch one transaction that ends
with the run's checkpoint (core.jobs) — a county of a million people is twenty statements of each
kind, not a million Python objects, and a worker killed halfway resumes after its last batch.

Matching is re-run safe: a household that already has its visit is skipped (the unique
(campaign, subject_key) and NOT EXISTS), so a re-run adds only households that newly match, and
one that no longer matches keeps its visit and its task.

Who visits: the liaison of the household's grid (people.Household.grid), or — a household not
placed in one, a person without a household — of the lowest-numbered grid of its village
(`grid_sql`). Department: joint for 慰问军烈属, the 服务站's otherwise (care.groups.department_of)."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from yizhan.audit.services import record
from yizhan.care import groups as target_groups
from yizhan.care.models import CampaignRun, CampaignRunStatus, VisitCampaign
from yizhan.core import jobs
from yizhan.people.models import Person
from yizhan.worklist.models import Task, TaskKind, TaskStatus

BATCH = 50_000  # person ids per transaction


def grid_sql(*, placed: str, village: str) -> str:
    """The grid covering a household or person, in SQL: the household's own (`placed`, its
    grid_id column, may be NULL), else the first grid of its village (`village`, a region code).
    The one statement of that fallback, for the campaign's visits and the contact-due tasks."""
    return f"COALESCE({placed}, (SELECT MIN(g0.id) FROM regions_grid g0 WHERE g0.village_id = {village}))"


def _born_by(day: datetime.date) -> datetime.date:
    """Born on or before this day: 80 or over on `day` (29 February counts from 1 March)."""
    try:
        return day.replace(year=day.year - 80)
    except ValueError:
        return day.replace(year=day.year - 80, day=28)


def _match(campaign: VisitCampaign, targets: list[str], after: int, upto: int) -> tuple[str, list]:
    """INSERT … SELECT of the visits of persons with id in (after, upto] not yet visited."""
    today, born_by = campaign.starts_on, _born_by(campaign.starts_on)
    whens, params = [], []
    for rank, target in enumerate(targets):
        sql, values = target_groups.condition(target, today=today, born_by=born_by)
        whens.append(f"WHEN {sql} THEN {rank}")
        params.extend(values)
    names = " ".join(f"WHEN {rank} THEN %s" for rank in range(len(targets)))
    lo, hi = campaign.region.bounds
    candidates, candidate_params = _candidates(targets, today=today, born_by=born_by, ids=(after, upto))
    sql = f"""
        INSERT INTO care_campaignvisit
            (campaign_id, subject_key, household_id, person_id, target, region_code, grid_id, status, reason)
        SELECT %s, m.subject_key, m.household_id, m.person_id, CASE m.rnk {names} END, m.region_code,
               {grid_sql(placed="m.grid_id", village="m.region_code")}, 'due', ''
        FROM (
            SELECT s.*, ROW_NUMBER() OVER (
                PARTITION BY s.subject_key ORDER BY s.rnk, s.head DESC, s.person_id
            ) AS n
            FROM (
                SELECT p.id AS person_id, p.household_id,
                       CASE WHEN p.household_id IS NULL THEN 'person:' || CAST(p.id AS TEXT)
                            ELSE 'household:' || CAST(p.household_id AS TEXT) END AS subject_key,
                       COALESCE(h.region_id, p.region_id) AS region_code, h.grid_id,
                       p.is_household_head AS head,
                       CASE {" ".join(whens)} END AS rnk
                FROM people_person p LEFT JOIN people_household h ON h.id = p.household_id
                WHERE p.region_id >= %s AND p.region_id < %s AND p.merged_into_id IS NULL
                  AND p.id > %s AND p.id <= %s AND ({candidates})
            ) s
            WHERE s.rnk IS NOT NULL
        ) m
        WHERE m.n = 1 AND NOT EXISTS (
            SELECT 1 FROM care_campaignvisit v WHERE v.campaign_id = %s AND v.subject_key = m.subject_key
        )
    """
    return sql, [campaign.pk, *targets, *params, lo, hi, after, upto, *candidate_params, campaign.pk]


def _candidates(
    targets: list[str], *, today: datetime.date, born_by: datetime.date, ids: tuple[int, int]
) -> tuple[str, list]:
    """The persons worth testing: those in any group's own table (care.groups.members, a UNION
    of index lookups), or 80 or over by birth date. Without it every person of the county was
    tested against every group, and a re-run cost as much as the first run."""
    found = [target_groups.members(t, today=today, ids=ids) for t in targets]
    selects = [sql for sql, _ in filter(None, found)]
    tests = [f"p.id IN ({' UNION '.join(selects)})"] if selects else []
    params = [value for _, values in filter(None, found) for value in values]
    for target, members in zip(targets, found, strict=True):
        if members is None:
            sql, values = target_groups.condition(target, today=today, born_by=born_by)
            tests.append(sql)
            params.extend(values)
    return " OR ".join(tests), params


def _tasks(campaign: VisitCampaign) -> tuple[str, list]:
    """INSERT … SELECT of the tasks of the visits that have none yet (the batch's new ones). Every
    other column of the task takes its model default, so a column added to Task later needs no
    change here."""
    ops = connection.ops
    joint = sorted(target_groups.JOINT_GROUPS)
    given = {
        "kind": ("%s", [TaskKind.CAMPAIGN_VISIT.value]),
        "person_id": ("v.person_id", []),
        "household_id": ("v.household_id", []),
        "department": (
            f"CASE WHEN v.target IN ({', '.join(['%s'] * len(joint))}) THEN %s ELSE %s END",
            [*joint, target_groups.department_of(joint[0]), target_groups.department_of("")],
        ),
        "region_code": ("v.region_code", []),
        "assignee_id": ("g.liaison_id", []),
        "due_on": ("%s", [ops.adapt_datefield_value(campaign.ends_on)]),
        "status": ("%s", [TaskStatus.OPEN.value]),
        "rule": ("%s", [campaign.rule]),
        "subject_key": ("v.subject_key", []),
        "created_at": ("%s", [ops.adapt_datetimefield_value(timezone.now())]),
    }
    columns, values, params = task_columns(given)
    sql = f"""
        INSERT INTO worklist_task ({columns})
        SELECT {values}
        FROM care_campaignvisit v LEFT JOIN regions_grid g ON g.id = v.grid_id
        WHERE v.campaign_id = %s AND v.task_id IS NULL
    """
    return sql, [*params, campaign.pk]


def task_columns(given: dict[str, tuple[str, list]]) -> tuple[str, str, list]:
    """The column list, the select list and its parameters of an INSERT … SELECT into the task
    table: `given` maps a column to its SQL and parameters; every other column takes its model
    default, so a column added to Task later needs no change in the bulk paths."""
    columns, values, params = [], [], []
    for field in Task._meta.concrete_fields:
        if field.primary_key:
            continue
        columns.append(connection.ops.quote_name(field.column))
        if field.attname in given:
            sql, args = given[field.attname]
        else:
            sql, args = "%s", [field.get_db_prep_save(field.get_default(), connection)]
        values.append(sql)
        params.extend(args)
    return ", ".join(columns), ", ".join(values), params


LINK = """
    UPDATE care_campaignvisit SET task_id = (
        SELECT t.id FROM worklist_task t
        WHERE t.rule = %s AND t.subject_key = care_campaignvisit.subject_key AND t.period = ''
    )
    WHERE campaign_id = %s AND task_id IS NULL
"""


def generate_batch(campaign: VisitCampaign, *, targets: list[str], after: int, upto: int) -> int:
    """The visits and tasks of one id range; returns how many households were added. The caller
    holds the transaction."""
    with connection.cursor() as cursor:
        cursor.execute(*_match(campaign, targets, after, upto))
        added = cursor.rowcount
        if added:
            cursor.execute(*_tasks(campaign))
            cursor.execute(LINK, [campaign.rule, campaign.pk])
    return added


def last_person_id(campaign: VisitCampaign) -> int:
    lo, hi = campaign.region.bounds
    return Person.objects.filter(region_id__gte=lo, region_id__lt=hi).aggregate(top=Max("id"))["top"] or 0


def execute_generation(run: CampaignRun) -> CampaignRun:
    """The job (ledgers.jobs.JOBS): batches after the run's cursor, each audited and checkpointed
    in its own transaction; the run ends done."""
    campaign = VisitCampaign.objects.select_related("region").get(pk=run.campaign_id)
    targets = list(campaign.groups.order_by("position").values_list("target", flat=True))
    top = last_person_id(campaign)
    after, told = run.cursor, False
    while after < top:
        upto = after + BATCH
        with transaction.atomic():
            added = generate_batch(campaign, targets=targets, after=after, upto=upto)
            if added:
                record(
                    actor=run.requested_by, action="care.campaign.generate", object_type="campaign",
                    object_id=campaign.pk, region_code=campaign.region_id,
                    changes={"run": run.pk, "added": added, "persons_after": after, "persons_upto": upto},
                )  # fmt: skip
            jobs.checkpoint(run, running=CampaignRunStatus.RUNNING, cursor=upto, added=run.added + added)
        if added and not told:
            # The planner learns the campaign has visits now: with the statistics of an empty
            # campaign PostgreSQL checked "already there" by scanning every visit of it
            # (campaign index) instead of the (campaign, subject) one — quadratic at a million.
            refresh_visit_statistics()
            told = True
        after = upto
    with transaction.atomic():
        jobs.checkpoint(
            run, running=CampaignRunStatus.RUNNING, status=CampaignRunStatus.DONE, finished_at=timezone.now()
        )
    if run.added:
        refresh_visit_statistics()
    return run


def refresh_visit_statistics() -> None:
    """After a generation the planner is told the visits' new size — without it PostgreSQL
    planned the coverage count for 10 rows of 60,000 — and, on PostgreSQL outside a transaction,
    the link's old row versions are vacuumed so the page's counts are read from the index alone."""
    # The coverage tally too: each batch's upserts leave its rows' old versions behind (1,250
    # buffers for 963 rows read after a county's generation, before vacuum).
    with connection.cursor() as cursor:
        for table in ("care_campaignvisit", "care_coveragetally"):
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            elif connection.vendor == "sqlite":
                cursor.execute("PRAGMA analysis_limit = 1000")
                cursor.execute(f"ANALYZE {table}")
            else:
                cursor.execute(f"ANALYZE {table}")

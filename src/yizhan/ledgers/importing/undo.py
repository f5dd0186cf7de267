"""Undoing an import run, while nobody has touched what it wrote.

"Touched" means: a person the run created or updated has a later version than the run left, or
an audit event after the run's own closing event (every write in the system is audited on the
person it concerns), or was deleted or merged. Then nothing is undone and the message names the
rows. Otherwise, in one transaction: records the run created are deleted (newest first), people
it created are deleted, and fields it filled are emptied again through update_person.
"""

from __future__ import annotations

from django.apps import apps
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone

from yizhan.audit.models import AuditEvent
from yizhan.audit.services import record
from yizhan.ledgers.models import ImportRun, ImportRunRow, Outcome, RunStatus
from yizhan.people import services as people
from yizhan.people.models import Household, Person
from yizhan.regions.models import Region

SHOWN_ROWS = 20
# People deleted per statement: one query per related table per chunk, not per person.
DELETE_CHUNK = 500


class UndoRefused(Exception):
    """str() says in Chinese why the run cannot be undone."""


def _refuse_touched(run: ImportRun, rows: list[ImportRunRow]) -> None:
    by_person = {r.person_id: r for r in rows if r.person_id is not None}
    touched = [r for r in rows if r.person_id is None]  # deleted, or merged away
    pks = list(by_person)
    for start in range(0, len(pks), 1000):
        chunk = pks[start : start + 1000]
        versions = dict(Person.objects.filter(pk__in=chunk).values_list("pk", "version"))
        later = set(
            AuditEvent.objects.filter(
                object_type="person", object_id__in=[str(pk) for pk in chunk], id__gt=run.audit_mark
            ).values_list("object_id", flat=True)
        )
        for pk in chunk:
            if versions.get(pk) != by_person[pk].person_version or str(pk) in later:
                touched.append(by_person[pk])
    if touched:
        touched.sort(key=lambda r: r.row)
        shown = "、".join(str(r.row) for r in touched[:SHOWN_ROWS])
        more = f"等 {len(touched)} 行" if len(touched) > SHOWN_ROWS else ""
        raise UndoRefused(
            f"第 {shown} 行{more}的人员在导入之后已被修改（或合并、删除），不能撤销本次导入。"
            "请在人员页面逐一核对处理。"
        )


@transaction.atomic
def undo_run(*, actor, run: ImportRun) -> ImportRun:
    run = ImportRun.objects.select_for_update().get(pk=run.pk)
    if run.dry_run:
        raise UndoRefused("试运行没有写入任何数据，无需撤销。")
    if run.status == RunStatus.UNDONE:
        raise UndoRefused("该次导入已经撤销。")
    if not run.can_undo:
        raise UndoRefused("导入尚未结束，不能撤销；已中断的导入请先取消。")
    rows = list(
        ImportRunRow.objects.filter(run=run, outcome__in=[Outcome.CREATED, Outcome.UPDATED]).order_by("-row")
    )
    _refuse_touched(run, rows)
    counts = {"deleted_people": 0, "reverted_people": 0, "deleted_records": 0}
    households: list[int] = []
    created: list[ImportRunRow] = []
    for row in rows:
        for label, pk in reversed(row.records):
            if label == "people.household":
                households.append(pk)  # after its members are gone
                continue
            apps.get_model(label).objects.filter(pk=pk).delete()
            counts["deleted_records"] += 1
        if row.person_created:
            created.append(row)  # after every record, which may name him (a relation)
        elif row.previous:
            _revert(actor, run, Person.objects.get(pk=row.person_id), row)
            counts["reverted_people"] += 1
    for start in range(0, len(created), DELETE_CHUNK):
        counts["deleted_people"] += _delete_people(created[start : start + DELETE_CHUNK])
    for pk in households:
        if not Person.objects.filter(household_id=pk).exists():
            Household.objects.filter(pk=pk).delete()
    run.status, run.undone_at, run.undone_by = RunStatus.UNDONE, timezone.now(), actor
    run.save(update_fields=["status", "undone_at", "undone_by"])
    record(
        actor=actor,
        action="ledger.import.undo",
        object_type="import_run",
        object_id=run.pk,
        region_code=run.region_id,
        changes={"file": run.file_name, **counts},
    )
    return run


def _delete_people(rows: list[ImportRunRow]) -> int:
    try:
        with transaction.atomic():
            Person.objects.filter(pk__in=[r.person_id for r in rows]).delete()
    except ProtectedError:
        for row in rows:  # find the row to name
            try:
                with transaction.atomic():
                    Person.objects.filter(pk=row.person_id).delete()
            except ProtectedError:
                raise UndoRefused(
                    f"第 {row.row} 行的人员导入后已有其他业务记录，不能撤销本次导入。"
                ) from None
    return len(rows)


def _revert(actor, run: ImportRun, person: Person, row: ImportRunRow) -> None:
    fields = {k: v for k, v in row.previous.items() if k not in ("household", "household_grid")}
    if "region" in fields:
        fields["region"] = Region.objects.get(code=fields["region"])
    if fields:
        person = people.update_person(
            actor=actor, person=person, expected_version=row.person_version, **fields
        )
    if "household_grid" in row.previous:  # the import placed his household in a 网格
        people.set_household_grid(actor=actor, household=person.household, grid=None)
    if "household" in row.previous:
        people.set_household(
            actor=actor, person=person, household=None, head=False, source=f"undo import:{run.pk}"
        )

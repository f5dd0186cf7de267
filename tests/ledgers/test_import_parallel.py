"""Worker processes parse an import's batches (ledgers.importing.parallel); the importer stays the one
writer. Whatever the number of workers, every row ends the same: created, updated, unchanged or
rejected with the same reasons, the same people with the same audit events, in file order."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.ledgers import messy
from tests.ledgers.test_import_memory import generated
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.ledgers.importing import parallel
from yizhan.ledgers.importing.report import errors_of
from yizhan.ledgers.models import ImportRunRow
from yizhan.people.models import Person


def what_it_did(run) -> dict:
    """Everything the run wrote, ids left out (a rolled-back run's sequence values are not reused
    on PostgreSQL): households as the ID numbers of their members."""
    people = Person.objects.filter(pk__in=ImportRunRow.objects.filter(run=run).values("person"))
    members: dict[int, list[str]] = {}
    for p in Person.objects.filter(household__isnull=False):
        members.setdefault(p.household_id, []).append(p.id_number)
    return {
        "counts": run.counts(),
        "errors": [(e["row"], e["column"], e["value"], e["reason"]) for e in errors_of(run)],
        "rows": [
            (
                r.row,
                r.outcome,
                r.person_created,
                r.person_version,
                r.previous,
                [label for label, _ in r.records],
            )
            for r in ImportRunRow.objects.filter(run=run).order_by("row")
        ],
        "people": sorted(
            (
                p.id_number,
                p.name,
                p.name_pinyin,
                p.name_initials,
                p.sex,
                p.birth_date,
                p.phone,
                p.region_id,
                p.address,
                p.ethnicity,
                sorted(members.get(p.household_id, [])),
                p.is_household_head,
                p.version,
            )
            for p in people
        ),
        "audit": sorted(
            (
                e.action,
                Person.objects.get(pk=e.object_id).id_number,
                sorted((k, v) for k, v in e.changes.get("fields", {}).items() if k != "household"),
            )
            for e in AuditEvent.objects.filter(object_type="person")
        ),
    }


def test_workers_give_every_row_of_the_messy_ledger_the_outcome_one_process_gives(
    ledger, registry, run_import, settings
):
    settings.IMPORT_WORKERS = 1
    with transaction.atomic():
        alone = what_it_did(run_import(ledger, batch_size=3))
        transaction.set_rollback(True)

    settings.IMPORT_WORKERS = 2
    assert parallel.workers_for(len(messy.ROWS), 3) == 2
    shared = what_it_did(run_import(ledger, batch_size=3))

    assert shared == alone
    assert shared["counts"]["rejected"] and shared["counts"]["updated"] and shared["counts"]["created"]
    assert first_broken_link() is None


def test_a_file_of_one_batch_is_parsed_without_forking(settings):
    settings.IMPORT_WORKERS = 4
    assert parallel.workers_for(1000, 1000) == 0
    assert parallel.workers_for(1001, 1000) == 4
    settings.IMPORT_WORKERS = 1
    assert parallel.workers_for(10_000, 1000) == 0


@pytest.mark.parametrize("workers", [1, 2])
def test_a_repeated_id_number_in_a_later_batch_is_reported_against_its_first_row(
    world, run_import, tmp_path, settings, workers
):
    settings.IMPORT_WORKERS = workers
    path = generated(tmp_path / "ledger.xlsx", 40)
    import openpyxl

    book = openpyxl.load_workbook(path)
    first = [c.value for c in book.active[2]]
    book.active.append([41, *first[1:]])
    book.save(path)

    run = run_import(path, batch_size=7)

    assert (run.created, run.rejected) == (40, 1)
    assert [(e["row"], e["reason"]) for e in errors_of(run)] == [
        (42, "与第 2 行是同一人（身份证号相同），请删除重复行")
    ]
    assert AuditEvent.objects.filter(action="person.create").count() == 40


def test_workers_give_a_families_ledger_the_outcomes_one_process_gives(
    serving, sheet_file, run_import, settings
):
    # A kind that looks other people up (the member) and attaches a fact: its rows are decoded
    # from the worker's packed batch, which a people ledger of new persons never needs.
    import datetime

    from yizhan.people.models import Relation
    from yizhan.people.services import create_person
    from yizhan.regions.models import Region

    village = Region.objects.get(code="371402001001")
    mother = messy.id_of(datetime.date(1977, 3, 1), "F", 31)
    create_person(actor=None, name="王秀英", id_number=mother, region=village)
    path = sheet_file(
        ["姓名", "身份证号", "与军人关系", "军人姓名", "军人身份证号"],
        [
            ["商建国", messy.id_of(datetime.date(1975, 3, 1), "M", 30), "父亲", "商春旺", serving.id_number],
            ["王秀英", mother, "母亲", "商春旺", serving.id_number],
            ["某某", messy.id_of(datetime.date(1980, 1, 1), "F", 34), "母亲", "", messy.id_of(datetime.date(2004, 1, 1), "M", 33)],
            ["王秀英", mother, "母亲", "商春旺", serving.id_number],
            ["商小妹", messy.id_of(datetime.date(2010, 5, 1), "F", 36), "妹妹", "商大", serving.id_number],
        ],
    )  # fmt: skip

    def outcome() -> tuple:
        run = run_import(path, kind="families", batch_size=2)
        relations = sorted((r.relative.id_number, r.kind) for r in Relation.objects.filter(person=serving))
        return run.counts(), [(e["row"], e["column"], e["reason"]) for e in errors_of(run)], relations

    settings.IMPORT_WORKERS = 1
    with transaction.atomic():
        alone = outcome()
        transaction.set_rollback(True)
    settings.IMPORT_WORKERS = 2
    assert parallel.workers_for(5, 2) == 2
    shared = outcome()

    assert shared == alone
    assert alone[0]["created"] == 2 and alone[0]["rejected"] == 3

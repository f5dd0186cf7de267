"""The ledger import's bulk path (rows prepared in worker processes, inserted as tuples, audited by
one batch append) against the registry's one-at-a-time service: every person it creates is the
person people.create_person stores from the same row, with the same audit changes; and the
events it appends are the chain compute_hash describes."""

from __future__ import annotations

import pytest
from django.db import transaction

from tests.ledgers import messy
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.ledgers.importing.engine import Importer
from yizhan.ledgers.importing.layout import locate
from yizhan.ledgers.importing.reading import open_sheet
from yizhan.ledgers.importing.services import create_run
from yizhan.ledgers.models import ImportRunRow, Outcome, RunStatus
from yizhan.people import services as people
from yizhan.people.models import Person
from yizhan.regions.models import Region

# What a person row holds, less its id, timestamps and household (a household is the import's own
# step after the person: create_person knows nothing of it).
STORED = (
    "name", "name_pinyin", "name_initials", "sex", "birth_date", "ethnicity", "id_number", "id_number_bidx",
    "birthplace_code", "phone", "phone_bidx", "region_id", "address", "education", "political_status",
    "notes", "dependent_adult", "version", "photo_id", "merged_into_id", "created_by_id", "updated_by_id",
)  # fmt: skip
HOUSEHOLD_CHANGES = ("household", "is_household_head")


def stored(person: Person) -> dict:
    return {field: getattr(person, field) for field in STORED}


def created_fields(person: Person) -> dict:
    event = AuditEvent.objects.get(action="person.create", object_type="person", object_id=str(person.pk))
    return {k: v for k, v in event.changes["fields"].items() if k not in HOUSEHOLD_CHANGES}


@pytest.mark.parametrize("workers", [1, 2])
def test_every_person_the_import_creates_is_the_person_create_person_stores_from_his_row(
    ledger, registry, run_import, settings, workers
):
    settings.IMPORT_WORKERS = workers
    with transaction.atomic():
        run = run_import(ledger, batch_size=3)
        created = {
            r.row: r.person
            for r in ImportRunRow.objects.filter(run=run, outcome=Outcome.CREATED, person_created=True)
        }
        imported = {row: (stored(p), created_fields(p)) for row, p in created.items()}
        assert first_broken_link() is None
        transaction.set_rollback(True)
    assert len(imported) >= 5

    # The old path: each row's values, as the engine hands them to create_person for the kinds
    # that create one person at a time.
    draft = create_run(
        actor=None, path=ledger, kind="people", region=Region.objects.get(code=messy.TOWNSHIP),
        dry_run=True, status=RunStatus.RUNNING,
    )  # fmt: skip
    importer = Importer(draft)
    importer.layout, rows = locate(open_sheet(ledger).rows(), "people")
    one_by_one = {}
    for number, values in rows:
        if number in imported:
            row, _ = importer.parse_one(number, values, prepare=False)
            person = people.create_person(actor=None, **importer._person_values(row))
            one_by_one[number] = (stored(person), created_fields(person))

    assert one_by_one == imported


def test_what_the_bulk_path_stores_reads_back_as_the_clerk_typed_it(ledger, registry, run_import, settings):
    settings.IMPORT_WORKERS = 2
    run = run_import(ledger, batch_size=3)

    person = Person.objects.get(
        pk=ImportRunRow.objects.filter(run=run, person_created=True).first().person_id
    )
    event = AuditEvent.objects.get(action="person.create", object_id=str(person.pk))
    assert event.changes["source"] == f"import:{run.pk}"
    assert event.changes["version"] == 1
    assert event.changes["fields"]["name"] == ["", person.name]
    assert event.region_code == person.region_id
    assert event.hash == event.compute_hash()

"""The ledger import writes through the people services: each person it creates has his own
person.create audit event and so his own timeline entry, and each household it creates was made
by create_household (audited as such), its members put in it through set_household."""

from __future__ import annotations

from tests.ledgers import messy
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.people.models import Household, Person
from yizhan.people.selectors import timeline_of


def test_every_imported_person_has_his_own_audit_row_and_timeline_entry(ledger, registry, run_import):
    run = run_import(ledger)

    created = Person.objects.exclude(pk__in=[p.pk for p in registry])
    assert created.count() == run.created == 5
    for person in created:
        entries = list(timeline_of(person))
        assert [e.action for e in entries].count("person.create") == 1, person.name
        creation = next(e for e in entries if e.action == "person.create")
        assert creation.changes["source"] == f"import:{run.pk}"
        assert messy.ZHANG not in str(creation.changes), "ID numbers masked in the audit trail"
    assert AuditEvent.objects.filter(action="person.create").count() == len(registry) + 5
    assert not AuditEvent.objects.filter(action="ledger.import.people").exists(), "no batch summary instead"
    assert first_broken_link() is None


def test_households_of_an_imported_ledger_are_created_by_the_people_services(ledger, registry, run_import):
    run_import(ledger)

    households = Household.objects.all()
    assert households.exists()
    for household in households:
        made = AuditEvent.objects.filter(action="household.create", object_id=str(household.pk))
        assert made.count() == 1
        for member in Person.objects.filter(household=household):
            body = AuditEvent.objects.filter(object_type="person", object_id=str(member.pk)).values_list(
                "changes", flat=True
            )
            assert any("household" in str(changes) for changes in body), member.name

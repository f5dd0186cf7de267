"""Undoing an import: everything it wrote goes, unless someone touched its rows since."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ledgers import messy
from tests.ledgers.messy import id_of
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.conscription.models import Registration, RegistrationYear
from yizhan.core import crypto
from yizhan.ledgers.importing.undo import UndoRefused, undo_run
from yizhan.ledgers.models import RunStatus
from yizhan.lifecycle.models import DomainEvent
from yizhan.people import services as people
from yizhan.people.models import ID_CONTEXT, Household, Identity, Person


def person(number: str) -> Person | None:
    return Person.objects.filter(id_number_bidx=crypto.blind_index(number, context=ID_CONTEXT)).first()


def test_undo_removes_the_people_it_created_and_empties_the_fields_it_filled(ledger, registry, run_import):
    zheng, feng = registry
    run = run_import(ledger)
    assert Household.objects.count() == 1

    undo_run(actor=None, run=run)

    assert set(Person.objects.all()) == {zheng, feng}
    zheng.refresh_from_db()
    assert (zheng.phone, zheng.version) == ("", 3)
    assert Household.objects.count() == 0
    run.refresh_from_db()
    assert run.status == RunStatus.UNDONE
    event = AuditEvent.objects.get(action="ledger.import.undo")
    assert event.changes["deleted_people"] == 5 and event.changes["reverted_people"] == 1
    assert first_broken_link() is None
    assert run_import(ledger).created == 5, "the undone file imports again"


def test_undo_is_refused_naming_the_rows_edited_after_the_import(ledger, registry, run_import):
    run = run_import(ledger)
    zhang = person(messy.ZHANG)
    people.update_person(actor=None, person=zhang, expected_version=zhang.version, address="新地址")
    zheng = person(messy.ZHENG)
    people.add_award(actor=None, person=zheng, level="third_class", awarded_on=datetime.date(2020, 1, 1))

    with pytest.raises(UndoRefused, match=r"第 4、13 行的人员在导入之后已被修改"):
        undo_run(actor=None, run=run)

    assert Person.objects.count() == 7
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


def test_a_dry_run_and_an_undone_run_cannot_be_undone(ledger, registry, run_import):
    with pytest.raises(UndoRefused, match="试运行"):
        undo_run(actor=None, run=run_import(ledger, dry_run=True))
    run = run_import(ledger)
    undo_run(actor=None, run=run)
    with pytest.raises(UndoRefused, match="已经撤销"):
        undo_run(actor=None, run=run)


def test_undo_of_registrations_removes_the_registration_and_what_it_set_off(world, sheet_file, run_import):
    assert RegistrationYear.objects.filter(region_code="", year=2026).exists()  # shipped default
    path = sheet_file(
        ["姓名", "身份证号", "登记日期", "初步结论"],
        [["青年甲", id_of(datetime.date(2008, 5, 5), "M", 60), "2026-03-01", "应服兵役"]],
    )
    run = run_import(path, kind="registrations")
    assert (Registration.objects.count(), DomainEvent.objects.count(), Identity.objects.count()) == (1, 1, 1)

    call_command("undo_import", str(run.pk))

    assert (Registration.objects.count(), DomainEvent.objects.count(), Identity.objects.count()) == (0, 0, 0)
    assert not Person.objects.exists()


def test_the_undo_command_reports_a_refusal(ledger, registry, run_import):
    run = run_import(ledger, dry_run=True)

    with pytest.raises(CommandError, match="试运行"):
        call_command("undo_import", str(run.pk))

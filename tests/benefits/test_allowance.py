import dataclasses
import datetime
from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection

from tests.benefits.conftest import APPROVED, approve, record_fact
from yizhan.audit.models import AuditEvent
from yizhan.benefits import services
from yizhan.benefits.models import AllowancePeriod, AllowanceRecipient, PeriodStatus
from yizhan.lifecycle.models import EventKind
from yizhan.veterans.services import record_status_change
from yizhan.worklist.models import Task, TaskKind, TaskStatus

ACCOUNT = "6228480012345678901"


def paid_periods(person) -> list[datetime.date]:
    return list(
        AllowancePeriod.objects.filter(person=person, status=PeriodStatus.SCHEDULED)
        .order_by("sequence")
        .values_list("starts_on", flat=True)
    )


def test_a_conscript_approved_on_1_september_2026_and_discharged_two_years_later_gets_four_periods(family):
    soldier = family["soldier"]
    approve(soldier)
    record_fact(soldier, EventKind.DISCHARGED, datetime.date(2028, 9, 1))
    assert paid_periods(soldier) == [
        datetime.date(2026, 9, 1),
        datetime.date(2027, 3, 1),
        datetime.date(2027, 9, 1),
        datetime.date(2028, 3, 1),
    ]


def test_a_conscript_admitted_to_a_military_academy_after_eight_months_gets_two_periods(family):
    soldier = family["soldier"]
    approve(soldier)
    record_fact(soldier, EventKind.STATUS_CHANGED, datetime.date(2027, 5, 1), change="military_academy")
    assert paid_periods(soldier) == [datetime.date(2026, 9, 1), datetime.date(2027, 3, 1)]
    stopped = AllowancePeriod.objects.filter(person=soldier, status=PeriodStatus.CANCELLED)
    assert {(p.stopped_on, p.stop_reason) for p in stopped} == {(datetime.date(2027, 5, 1), "考入军队院校")}


@pytest.mark.parametrize(
    ("stop", "periods"),
    [(datetime.date(2027, 2, 28), 1), (datetime.date(2027, 3, 1), 2), (datetime.date(2027, 3, 2), 2)],
)
def test_a_period_that_has_started_counts_whole(family, stop, periods):
    approve(family["soldier"])
    record_fact(family["soldier"], EventKind.STATUS_CHANGED, stop, change="promoted_officer")
    assert len(paid_periods(family["soldier"])) == periods


def test_only_conscripts_get_periods(family):
    approve(family["soldier"], service_type="nco")
    assert not AllowancePeriod.objects.exists()


def test_a_returned_recruit_gets_no_allowance(family):
    approve(family["soldier"])
    record_fact(family["soldier"], EventKind.RECRUIT_RETURNED, datetime.date(2026, 9, 20), key="candidate:x")
    assert paid_periods(family["soldier"]) == []


def test_replaying_the_approval_schedules_nothing_more(family):
    approve(family["soldier"])
    approve(family["soldier"])
    assert AllowancePeriod.objects.count() == 4


def test_periods_of_a_graduate_carry_the_extra(family, rates):
    approve(family["soldier"], graduate=True)
    assert all(p.graduate for p in AllowancePeriod.objects.all())


def recipient_task(soldier) -> Task:
    return Task.objects.get(kind=TaskKind.ALLOWANCE_RECIPIENT, person=soldier)


def test_the_recipient_form_closes_the_task_and_keeps_the_account_encrypted_at_rest(family, login_as):
    soldier = family["soldier"]
    approve(soldier)
    task = recipient_task(soldier)
    response = login_as("xinhu_clerk").post(
        f"/benefits/tasks/{task.pk}/recipient/",
        {
            "recipient": family["father"].pk,
            "bank_name": "中国农业银行德州新湖支行",
            "account": "6228 4800 1234 5678 901",
            "designated_on": "2026-08-25",
            "hardship": "on",
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert "商建国" in task.outcome and "6228 **** **** 8901" in task.outcome
    designation = AllowanceRecipient.objects.get()
    assert (designation.recipient, designation.relation, designation.account) == (
        family["father"],
        "父母",
        ACCOUNT,
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM benefits_allowancerecipient")
        stored = repr(cursor.fetchall())
    assert ACCOUNT not in stored and "12345678" not in stored
    assert not AuditEvent.objects.filter(changes__icontains="12345678").exists()
    assert all(p.hardship for p in AllowancePeriod.objects.all())


def test_the_recipient_must_be_a_family_member(family, make_person, persona):
    approve(family["soldier"])
    stranger = make_person(name="路人甲")
    with pytest.raises(ValidationError, match="家庭成员"):
        services.designate_recipient(
            actor=persona("xinhu_clerk"),
            servicemember=family["soldier"],
            recipient=stranger,
            bank_name="农行",
            account=ACCOUNT,
            on=APPROVED,
        )
    assert recipient_task(family["soldier"]).is_open


def test_a_failed_designation_keeps_what_was_typed_and_leaves_the_task_open(family, login_as):
    approve(family["soldier"])
    task = recipient_task(family["soldier"])
    response = login_as("xinhu_clerk").post(
        f"/benefits/tasks/{task.pk}/recipient/",
        {
            "recipient": family["father"].pk,
            "bank_name": "农行",
            "account": "1234",
            "designated_on": "2026-08-25",
        },
    )
    assert response.status_code == 400
    assert "12–30 位数字" in response.content.decode()
    assert recipient_task(family["soldier"]).is_open


def test_a_new_recipient_supersedes_the_old_one(family, persona):
    approve(family["soldier"])
    clerk = persona("xinhu_clerk")
    for account in (ACCOUNT, "6217000011112222333"):
        services.designate_recipient(
            actor=clerk, servicemember=family["soldier"], recipient=family["father"], bank_name="农行",
            account=account, on=APPROVED,
        )  # fmt: skip
    current = AllowanceRecipient.objects.get(superseded_at__isnull=True)
    assert current.account == "6217000011112222333"
    assert AllowanceRecipient.objects.count() == 2


def test_revealing_the_account_needs_a_reason_and_is_audited(family, persona, login_as):
    approve(family["soldier"])
    designation = services.designate_recipient(
        actor=persona("xinhu_clerk"), servicemember=family["soldier"], recipient=family["father"],
        bank_name="农行", account=ACCOUNT, on=APPROVED,
    )  # fmt: skip
    client = login_as("xinhu_clerk")
    page = client.get(f"/benefits/people/{family['soldier'].pk}/").content.decode()
    assert "6228 **** **** 8901" in page and ACCOUNT not in page
    refused = client.post(f"/benefits/allowance/recipients/{designation.pk}/reveal/", {"reason": ""})
    assert ACCOUNT not in refused.content.decode()
    shown = client.post(
        f"/benefits/allowance/recipients/{designation.pk}/reveal/", {"reason": "核对银行退票"}
    )
    assert ACCOUNT in shown.content.decode()
    event = AuditEvent.objects.get(action="benefits.allowance.reveal")
    assert event.reason == "核对银行退票"
    assert (
        login_as("xinhu_village")
        .post(f"/benefits/allowance/recipients/{designation.pk}/reveal/", {"reason": "核对"})
        .content.decode()
        .count(ACCOUNT)
        == 0
    )


def test_the_recipient_form_of_a_non_conscript_has_nothing_to_designate(family, login_as):
    approve(family["soldier"], service_type="nco")
    page = login_as("xinhu_clerk").get(f"/benefits/tasks/{recipient_task(family['soldier']).pk}/recipient/")
    assert "无需确定领取人" in page.content.decode()
    assert 'data-testid="recipient-form"' not in page.content.decode()


def test_key_rotation_re_encrypts_the_bank_accounts(family, persona, settings):
    approve(family["soldier"])
    services.designate_recipient(
        actor=persona("xinhu_clerk"), servicemember=family["soldier"], recipient=family["father"],
        bank_name="农行", account=ACCOUNT, on=APPROVED,
    )  # fmt: skip
    ring = settings.YIZHAN_KEYRING
    settings.YIZHAN_KEYRING = dataclasses.replace(
        ring, keys={**ring.keys, "k2": bytes(range(32, 64))}, active="k2"
    )
    output = StringIO()
    call_command("rotate_keys", stdout=output)
    assert "allowance.bank_account：检查 1 条，重新加密 1 条" in output.getvalue()
    designation = AllowanceRecipient.objects.get()
    assert designation.account_enc.split(":")[1] == "k2" and designation.account == ACCOUNT


@pytest.mark.parametrize("change", ["nco_conversion", "promoted_officer"])
def test_a_conscript_whose_status_changed_before_his_recipient_was_named_is_paid_what_he_is_owed(
    family, persona, rates, change
):
    soldier, clerk = family["soldier"], persona("xinhu_clerk")
    approve(soldier)
    record_status_change(actor=clerk, person=soldier, on=datetime.date(2027, 5, 1), change=change)
    services.designate_recipient(
        actor=clerk, servicemember=soldier, recipient=family["father"], bank_name="农行",
        account=ACCOUNT, on=datetime.date(2027, 5, 10),
    )  # fmt: skip
    result = services.generate_batch(
        actor=persona("decheng"), county_code="371402000000", as_of=datetime.date(2027, 12, 31)
    )
    owed = result.batch.payments.order_by("period__sequence").values_list("period__starts_on", flat=True)
    assert list(owed) == [datetime.date(2026, 9, 1), datetime.date(2027, 3, 1)]
    assert result.without_recipient == 0
    assert AuditEvent.objects.filter(action="person.service.type").count() == 1

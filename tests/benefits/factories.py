"""One of every benefits object for a person, made directly (no events, no other people), so the
project-wide jurisdiction walk can give its foreign person a batch, a recipient, a bonus and a
plaque without changing anything else it asserts about him."""

from __future__ import annotations

import datetime
from decimal import Decimal

from yizhan.benefits.models import (
    ACCOUNT_CONTEXT,
    AllowancePayment,
    AllowancePeriod,
    AllowanceRate,
    AllowanceRecipient,
    BonusEntitlement,
    HonorPlaque,
    PaymentBatch,
    PlaqueCategory,
)
from yizhan.core import crypto
from yizhan.people.models import AwardLevel, Household, ServiceRecord
from yizhan.worklist.models import TaskKind
from yizhan.worklist.services import ensure_task

ENLISTED = datetime.date(2026, 9, 1)


def benefits_of(person) -> dict:
    """{"allowance_period", "allowance_payment", "allowance_batch", "allowance_recipient", "bonus",
    "plaque", "recipient_task", "plaque_task"}."""
    household = person.household or Household.objects.create(region=person.region)
    if person.household_id is None:
        person.household = household
        person.is_household_head = True
        person.save(update_fields=["household", "is_household_head"])
    service_record = ServiceRecord.objects.create(person=person, enlisted_on=ENLISTED)
    period = AllowancePeriod.objects.create(
        person=person, service_record=service_record, sequence=1, starts_on=ENLISTED,
        ends_on=datetime.date(2027, 2, 28), region_code=person.region_id,
    )  # fmt: skip
    recipient = AllowanceRecipient.objects.create(
        servicemember=person, service_record=service_record, recipient=person, relation="本人",
        bank_name="农行", account_enc=crypto.encrypt("6228480000000000001", context=ACCOUNT_CONTEXT),
        designated_on=ENLISTED,
    )  # fmt: skip
    rate, _ = AllowanceRate.objects.get_or_create(
        region_code=person.region_id[:2].ljust(12, "0"),
        year=ENLISTED.year,
        defaults={"annual_amount": Decimal("20000")},
    )
    batch = PaymentBatch.objects.create(county_code=person.region_id[:6] + "000000", as_of=ENLISTED)
    payment = AllowancePayment.objects.create(
        batch=batch, period=period, recipient=recipient, rate=rate, amount=Decimal("10000"),
        region_code=person.region_id,
    )  # fmt: skip
    bonus = BonusEntitlement.objects.create(
        person=person, level=AwardLevel.THIRD_CLASS, awarded_on=datetime.date(2027, 6, 1),
        region_code=person.region_id,
    )  # fmt: skip
    plaque = HonorPlaque.objects.create(household=household, category=PlaqueCategory.ACTIVE)
    tasks = {
        kind: ensure_task(
            kind=kind, rule=f"test:{kind}", department="joint", due_on=ENLISTED, region_code=person.region_id,
            **({"household": household} if kind == TaskKind.HONOR_PLAQUE else {"person": person}),
        )[0]
        for kind in (TaskKind.ALLOWANCE_RECIPIENT, TaskKind.HONOR_PLAQUE)
    }  # fmt: skip
    return {
        "allowance_period": period,
        "allowance_payment": payment,
        "allowance_batch": batch,
        "allowance_recipient": recipient,
        "bonus": bonus,
        "plaque": plaque,
        "recipient_task": tasks[TaskKind.ALLOWANCE_RECIPIENT],
        "plaque_task": tasks[TaskKind.HONOR_PLAQUE],
    }

"""A conscript's family in 新湖街道, the policy tables, and a helper to record his facts."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from yizhan.benefits.models import AllowanceRate, BonusRate
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import AwardLevel, RelationKind

APPROVED = datetime.date(2026, 9, 1)


def record_fact(person, kind: str, on: datetime.date, key: str = "", **payload):
    event, _ = emit(
        kind=kind, key=key or f"{kind}:{person.pk}", person=person, occurred_on=on, payload=payload
    )
    return event


def approve(person, on: datetime.date = APPROVED, **payload):
    return record_fact(person, EventKind.ENLISTMENT_APPROVED, on, key=f"candidate:{person.pk}", **payload)


@pytest.fixture
def make_family(make_person):
    """make_family("商春旺", village=...) -> (soldier, father, household)."""

    def create(name: str, village: str = "371402001001"):
        soldier = make_person(name=name, village=village, born=datetime.date(2006, 3, 1))
        father = make_person(name=name[0] + "建国", village=village, born=datetime.date(1976, 3, 1))
        people_services.add_relation(actor=None, person=soldier, relative=father, kind=RelationKind.PARENT)
        household = people_services.create_household(
            actor=None, region=soldier.region, members=[father, soldier], head=father
        )
        soldier.refresh_from_db()
        father.refresh_from_db()
        return soldier, father, household

    return create


@pytest.fixture
def family(make_family):
    soldier, father, household = make_family("商春旺")
    return {"soldier": soldier, "father": father, "household": household}


@pytest.fixture
def rates(db):
    for year in (2026, 2027, 2028):
        AllowanceRate.objects.create(
            region_code="370000000000",
            year=year,
            annual_amount=Decimal("22000"),
            graduate_extra=Decimal("2000"),
        )
    amounts = {
        AwardLevel.BAYI_MEDAL: 50000,
        AwardLevel.FIRST_CLASS: 10000,
        AwardLevel.SECOND_CLASS: 5000,
        AwardLevel.THIRD_CLASS: 2000,
        AwardLevel.OUTSTANDING_SOLDIER: 500,
    }
    for level, amount in amounts.items():
        BonusRate.objects.create(region_code="371402000000", year=2027, level=level, amount=Decimal(amount))


@pytest.fixture(autouse=True)
def _today_after_the_scenarios(today_is):
    # These scenarios run through years still ahead of the machine's clock (intakes, periods
    # and payments to 2030): the date checks count from a day after them.
    today_is(datetime.date(2031, 12, 31))

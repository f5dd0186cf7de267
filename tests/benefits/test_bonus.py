import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.benefits.conftest import approve, record_fact
from yizhan.benefits import services
from yizhan.benefits.effects import bonus_entitlement
from yizhan.benefits.models import BonusEntitlement, BonusStatus
from yizhan.lifecycle.models import EventKind
from yizhan.people import services as people_services
from yizhan.people.models import AwardLevel
from yizhan.worklist.models import Task, TaskKind

AWARDED = datetime.date(2027, 6, 1)


@pytest.fixture
def award(family, rates):
    approve(family["soldier"])
    return people_services.add_award(
        actor=None, person=family["soldier"], level=AwardLevel.THIRD_CLASS, awarded_on=AWARDED,
        notice_number="某部〔2027〕12号",
    )  # fmt: skip


def record_award(award, key=""):
    return record_fact(
        award.person,
        EventKind.AWARD_RECORDED,
        award.awarded_on,
        key=key or f"award:{award.pk}",
        award=award.pk,
    )


def test_one_award_gives_exactly_one_merit_notice_task_and_one_bonus_from_the_local_table(award):
    event = record_award(award)
    entitlement = BonusEntitlement.objects.get()
    assert (entitlement.event, entitlement.award, entitlement.amount) == (event, award, Decimal("2000"))
    assert entitlement.status == BonusStatus.DUE
    assert Task.objects.filter(kind=TaskKind.MERIT_NOTICE, cause=event).count() == 1


def test_replaying_the_award_event_creates_nothing(award):
    event = record_award(award)
    record_award(award)
    bonus_entitlement(event)  # the effect itself, applied again
    record_award(award, key="award:again")  # the same award under another key
    assert BonusEntitlement.objects.count() == 1


def test_the_database_refuses_a_second_bonus_for_the_same_event(award):
    event = record_award(award)
    with pytest.raises(IntegrityError), transaction.atomic():
        BonusEntitlement.objects.create(
            person=award.person,
            event=event,
            level=award.level,
            awarded_on=AWARDED,
            region_code="371402001001",
        )


def test_an_award_event_without_a_row_takes_the_level_from_its_payload(family, rates):
    record_fact(family["soldier"], EventKind.AWARD_RECORDED, AWARDED, level=AwardLevel.FIRST_CLASS)
    assert BonusEntitlement.objects.get().amount == Decimal("10000")


def test_an_award_without_any_standard_waits_for_it(family, persona, rates):
    # 2028: no local table and no national default shipped for that year.
    record_fact(
        family["soldier"], EventKind.AWARD_RECORDED, datetime.date(2028, 12, 1), level=AwardLevel.SECOND_CLASS
    )
    entitlement = BonusEntitlement.objects.get()
    assert entitlement.amount is None
    with pytest.raises(ValidationError, match="尚未确定"):
        services.pay_bonus(
            actor=persona("xinhu_clerk"),
            entitlement=entitlement,
            paid_on=datetime.date(2028, 12, 5),
            reference="X",
        )
    services.set_bonus_rate(
        actor=persona("decheng"),
        region_code="371402000000",
        year=2028,
        level=AwardLevel.SECOND_CLASS,
        amount=Decimal("5000"),
    )
    entitlement.refresh_from_db()
    assert entitlement.amount == Decimal("5000")


def test_paying_a_bonus_records_date_and_reference_once(award, persona, login_as):
    record_award(award)
    entitlement = BonusEntitlement.objects.get()
    client = login_as("xinhu_clerk")
    response = client.post(
        f"/benefits/bonuses/{entitlement.pk}/pay/",
        {"paid_on": "2027-06-10", "reference": "德城财〔2027〕3号"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200 and "<html" not in response.content.decode()
    entitlement.refresh_from_db()
    assert (entitlement.status, entitlement.paid_on, entitlement.reference) == (
        BonusStatus.PAID,
        datetime.date(2027, 6, 10),
        "德城财〔2027〕3号",
    )
    with pytest.raises(ValidationError, match="已于"):
        services.pay_bonus(
            actor=persona("xinhu_clerk"), entitlement=entitlement, paid_on=AWARDED, reference="Y"
        )


def test_the_honor_wall_shows_the_households_awards_and_bonuses(award, family, login_as):
    record_award(award)
    page = login_as("xinhu_clerk").get(f"/benefits/people/{family['father'].pk}/honors/").content.decode()
    assert "商建国户" in page
    assert "三等功" in page and "某部〔2027〕12号" in page and "2000" in page

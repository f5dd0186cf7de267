"""Rates and bonus tables are per locality: the most specific applies (county over city over
province over the national default), only an officer at or above the region sets one, and the
audit row carries the region."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from tests.benefits.conftest import APPROVED, approve
from yizhan.audit.models import AuditEvent
from yizhan.benefits import services
from yizhan.benefits.models import AllowancePayment, AllowanceRate, BonusRate
from yizhan.desk.selectors import events_visible_to
from yizhan.people.models import AwardLevel

DECHENG, SHANDONG, KUNSHAN = "371402000000", "370000000000", "320583000000"
XINHU_VILLAGE, HUAQIAO_VILLAGE = "371402001001", "320583400001"


def bonus(region_code):
    rate = services.bonus_rate_for(region_code=region_code, year=2026, level=AwardLevel.THIRD_CLASS)
    return rate.amount if rate else None


def test_the_bonus_of_the_most_specific_table_applies(world):
    assert bonus(XINHU_VILLAGE) == Decimal("2000")  # the national default shipped for 2026
    for code, amount in ((SHANDONG, 2500), ("371400000000", 2800), (DECHENG, 3000)):
        services.set_bonus_rate(
            actor=None, region_code=code, year=2026, level=AwardLevel.THIRD_CLASS, amount=Decimal(amount)
        )
    assert bonus(XINHU_VILLAGE) == Decimal("3000")
    BonusRate.objects.filter(region_code=DECHENG).delete()
    assert bonus(XINHU_VILLAGE) == Decimal("2800")
    assert bonus(HUAQIAO_VILLAGE) == Decimal("2000")  # 江苏 set nothing


def enlisted_with_recipient(make_family, officer):
    soldier, father, _ = make_family("商春旺")
    approve(soldier)
    services.designate_recipient(
        actor=officer, servicemember=soldier, recipient=father, bank_name="农行",
        account="6228480012345678901", on=APPROVED,
    )  # fmt: skip


def test_a_batch_pays_the_countys_own_standard_before_the_provinces(make_family, persona, rates):
    services.set_allowance_rate(
        actor=persona("decheng"), region_code=DECHENG, year=2026, annual_amount=Decimal("30000")
    )
    enlisted_with_recipient(make_family, persona("decheng"))
    services.generate_batch(actor=persona("decheng"), county_code=DECHENG, as_of=datetime.date(2026, 9, 30))
    payment = AllowancePayment.objects.get()
    assert (payment.amount, payment.rate.region_code) == (Decimal("15000.00"), DECHENG)


def test_without_a_provincial_standard_the_national_default_is_paid(make_family, persona):
    enlisted_with_recipient(make_family, persona("decheng"))
    result = services.generate_batch(
        actor=persona("decheng"), county_code=DECHENG, as_of=datetime.date(2026, 9, 30)
    )
    assert result.created == 1
    assert AllowancePayment.objects.get().rate.region_code == ""


@pytest.mark.parametrize(
    ("username", "region_code"),
    [
        ("decheng", SHANDONG),  # a county officer, his province above him
        ("decheng", KUNSHAN),  # another county
        ("decheng", ""),  # the national default
        ("xinhu_head", DECHENG),  # a station head, his own county
    ],
)
def test_only_an_officer_at_or_above_the_region_sets_a_standard(persona, username, region_code):
    with pytest.raises(PermissionDenied, match="只能由"):
        services.set_allowance_rate(
            actor=persona(username), region_code=region_code, year=2026, annual_amount=Decimal("1")
        )
    with pytest.raises(PermissionDenied, match="只能由"):
        services.set_bonus_rate(
            actor=persona(username), region_code=region_code, year=2026, level=AwardLevel.THIRD_CLASS,
            amount=Decimal("1"),
        )  # fmt: skip
    assert not AllowanceRate.objects.filter(annual_amount=Decimal("1")).exists()
    assert not BonusRate.objects.filter(amount=Decimal("1")).exists()


def test_a_rate_change_is_audited_under_its_region_and_the_stations_there_see_it(persona):
    services.set_bonus_rate(
        actor=persona("decheng"), region_code=DECHENG, year=2026, level=AwardLevel.FIRST_CLASS,
        amount=Decimal("12000"),
    )  # fmt: skip
    services.set_allowance_rate(actor=None, region_code=KUNSHAN, year=2026, annual_amount=Decimal("25000"))
    event = AuditEvent.objects.get(action="benefits.bonus.rate")
    assert (event.region_code, event.changes["region"]) == (DECHENG, "德城区")
    seen = events_visible_to(persona("xinhu_head")).filter(action__startswith="benefits.")
    assert list(seen.values_list("action", flat=True)) == ["benefits.bonus.rate"]


def test_the_rates_page_offers_only_the_regions_the_officer_may_set(login_as, world):
    client = login_as("decheng")
    page = client.get("/benefits/bonuses/rates/").content.decode()
    assert 'value="371402000000"' in page and 'value="370000000000"' not in page
    client.post(
        "/benefits/bonuses/rates/",
        {"region_code": SHANDONG, "year": "2026", "level": "first_class", "amount": "1"},
    )
    assert not BonusRate.objects.filter(region_code=SHANDONG).exists()
    assert "全国默认" in page  # the shipped national rows are listed by name


def test_the_system_administrator_keeps_the_national_default_on_the_page(login_as):
    client = login_as("admin")
    form = {"region_code": "", "year": "2028", "level": "first_class", "amount": "10000"}
    assert client.post("/benefits/bonuses/rates/", form).status_code == 302
    assert BonusRate.objects.get(region_code="", year=2028, level="first_class").amount == Decimal("10000")
    assert AuditEvent.objects.get(action="benefits.bonus.rate").region_code == ""

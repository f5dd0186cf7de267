"""The 工作台 lists what waits for the user's office besides tasks, with counts: for the county the
cards to review and those being made, the intakes not yet split among townships, the payment
batches to review or pay; for the station the cards at its own steps."""

from __future__ import annotations

import datetime
import re

import pytest

from tests.veterans.conftest import photo_bytes
from yizhan.benefits.models import BatchStatus, PaymentBatch
from yizhan.conscription.models import Campaign, Half, TownshipQuota
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.veterans import services as veterans
from yizhan.veterans.models import CardStatus, ProfileCategory

D = datetime.date
DECHENG = "371402000000"
XINHU = "371402001000"


@pytest.fixture
def card_of(make_person, persona, settings, tmp_path):
    """card_of("商春旺", status=…) -> a 新湖 veteran's card moved along CARD_FLOW to that status."""
    settings.DOCUMENTS_DIR = tmp_path
    path = [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION, CardStatus.ARRIVED]
    actors = {
        CardStatus.COUNTY_REVIEW: "xinhu_clerk",
        CardStatus.IN_PRODUCTION: "decheng",
        CardStatus.ARRIVED: "decheng",
    }

    def make(name: str, *, status: str, village: str = "371402001001"):
        man = make_person(name=name, village=village, born=D(2000, 3, 1))
        emit(
            kind=EventKind.ENLISTMENT_APPROVED, key=f"candidate:{name}", person=man, occurred_on=D(2020, 9, 1)
        )
        veterans.record_discharge(actor=None, person=man, on=D(2022, 9, 1), settlement_type="self_employed")
        veterans.save_profile(
            actor=None, person=man, on=D(2022, 9, 5), category=ProfileCategory.DISCHARGED_SOLDIER
        )
        card = veterans.apply_card(actor=None, person=man, on=D(2022, 9, 6), photo_content=photo_bytes())
        for to in path[: path.index(status) + 1] if status in path else []:
            veterans.move_card(actor=persona(actors[to]), card=card, to=to, on=D(2022, 9, 7))
        return card

    return make


def waiting(client) -> dict[str, int]:
    page = client.get("/").content.decode()
    rows = re.findall(r'<a href="[^"]*">([^<]+)</a><span [^>]*data-testid="waiting-count">(\d+)</span>', page)
    return {label: int(n) for label, n in rows}


def test_the_county_officer_sees_the_cards_waiting_for_the_county_with_counts(card_of, login_as):
    card_of("商一", status=CardStatus.COUNTY_REVIEW)
    card_of("商二", status=CardStatus.COUNTY_REVIEW)
    card_of("商三", status=CardStatus.IN_PRODUCTION)
    card_of("商四", status=CardStatus.ACCEPTED)  # the station's step: not the county's
    card_of("钱五", status=CardStatus.COUNTY_REVIEW, village="320583400001")  # 昆山: not his county

    assert waiting(login_as("decheng")) == {"优待证待县级审核": 2, "优待证制卡中，待登记到县": 1}
    page = login_as("decheng").get("/").content.decode()
    assert 'href="/veterans/cards/?status=county_review"' in page


def test_the_station_sees_the_cards_at_its_own_steps_only(card_of, login_as):
    card_of("商一", status=CardStatus.ACCEPTED)
    card_of("商二", status=CardStatus.COUNTY_REVIEW)
    card_of("商三", status=CardStatus.ARRIVED)
    assert waiting(login_as("xinhu_clerk")) == {
        "优待证已受理，待报县级审核": 1,
        "优待证已到县，待签收发放": 1,
    }
    assert waiting(login_as("huaqiao_clerk")) == {}


def test_an_intake_not_yet_split_among_the_townships_waits_for_the_county(world, login_as):
    campaign = Campaign.objects.create(
        county_id=DECHENG,
        year=2027,
        half=Half.FIRST,
        opens_on=D(2026, 11, 1),
        approval_on=D(2027, 3, 1),
        quota=10,
    )
    TownshipQuota.objects.create(campaign=campaign, township_id=XINHU, quota=4)
    Campaign.objects.create(  # wholly split: nothing waits
        county_id=DECHENG,
        year=2026,
        half=Half.SECOND,
        opens_on=D(2026, 5, 1),
        approval_on=D(2026, 9, 1),
        quota=0,
    )

    rows = waiting(login_as("decheng"))

    assert rows == {f"{campaign}：征集任务待分配到乡镇（已分配 4 / 10）": 6}
    assert waiting(login_as("xinhu_head")) == {}  # the quota is the county's to split
    TownshipQuota.objects.filter(campaign=campaign).update(quota=10)
    assert waiting(login_as("decheng")) == {}


def test_payment_batches_to_review_or_pay_wait_for_the_county(world, login_as):
    for status in (BatchStatus.DRAFT, BatchStatus.DRAFT, BatchStatus.REVIEWED):
        PaymentBatch.objects.create(county_code=DECHENG, as_of=D(2026, 10, 1), status=status)
    PaymentBatch.objects.create(
        county_code=DECHENG,
        as_of=D(2026, 4, 1),
        status=BatchStatus.PAID,
        paid_on=D(2026, 4, 10),
        reference="回单1",
    )
    PaymentBatch.objects.create(county_code="320583000000", as_of=D(2026, 10, 1))  # 昆山's
    assert waiting(login_as("decheng")) == {"优待金批次待审核": 2, "优待金批次待登记发放": 1}
    assert waiting(login_as("xinhu_head")) == {}

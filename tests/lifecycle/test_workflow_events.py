"""Every workflow a hall case (办件) can open records its fact as a lifecycle event, once: the
event is what closes the case, and what the person's timeline shows."""

from __future__ import annotations

import datetime

import pytest

from tests.benefits.conftest import approve
from tests.veterans.conftest import photo_bytes
from yizhan.benefits.models import PlaqueCategory
from yizhan.benefits.services import designate_recipient, hang_plaque
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.veterans import services as veterans
from yizhan.veterans.models import CardStatus

D = datetime.date


@pytest.fixture(autouse=True)
def _after_the_scenarios(today_is):
    today_is(D(2027, 12, 31))


def kinds(person) -> list[str]:
    return list(DomainEvent.objects.filter(person=person).order_by("pk").values_list("kind", flat=True))


def test_the_veterans_workflows_each_record_their_fact(family, persona, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    soldier = family["soldier"]
    clerk, county = persona("xinhu_clerk"), persona("decheng")
    approve(soldier, on=D(2024, 9, 1))
    veterans.record_discharge(actor=clerk, person=soldier, on=D(2026, 9, 1), settlement_type="self_employed")
    checkin = veterans.record_checkin(actor=clerk, person=soldier, on=D(2026, 9, 10), documents=["file"])
    profile = veterans.save_profile(
        actor=clerk, person=soldier, on=D(2026, 10, 1), category="discharged_soldier"
    )
    veterans.save_profile(actor=clerk, person=soldier, on=D(2026, 10, 2), notes="更新不是新的建档")
    card = veterans.apply_card(
        actor=clerk,
        person=soldier,
        on=D(2026, 10, 1),
        photo_content=photo_bytes((704, 880), "PNG"),
        photo_name="p.png",
    )
    for to, who, on in [
        (CardStatus.COUNTY_REVIEW, clerk, D(2026, 10, 1)),
        (CardStatus.IN_PRODUCTION, county, D(2026, 10, 8)),
        (CardStatus.ARRIVED, county, D(2026, 11, 2)),
    ]:
        card = veterans.move_card(actor=who, card=card, to=to, on=on)
    veterans.move_card(actor=clerk, card=card, to=CardStatus.ISSUED, on=D(2026, 11, 5), signed_by="商春旺")
    job = veterans.add_employment_service(
        actor=clerk, person=soldier, kind="referral", on=D(2026, 11, 6), details="推荐至园区物流岗位"
    )
    help_case = veterans.open_assistance(
        actor=clerk, person=soldier, on=D(2026, 11, 7), hardship="因病", description="父亲住院"
    )
    assert kinds(soldier) == [
        EventKind.ENLISTMENT_APPROVED,
        EventKind.DISCHARGED,
        EventKind.CHECKIN_RECORDED,
        EventKind.PROFILE_RECORDED,  # once: the later save is an update
        EventKind.CARD_ACCEPTED,
        EventKind.CARD_ARRIVED,
        EventKind.CARD_ISSUED,
        EventKind.EMPLOYMENT_SERVED,
        EventKind.ASSISTANCE_APPLIED,
    ]
    keys = set(DomainEvent.objects.filter(person=soldier).values_list("key", flat=True))
    assert {
        f"checkin:{checkin.pk}",
        f"profile:{profile.pk}",
        f"card:{card.pk}",
        f"employment:{job.pk}",
        f"assistance:{help_case.pk}",
    } <= keys


def test_naming_the_recipient_and_hanging_the_plaque_are_facts_of_the_soldier(family, persona):
    soldier, household = family["soldier"], family["household"]
    clerk = persona("xinhu_clerk")
    approve(soldier)
    designation = designate_recipient(
        actor=clerk,
        servicemember=soldier,
        recipient=family["father"],
        bank_name="农行",
        account="6228480012345678901",
        on=D(2026, 9, 2),
    )
    plaque = hang_plaque(
        actor=clerk,
        household=household,
        category=PlaqueCategory.ACTIVE,
        hung_on=D(2027, 1, 20),
        hung_by="张干事",
        signed=True,
    )
    named = DomainEvent.objects.get(kind=EventKind.RECIPIENT_NAMED)
    hung = DomainEvent.objects.get(kind=EventKind.PLAQUE_HUNG)
    assert (named.key, named.person, named.payload["recipient"]) == (
        f"recipient:{designation.pk}",
        soldier,
        family["father"].pk,
    )
    # The plaque task is the soldier's (his enlistment called for it): his case waits for it.
    assert (hung.key, hung.person, hung.payload["household"]) == (
        f"plaque:{plaque.pk}",
        soldier,
        household.pk,
    )

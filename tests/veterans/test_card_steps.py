"""The 优待证 keeps the history of its steps: each step ends the stay before it on its day, a
withdrawn step counts nowhere, a step cannot be dated before the last one, and the migration
rebuilds from the audit trail the very history the services wrote."""

import datetime

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError

from tests.veterans.conftest import photo_bytes
from yizhan.desk.corrections import withdraw
from yizhan.veterans import services
from yizhan.veterans.card_steps import current_step
from yizhan.veterans.models import CardStatus, CardStep, PreferentialCard, ProfileCategory

ACCEPTED = datetime.date(2026, 9, 10)
backfill = __import__("yizhan.veterans.migrations.0005_card_steps_from_audit", fromlist=["backfill"]).backfill


def day(n: int) -> datetime.date:
    return ACCEPTED + datetime.timedelta(days=n)


@pytest.fixture
def card(serving, persona, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    services.record_discharge(
        actor=None, person=serving, on=datetime.date(2026, 9, 1), settlement_type="self_employed"
    )
    services.save_profile(
        actor=None, person=serving, on=ACCEPTED, category=ProfileCategory.DISCHARGED_SOLDIER
    )
    return services.apply_card(
        actor=persona("xinhu_clerk"), person=serving, on=ACCEPTED, photo_content=photo_bytes()
    )


def stays(card) -> list[tuple[str, int | None, bool]]:
    return list(card.steps.order_by("pk").values_list("status", "days", "withdrawn"))


def move(persona, card, to: str, on: datetime.date):
    actor = persona("decheng" if to in {CardStatus.IN_PRODUCTION, CardStatus.ARRIVED} else "xinhu_clerk")
    signed_by = card.person.name if to == CardStatus.ISSUED else ""
    reason = "照片不合格" if to == CardStatus.RETURNED else ""
    return services.move_card(actor=actor, card=card, to=to, on=on, signed_by=signed_by, reason=reason)


def test_each_step_ends_the_stay_before_it_on_its_day(card, persona):
    assert stays(card) == [(CardStatus.ACCEPTED, None, False)]
    for to, n in [
        (CardStatus.COUNTY_REVIEW, 3),
        (CardStatus.IN_PRODUCTION, 10),
        (CardStatus.ARRIVED, 20),
        (CardStatus.ISSUED, 22),
    ]:
        move(persona, card, to, day(n))
    assert stays(card) == [
        (CardStatus.ACCEPTED, 3, False),
        (CardStatus.COUNTY_REVIEW, 7, False),
        (CardStatus.IN_PRODUCTION, 10, False),
        (CardStatus.ARRIVED, 2, False),
        (CardStatus.ISSUED, None, False),
    ]
    assert current_step(card).status == card.status == CardStatus.ISSUED


def test_a_step_dated_before_the_last_one_is_refused_and_changes_nothing(card, persona):
    move(persona, card, CardStatus.COUNTY_REVIEW, day(5))
    with pytest.raises(ValidationError, match="日期不能早于上一步的日期"):
        move(persona, card, CardStatus.IN_PRODUCTION, day(4))
    card.refresh_from_db()
    assert card.status == CardStatus.COUNTY_REVIEW
    assert stays(card) == [(CardStatus.ACCEPTED, 5, False), (CardStatus.COUNTY_REVIEW, None, False)]


def test_a_withdrawn_step_counts_nowhere_and_the_stay_before_it_goes_on(card, persona):
    move(persona, card, CardStatus.COUNTY_REVIEW, day(2))
    move(persona, card, CardStatus.IN_PRODUCTION, day(6))
    withdraw(actor=persona("decheng"), fact="card_step", obj=card, reason="审核通过点错了")
    card.refresh_from_db()
    assert card.status == CardStatus.COUNTY_REVIEW
    move(persona, card, CardStatus.IN_PRODUCTION, day(9))
    assert stays(card) == [
        (CardStatus.ACCEPTED, 2, False),
        (CardStatus.COUNTY_REVIEW, 7, False),  # from day 2 to day 9: the mistaken day 6 is gone
        (CardStatus.IN_PRODUCTION, None, True),
        (CardStatus.IN_PRODUCTION, None, False),
    ]


def test_a_returned_card_accepted_again_has_a_stay_in_each(card, persona):
    move(persona, card, CardStatus.RETURNED, day(1))
    move(persona, card, CardStatus.ACCEPTED, day(4))
    assert stays(card) == [
        (CardStatus.ACCEPTED, 1, False),
        (CardStatus.RETURNED, 3, False),
        (CardStatus.ACCEPTED, None, False),
    ]


def test_the_migration_rebuilds_from_the_audit_trail_the_history_the_services_wrote(card, persona):
    move(persona, card, CardStatus.RETURNED, day(1))
    move(persona, card, CardStatus.ACCEPTED, day(3))
    move(persona, card, CardStatus.COUNTY_REVIEW, day(4))
    move(persona, card, CardStatus.IN_PRODUCTION, day(8))
    withdraw(actor=persona("decheng"), fact="card_step", obj=card, reason="点错了")
    move(persona, card, CardStatus.IN_PRODUCTION, day(11))
    move(persona, card, CardStatus.ARRIVED, day(30))
    fields = ("status", "entered_on", "left_on", "days", "withdrawn")
    written = list(CardStep.objects.filter(card=card).order_by("pk").values_list(*fields))
    CardStep.objects.all().delete()

    backfill(apps, None)

    assert list(CardStep.objects.filter(card=card).order_by("pk").values_list(*fields)) == written


def test_a_card_the_audit_trail_does_not_explain_gets_only_its_current_stay(card):
    PreferentialCard.objects.filter(pk=card.pk).update(status=CardStatus.ISSUED, issued_on=day(40))
    CardStep.objects.all().delete()

    backfill(apps, None)

    assert list(card.steps.values_list("status", "entered_on", "days")) == [
        (CardStatus.ISSUED, day(40), None)
    ]

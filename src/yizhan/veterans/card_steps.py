"""The 优待证's way through its steps, kept as a history of stays (CardStep). A card's status
changes here and nowhere else — at 受理 (apply_card), at each step of CARD_FLOW (move_card) and
when the last step is withdrawn (desk.corrections) — in the caller's transaction, so the history
never differs from the card. 统计's 优待证各环节平均用时 averages the stays that ended."""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.core.idnumber import chinese_date
from yizhan.veterans.models import CardStatus, CardStep, PreferentialCard


def current_step(card: PreferentialCard) -> CardStep | None:
    return card.steps.filter(left_on__isnull=True, withdrawn=False).first()


@transaction.atomic
def change_card_status(
    *, card: PreferentialCard, to: str, on: datetime.date, also: Mapping[str, object] | None = None
) -> PreferentialCard:
    """The card enters `to` on `on`: the stay it is in ends that day (the first stay, at 受理,
    ends none) and saves the card with `also` (the fields the step sets, e.g. 发放日期)."""
    current = current_step(card)
    if current is not None and on < current.entered_on:
        # A stay of negative length would make every average of its step wrong.
        raise ValidationError(
            {
                "on": f"日期不能早于上一步的日期（{chinese_date(current.entered_on)}，{current.get_status_display()}）。"
            }
        )
    for name, value in (also or {}).items():
        setattr(card, name, value)
    if current is not None:
        current.left_on, current.days = on, (on - current.entered_on).days
        current.save(update_fields=["left_on", "days"])
        card.previous_status = card.status
    card.status = to
    card.save()
    CardStep.objects.create(card=card, status=to, entered_on=on)
    return card


@transaction.atomic
def withdraw_card_status(*, card: PreferentialCard) -> PreferentialCard:
    """撤销上一步: the card is back in the status before it, as if the step was never taken — the
    stay that step began is kept as withdrawn (counted nowhere), the one it ended is current again."""
    current = current_step(card)
    if current is not None:
        current.withdrawn = True
        current.save(update_fields=["withdrawn"])
        ended = card.steps.filter(withdrawn=False).order_by("-pk").first()
        if ended is not None:
            ended.left_on, ended.days = None, None
            ended.save(update_fields=["left_on", "days"])
    card.status, card.previous_status = card.previous_status, ""
    card.issued_on, card.receipt_signed_by = None, ""
    if card.status != CardStatus.RETURNED:
        card.return_reason = ""
    card.save(update_fields=["status", "previous_status", "issued_on", "receipt_signed_by", "return_reason"])
    return card

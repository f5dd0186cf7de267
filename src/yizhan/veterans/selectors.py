"""Scoped reads of the veterans area: everything hangs on a person the user may see."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from yizhan.accounts.roles import steps_for
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.veterans.models import AssistanceCase, CardStatus, PreferentialCard
from yizhan.veterans.services import CARD_FLOW


def cards_visible_to(user) -> QuerySet[PreferentialCard]:
    return visible(user, "veterans.PreferentialCard").select_related("person")


def get_card(*, user, pk: int) -> PreferentialCard:
    return get_in_scope(cards_visible_to(user).select_related("photo"), pk=pk)


def cards_in_progress(*, user) -> QuerySet[PreferentialCard]:
    return cards_visible_to(user).exclude(status=CardStatus.ISSUED).order_by("accepted_on", "pk")


def cards_waiting_for(*, user) -> dict[str, int]:
    """Per status, the visible cards whose next step the user's office takes (CARD_FLOW): for the
    county the cards to review and those being made, for the station those to send or hand out."""
    statuses = [status for status in CARD_FLOW if steps_for(user, CARD_FLOW, status)]
    rows = cards_visible_to(user).filter(status__in=statuses).values("status").annotate(n=Count("pk"))
    return {row["status"]: row["n"] for row in rows.order_by("status")}


def assistance_visible_to(user) -> QuerySet[AssistanceCase]:
    return visible(user, "veterans.AssistanceCase").select_related("person")


def get_assistance(*, user, pk: int) -> AssistanceCase:
    return get_in_scope(assistance_visible_to(user), pk=pk)

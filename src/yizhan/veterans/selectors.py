"""Scoped reads of the veterans area: everything hangs on a person the user may see."""

from __future__ import annotations

from django.db.models import QuerySet

from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.veterans.models import AssistanceCase, CardStatus, PreferentialCard


def cards_visible_to(user) -> QuerySet[PreferentialCard]:
    return visible(user, "veterans.PreferentialCard").select_related("person")


def get_card(*, user, pk: int) -> PreferentialCard:
    return get_in_scope(cards_visible_to(user).select_related("photo"), pk=pk)


def cards_in_progress(*, user) -> QuerySet[PreferentialCard]:
    return cards_visible_to(user).exclude(status=CardStatus.ISSUED).order_by("accepted_on", "pk")


def assistance_visible_to(user) -> QuerySet[AssistanceCase]:
    return visible(user, "veterans.AssistanceCase").select_related("person")


def get_assistance(*, user, pk: int) -> AssistanceCase:
    return get_in_scope(assistance_visible_to(user), pk=pk)

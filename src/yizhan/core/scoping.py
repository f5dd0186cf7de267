"""Jurisdiction: the one helper every person-bearing read starts from.

A user sees what lies under the regions of his active posts. The filter is a range on the 12-digit
region code (index-friendly on both databases), never LIKE with a wildcard.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from django.http import Http404

M = TypeVar("M", bound=Model)


def scope_q(user, field: str) -> Q:
    """Q limiting `field` (a 12-digit region code) to the user's jurisdiction; matches nothing for
    a user without a region post."""
    bounds = getattr(user, "scope_bounds", None) or []
    if not bounds:
        return Q(pk__in=[])
    condition = Q()
    for lo, hi in bounds:
        condition |= Q(**{f"{field}__gte": lo, f"{field}__lt": hi})
    return condition


def get_in_scope(queryset: QuerySet[M], **lookup) -> M:
    """The object, or 404 — the same answer for missing and for out of jurisdiction."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("未找到")
    return obj

"""Jurisdiction's building blocks: 404 for missing and foreign alike, and the range lookups.

What each model's jurisdiction is comes from core.scopes.SCOPES; the filter is always a range on a
12-digit region code (index-friendly on both databases), never LIKE with a wildcard.
"""

from __future__ import annotations

from typing import TypeVar

from django.db.models import Field, ForeignKey, Lookup, Model, QuerySet
from django.db.models.fields.related_lookups import RelatedLookupMixin
from django.http import Http404

M = TypeVar("M", bound=Model)


def get_in_scope(queryset: QuerySet[M], **lookup) -> M:
    """The object, or 404 — the same answer for missing and for out of jurisdiction."""
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise Http404("未找到")
    return obj


class _OutsideIndex:
    """On SQLite, `+column` keeps the planner from using the column's indexes for this term (the
    documented way to steer it). The prefix searches need this: otherwise SQLite may walk every
    person in the township's code range instead of the few whose name or pinyin match
    (docs/benchmarks.md). Other databases get the plain comparison."""

    def as_sqlite(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"+{lhs} {self.operator} {rhs}", (*lhs_params, *rhs_params)

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        return f"{lhs} {self.operator} {rhs}", (*lhs_params, *rhs_params)


@Field.register_lookup
class GteOutsideIndex(_OutsideIndex, Lookup):
    lookup_name = "gte_outside_index"
    operator = ">="


@Field.register_lookup
class LtOutsideIndex(_OutsideIndex, Lookup):
    lookup_name = "lt_outside_index"
    operator = "<"


# Region codes are also foreign keys (Person.region_id): the same lookups for them.
@ForeignKey.register_lookup
class RelatedGteOutsideIndex(RelatedLookupMixin, GteOutsideIndex):
    pass


@ForeignKey.register_lookup
class RelatedLtOutsideIndex(RelatedLookupMixin, LtOutsideIndex):
    pass

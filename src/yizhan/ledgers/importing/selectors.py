"""Scoped reads of import runs and of the regions a user may import into."""

from __future__ import annotations

from django.db.models import QuerySet

from yizhan.core.scopes import scoped, visible
from yizhan.core.scoping import get_in_scope
from yizhan.ledgers.models import ImportRun, MappingTemplate, RunStatus
from yizhan.regions.models import Level, Region


def runs_visible_to(user) -> QuerySet[ImportRun]:
    """Executed runs in the user's jurisdiction (drafts are seen only by their uploader)."""
    return (
        visible(user, "ledgers.ImportRun")
        .exclude(status=RunStatus.DRAFT)
        .select_related("region", "created_by")
    )


def get_run(*, user, pk: int) -> ImportRun:
    return get_in_scope(runs_visible_to(user), pk=pk)


def get_draft(*, user, pk: int) -> ImportRun:
    drafts = visible(user, "ledgers.ImportRun").filter(status=RunStatus.DRAFT, created_by=user)
    return get_in_scope(drafts.select_related("region"), pk=pk)


def regions_for_import(user) -> QuerySet[Region]:
    return Region.objects.filter(
        scoped(user, "regions.Region"), level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]
    ).order_by("code")


def get_region_for_import(*, user, code: str) -> Region:
    return get_in_scope(regions_for_import(user), code=code)


def templates_for(*, user, kind: str) -> QuerySet[MappingTemplate]:
    return visible(user, "ledgers.MappingTemplate").filter(kind=kind)

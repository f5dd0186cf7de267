"""Scoped reads of import runs and of the regions a user may import into."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from yizhan.audit.models import AuditEvent
from yizhan.core.scopes import scoped, visible
from yizhan.core.scoping import get_in_scope
from yizhan.ledgers.models import UPLOAD_STATUSES, ImportRun, MappingTemplate
from yizhan.regions.models import Level, Region


def runs_visible_to(user) -> QuerySet[ImportRun]:
    """Executed runs in the user's jurisdiction (drafts are seen only by their uploader)."""
    return (
        visible(user, "ledgers.ImportRun")
        .exclude(status__in=UPLOAD_STATUSES)
        .select_related("region", "created_by")
    )


def get_run(*, user, pk: int) -> ImportRun:
    return get_in_scope(runs_visible_to(user), pk=pk)


def get_draft(*, user, pk: int) -> ImportRun:
    drafts = visible(user, "ledgers.ImportRun").filter(status__in=UPLOAD_STATUSES, created_by=user)
    return get_in_scope(drafts.select_related("region"), pk=pk)


def regions_for_import(user) -> QuerySet[Region]:
    return Region.objects.filter(
        scoped(user, "regions.Region"), level__in=[Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE]
    ).order_by("code")


def get_region_for_import(*, user, code: str) -> Region:
    return get_in_scope(regions_for_import(user), code=code)


def templates_for(*, user, kind: str) -> QuerySet[MappingTemplate]:
    return visible(user, "ledgers.MappingTemplate").filter(kind=kind)


# What a dry run checks, one audit event per row: counted to rate-limit dry runs per clerk.
CHECK_ACTION = "ledger.import.check"


def dry_run_rows_last_hour(user) -> int:
    """Rows this user's dry runs checked against the registry in the last hour."""
    since = timezone.now() - datetime.timedelta(hours=1)
    return AuditEvent.objects.filter(actor=user, action=CHECK_ACTION, at__gte=since).count()


def dry_run_refusal(user, rows: int) -> str:
    """The Chinese refusal when `rows` more would take the user past the hourly limit, else ""."""
    if user is None:  # the command line without --user: the system, not a clerk
        return ""
    used, limit = dry_run_rows_last_hour(user), settings.DRY_RUN_ROWS_PER_HOUR
    if used + rows <= limit:
        return ""
    return (
        f"试运行核对过于频繁：每人每小时最多核对 {limit:,} 行，您最近一小时已核对 {used:,} 行。"
        "请稍后再试，或直接正式导入。"
    )

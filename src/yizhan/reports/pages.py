"""The dashboards: which figures each page shows, and the pieces every page needs — the region
asked for (in the user's jurisdiction, or 404), the year, the trail of regions above it, and
the chart data each table is drawn from."""

from __future__ import annotations

import datetime
import math
from dataclasses import dataclass

from django.db.models import DurationField, ExpressionWrapper, F
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from yizhan.core.scopes import covers
from yizhan.regions.models import Region
from yizhan.reports.figures import FIGURES, Figure, Period, Table, cell, read

# (key, title, figures): the order of the tabs and of the tables on each.
DASHBOARDS: list[tuple[str, str, list[str]]] = [
    ("overview", "总览", ["identities", "profiles", "plaques", "tasks_overdue"]),
    (
        "conscription",
        "征兵",
        ["registration", "intake", "candidates_stage", "candidates_status", "candidates_university"],
    ),
    ("benefits", "优抚", ["allowance", "cards", "card_steps", "plaques"]),
    ("care", "关爱", ["merit_notices", "checkins", "campaign_visits", "contacts_overdue"]),
    ("hall", "服务大厅", ["tickets", "cases_on_time", "ratings"]),
]
TITLES = {key: title for key, title, _ in DASHBOARDS}
YEARS_BACK = 5


def figures_of(page: str) -> list[Figure]:
    for key, _title, figures in DASHBOARDS:
        if key == page:
            return [FIGURES[f] for f in figures]
    raise Http404("未找到")


def home_region(user) -> Region:
    post = user.primary_post
    if post is None or post.region_id is None:
        raise Http404("未找到")
    return post.region


def region_for(user, code: str) -> Region:
    """The region asked for, if it lies in the user's jurisdiction; else 404 as if missing."""
    if not code:
        return home_region(user)
    region = Region.objects.filter(code=code).first()
    if region is None or not covers(user.scope_bounds, region.code):
        raise Http404("未找到")
    return region


def trail(user, region: Region) -> list[Region]:
    """The regions from the user's own down to this one: the drill-down's way back up."""
    return [r for r in [*region.ancestors(), region] if covers(user.scope_bounds, r.code)]


def years() -> list[int]:
    this = timezone.localdate().year
    return list(range(this, this - YEARS_BACK - 1, -1))


def period_for(value: str) -> tuple[Period, str]:
    """The year asked for, or this year with a Chinese reason why the value was not taken."""
    this = timezone.localdate().year
    if not value:
        return Period(this), ""
    if value.isdigit() and int(value) in years():
        return Period(int(value)), ""
    return Period(this), f"年度“{value[:10]}”无效，已显示{this}年。"


def cell_url(table: Table, *, area: str = "", by: str = "") -> str:
    query = f"region={table.region.code}&year={table.period.year}"
    if area:
        query += f"&area={area}"
    if by:
        query += f"&by={by}"
    return f"{reverse('reports:rows', args=[table.figure.key])}?{query}"


def drill_url(page: str, code: str, year: int) -> str:
    return f"{reverse('reports:dashboard', args=[page])}?region={code}&year={year}"


def chart_data(page: str, table: Table) -> dict:
    """What dashboard.js draws: the same numbers as the table beside it."""
    figure = table.figure
    names = [label for _key, label in table.columns]
    data = {"kind": figure.chart, "title": figure.title, "unit": figure.unit, "categories": names}
    if figure.chart == "bar":
        data["areas"] = [r.name for r in table.rows]
        data["links"] = [
            drill_url(page, r.region_code, table.period.year) if r.region_code else "" for r in table.rows
        ]
        data["series"] = [[r.counts.get(key, 0) for r in table.rows] for key, _ in table.columns]
        if figure.mean:
            # Averages side by side, not stacked: a sum of means is no figure.
            data["stack"] = False
            data["series"] = [
                [table.means.get((r.area, key)) for r in table.rows] for key, _ in table.columns
            ]
        if table.targets is not None:
            data["target"] = [table.targets.get(r.area) for r in table.rows]
    elif figure.chart == "funnel":
        # 累计通过: who passed a stage passed every stage before it.
        counts = [table.totals.counts.get(key, 0) for key, _ in table.columns]
        data["values"] = [sum(counts[i:]) for i in range(len(counts))]
    else:
        data["values"] = [table.totals.counts.get(key, 0) for key, _ in table.columns]
    return data


@dataclass
class Wait:
    p90_minutes: float | None
    called: int


def ticket_wait(*, user, region: Region, period: Period) -> Wait:
    """等候时间 P90 of the called tickets in the region: one count and one ordered row, in SQL."""
    waits = (
        cell(FIGURES["tickets"], user=user, region=region, period=period)
        .filter(called_at__isnull=False)
        .annotate(_wait=ExpressionWrapper(F("called_at") - F("queued_at"), output_field=DurationField()))
    )
    called = waits.count()
    if not called:
        return Wait(None, 0)
    wait = waits.order_by("_wait").values_list("_wait", flat=True)[math.ceil(0.9 * called) - 1]
    seconds = wait.total_seconds() if isinstance(wait, datetime.timedelta) else wait / 1e6
    return Wait(round(seconds / 60, 1), called)


def tables_of(page: str, *, user, region: Region, period: Period) -> list[Table]:
    return [read(f, user=user, region=region, period=period) for f in figures_of(page)]

"""统计: the dashboards, the list behind each figure, their xlsx and A4 prints, and the 领导大屏.

Every figure and every list is read inside one `core.replica.reads()` block: a replica serves
both or neither, so a figure and the list it links to are read from the same database."""

from __future__ import annotations

import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from yizhan.accounts.devices import device_of_kind
from yizhan.accounts.models import DeviceKind
from yizhan.accounts.roles import Perm
from yizhan.core.replica import reads
from yizhan.ledgers.exports.writer import XLSX, write_ledger_xlsx
from yizhan.regions.models import PREFIX_LENGTH, Region
from yizhan.reports import pages
from yizhan.reports.figures import FIGURES, Figure, Period, Row, Table, cell, mean_of, read
from yizhan.reports.services import record_report_output

PAGE_SIZE = 50
# The 领导大屏 refreshes itself this often (htmx `every`); its figures are aggregates only.
SCREEN_SECONDS = 60
SCREEN_FIGURES = ["identities", "plaques", "campaign_visits", "tickets", "cases_on_time", "ratings"]


def _reader(request: HttpRequest) -> None:
    """统计 is for those whose menu shows it (county officers, station heads and deputies)."""
    if "reports" not in {key for key, _label, _url in request.user.menu_areas}:
        raise Http404("未找到")


def _choice(request: HttpRequest) -> tuple[Region, Period, str]:
    region = pages.region_for(request.user, request.GET.get("region", "").strip())
    period, problem = pages.period_for(request.GET.get("year", "").strip())
    return region, period, problem


@dataclass
class Line:
    """A row of a table as shown: its name (and where it drills to), each cell with its list —
    (count, url, None), or for a figure of averages (mean, url, how many rows it averages) —
    the row's total with its list, its target (任务数) if the figure has one, and the rate."""

    name: str
    drill: str
    cells: list[tuple[int | float | str, str, int | None]]
    total: tuple[int, str]
    rate: float | None
    target: int | None = None


def _value(t: Table, r: Row, key: str) -> int | float | str:
    """What a cell shows: its count, or for a figure of averages its mean ("—" with nothing to average)."""
    if t.figure.mean:
        return t.means.get((r.area, key), "—")
    return r.counts.get(key, 0)


@dataclass
class Shown:
    table: Table
    chart: dict
    dom_id: str
    data_id: str
    lines: list[Line]
    totals: Line


def _shown(page: str, t: Table) -> Shown:
    keys = [key for key, _ in t.columns]

    def line(r, area: str, drill: str) -> Line:
        cells = [
            (
                _value(t, r, k),
                pages.cell_url(t, area=area, by=k),
                (r.counts.get(k) or None) if t.figure.mean else None,
            )
            for k in keys
        ]
        target = t.targets.get(area) if t.targets is not None else None
        return Line(r.name, drill, cells, (r.total, pages.cell_url(t, area=area)), r.rate, target)

    return Shown(
        table=t,
        chart=pages.chart_data(page, t),
        dom_id=f"chart-{t.figure.key}",
        data_id=f"chart-{t.figure.key}-data",
        lines=[
            line(r, r.area, pages.drill_url(page, r.region_code, t.period.year) if r.region_code else "")
            for r in t.rows
        ],
        totals=line(t.totals, "", ""),
    )


@login_required
@require_safe
def dashboard(request: HttpRequest, page: str = "overview") -> HttpResponse:
    _reader(request)
    region, period, problem = _choice(request)
    pages.figures_of(page)  # 404 for an unknown page
    with reads():
        read_at = timezone.localtime()
        tables = pages.tables_of(page, user=request.user, region=region, period=period)
        wait = pages.ticket_wait(user=request.user, region=region, period=period) if page == "hall" else None
    context = {
        "page": page, "dashboards": pages.DASHBOARDS, "title": pages.TITLES[page], "region": region,
        "trail": pages.trail(request.user, region), "period": period, "years": pages.years(),
        "problem": problem, "read_at": read_at, "shown": [_shown(page, t) for t in tables], "wait": wait,
        "may_export": request.user.can(Perm.EXPORT),
    }  # fmt: skip
    return render(request, "reports/dashboard.html", context)


def _figure(key: str) -> Figure:
    figure = FIGURES.get(key)
    if figure is None:
        raise Http404("未找到")
    return figure


def _area(region: Region, value: str) -> str:
    """A cell's area: a code prefix inside the region, at a level (else 404, as if missing)."""
    if not value:
        return ""
    lo, hi = region.bounds
    if not value.isdigit() or len(value) not in PREFIX_LENGTH.values() or not lo <= value.ljust(12, "0") < hi:
        raise Http404("未找到")
    return value


@login_required
@require_safe
def rows(request: HttpRequest, key: str) -> HttpResponse:
    """The list behind a figure's cell: the very frame its count was grouped from."""
    _reader(request)
    figure = _figure(key)
    region, period, problem = _choice(request)
    area = _area(region, request.GET.get("area", "").strip())
    by = request.GET.get("by", "").strip()
    if by and by not in figure.labels:
        raise Http404("未找到")
    related = [figure.person] if figure.person else []
    with reads():
        read_at = timezone.localtime()
        found = cell(figure, user=request.user, region=region, period=period, area=area, by=by)
        ordered = found.order_by("_region", "pk")
        # The page's ids first, then those rows with their persons: joining every row of the cell
        # to its person before sorting made a county's list of 27,510 stays take 1.9 s at a
        # million persons (docs/benchmarks.md); the ids come from the figure's own index.
        paginator = Paginator(ordered.values_list("pk", flat=True), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        items = list(ordered.select_related(*related).filter(pk__in=list(page.object_list)))
        names = dict(Region.objects.filter(code__in={i._region for i in items}).values_list("code", "name"))
        mean = mean_of(found, figure.mean) if figure.mean else None
    people = [_person_of(figure, item) for item in items]
    area_name = (
        Region.objects.filter(code=area.ljust(12, "0")).values_list("name", flat=True).first() if area else ""
    )
    context = {
        "figure": figure, "region": region, "period": period, "problem": problem, "read_at": read_at,
        "area": area, "area_name": area_name, "by": by, "by_label": figure.labels.get(by, ""),
        "page_obj": page, "count": paginator.count, "mean": mean,
        "items": [(item, names.get(item._region, item._region), figure.labels.get(item._by, item._by), person)
                  for item, person in zip(items, people, strict=True)],
        "trail": pages.trail(request.user, region),
    }  # fmt: skip
    return render(request, "reports/rows.html", context)


def _person_of(figure: Figure, item):
    if figure.person is None:
        return None
    if figure.person == "":
        return item
    for name in figure.person.split("__"):
        item = getattr(item, name, None)
        if item is None:
            return None
    return item


@login_required
@require_safe
def export(request: HttpRequest, key: str) -> HttpResponse:
    """One figure's table as xlsx (the ledgers' workbook: title, unit, date; A4 landscape)."""
    _reader(request)
    if not request.user.can(Perm.EXPORT):
        raise Http404("未找到")
    figure = _figure(key)
    region, period, _problem = _choice(request)
    with reads():
        t = read(figure, user=request.user, region=region, period=period)
    headers, values = _sheet(t)
    buffer = io.BytesIO()
    write_ledger_xlsx(
        buffer, title=f"{region.name}{period.year}年{figure.title}统计表", unit=region.full_name,
        on=timezone.localdate(), headers=headers, widths=[18] + [12] * (len(headers) - 1), rows=values,
    )  # fmt: skip
    record_report_output(
        actor=request.user, action="report.export", name=figure.key, region_code=region.code, year=period.year
    )
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = (
        f"attachment; filename*=UTF-8''{figure.key}-{region.code}-{period.year}.xlsx"
    )
    return response


def _sheet(t: Table) -> tuple[list[str], list[list]]:
    """The table as the sheet and the print show it: a row per region, then 合计."""
    unit = f"（{t.figure.unit}）" if t.figure.mean else ""
    headers = ["区划", *[f"{label}{unit}" for _, label in t.columns], "环节数" if t.figure.mean else "合计"]
    if t.targets is not None:
        headers.append("任务数")
    if t.figure.rate_label:
        headers.append(f"{t.figure.rate_label}（%）")
    values = []
    for r in [*t.rows, t.totals]:
        line = [r.name, *[_value(t, r, k) for k, _ in t.columns], r.total]
        if t.targets is not None:
            line.append(t.targets.get(r.area, ""))
        if t.figure.rate_label:
            line.append("" if r.rate is None else r.rate)
        values.append(["" if v == "—" else v for v in line])
    return headers, values


@login_required
@require_safe
def print_page(request: HttpRequest, page: str) -> HttpResponse:
    """A dashboard's tables on A4 landscape (without the charts). Opening it counts as printing."""
    _reader(request)
    region, period, _problem = _choice(request)
    pages.figures_of(page)
    with reads():
        read_at = timezone.localtime()
        tables = pages.tables_of(page, user=request.user, region=region, period=period)
    record_report_output(
        actor=request.user, action="report.print", name=page, region_code=region.code, year=period.year
    )
    context = {
        "title": f"{region.name}{period.year}年统计表（{pages.TITLES[page]}）", "region": region,
        "read_at": read_at, "sheets": [(t.figure, *_sheet(t)) for t in tables],
    }  # fmt: skip
    return render(request, "reports/print.html", context)


@dataclass(frozen=True)
class ScreenReader:
    """Whom a 领导大屏 reads as: its station's (or county's) region, counts only — it opens no
    list, so no person is ever shown (accounts.devices: a device is never a user)."""

    region: Region

    @property
    def scope_bounds(self) -> list[tuple[str, str]]:
        return [self.region.bounds]

    def can(self, perm: str) -> bool:
        return perm == Perm.VIEW_PEOPLE


@device_of_kind(DeviceKind.DASHBOARD)
@require_safe
def screen(request: HttpRequest) -> HttpResponse:
    region = request.device.region
    reader = ScreenReader(region)
    period = Period(timezone.localdate().year)
    with reads():
        read_at = timezone.localtime()
        tables = [read(FIGURES[k], user=reader, region=region, period=period) for k in SCREEN_FIGURES]
        wait = pages.ticket_wait(user=reader, region=region, period=period)
    context = {
        "region": region, "period": period, "read_at": read_at, "wait": wait, "poll": SCREEN_SECONDS,
        "shown": [
            (t, pages.chart_data("overview", t) | {"links": []}, f"screen-{t.figure.key}", f"screen-{t.figure.key}-data")
            for t in tables
        ],
    }  # fmt: skip
    template = "reports/screen.html#board" if request.htmx else "reports/screen.html"
    return render(request, template, context)

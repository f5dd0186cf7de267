"""The figures of 统计: each one a scoped queryset (read through its app's selector), where each
row lies (a region code) and what it is split by (a category). One function, `frame`, gives the
rows behind a figure; the table is one GROUP BY over that frame and the list behind a cell is the
same frame filtered by the cell's area and category — so a figure equals the count of its list by
construction, for every user and every cell (tests/reports/test_figures.py).

Read FIGURES top to bottom: each entry says what is counted, for which period and how it is split.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from django.apps import apps
from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    Expression,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Substr
from django.utils import timezone

from yizhan.benefits.models import AllowancePayment, PeriodStatus, PlaqueStatus
from yizhan.benefits.selectors import periods_visible_to, plaques_visible_to
from yizhan.care.models import VisitStatus
from yizhan.conscription.models import CandidateStatus, Stage
from yizhan.conscription.selectors import candidates_visible_to, must_register_this_year, quotas_by_area
from yizhan.core.scopes import scoped
from yizhan.hall.case_models import CaseState, RatingLevel
from yizhan.hall.case_selectors import cases_visible_to
from yizhan.hall.models import TicketState
from yizhan.people.models import Identity, IdentityKind, IdentityTally
from yizhan.regions.models import PREFIX_LENGTH, Level, Region, level_of
from yizhan.veterans.models import CardStatus, ProfileCategory
from yizhan.worklist.models import OPEN_STATUSES, TaskDepartment
from yizhan.worklist.selectors import tasks_visible_to

# The level a region's table is split into: a county by township, a township by village.
CHILD_LEVEL = {
    Level.PROVINCE: Level.CITY,
    Level.CITY: Level.COUNTY,
    Level.COUNTY: Level.TOWNSHIP,
    Level.TOWNSHIP: Level.VILLAGE,
    Level.VILLAGE: Level.VILLAGE,
}


@dataclass(frozen=True)
class Period:
    """A statistical year: flows (registrations, tickets) counted within it, stocks (identities,
    plaques) as they stood on `as_of` — its last day, or today while the year runs."""

    year: int

    @property
    def first(self) -> datetime.date:
        return datetime.date(self.year, 1, 1)

    @property
    def last(self) -> datetime.date:
        return datetime.date(self.year, 12, 31)

    @property
    def as_of(self) -> datetime.date:
        return min(timezone.localdate(), self.last)

    def within(self, path: str) -> Q:
        return Q(**{f"{path}__gte": self.first, f"{path}__lte": self.last})


@dataclass(frozen=True)
class Figure:
    key: str
    title: str
    # The rows the user may see for the period, through the owning app's selector.
    rows: Callable[..., QuerySet]
    # Where a row lies: a 12-digit code (a field path or an expression).
    region: str | Expression
    # What a row is split by, and the Chinese name of each value, in the table's order.
    by: str | Expression
    labels: Mapping[str, str]
    unit: str = "人"
    chart: str = "bar"  # bar (stacked by category) | pie | funnel
    # Categories counted in the rate (挂牌率, on-time rate); no rate without them.
    good: tuple[str, ...] = ()
    rate_label: str = ""
    # The person a row concerns (for the list's link), if any.
    person: str | None = "person"
    note: str = ""
    period_note: str = field(default="")
    # A figure of averages: each cell shows the mean of this field over the rows of its list, with
    # how many they are; the list shows the same mean of the same rows (优待证各环节平均用时).
    mean: str = ""
    # The number each area's count is measured against, {area: number} with "" for the region's
    # own (the intake quota, `quotas_by_area`); the rate is then the count ÷ that number.
    target: Callable[..., dict[str, int]] | None = None

    # Where the table's counts come from when not a GROUP BY of the whole frame: (rows annotated
    # `_region` and `_by`, the count of each row) pairs whose sums are the frame's counts — a
    # summary kept by the database (core/derived.py) plus what it leaves to the rows.
    parts: Callable[..., list[tuple[QuerySet, Expression]]] | None = None


def _expr(value: str | Expression) -> Expression:
    return F(value) if isinstance(value, str) else value


def _choices(choices) -> dict[str, str]:
    return {str(value): str(label) for value, label in choices.choices}


def _flag(condition: Q, yes: str, no: str) -> Case:
    return Case(When(condition, then=Value(yes)), default=Value(no), output_field=CharField())


def facts(user, label: str) -> QuerySet:
    """core.scopes.visible, with the scope filtering what the figure's own table holds rather than
    leading the query: SQLite otherwise walks every person of the county through the region index
    and probes the (often far smaller, even empty) table of the figure for each (docs/benchmarks.md)."""
    return apps.get_model(label).objects.filter(scoped(user, label, outside_index=True))


def _identities(user, period: Period) -> QuerySet:
    # Identities carry no scope of their own: the person's, as SCOPES["people.Identity"] says.
    return facts(user, "people.Identity").filter(Identity.current_q(period.as_of))


def _identity_parts(*, user, region: Region, period: Period) -> list[tuple[QuerySet, Expression]]:
    """Current identities on `as_of`, counted from the tally: those that started before its month
    and end after it are current all month; the few that start, or end, within it are counted from
    the frame itself. The three parts are disjoint and together are the frame, exactly."""
    day = period.as_of
    month = day.year * 100 + day.month
    lo, hi = region.bounds
    whole = (
        IdentityTally.objects.filter(scoped(user, "people.IdentityTally", outside_index=True))
        .filter(region_code__gte=lo, region_code__lt=hi, since_month__lt=month, until_month__gt=month)
        .annotate(_region=F("region_code"), _by=F("kind"))
        .order_by()
    )
    first = day.replace(day=1)
    last = (first + datetime.timedelta(days=31)).replace(day=1) - datetime.timedelta(days=1)
    identities = FIGURES["identities"]
    started = frame(identities, user=user, region=region, period=period).filter(since__gte=first)
    # Written out rather than the frame's "open or ending later", whose open half SQLite answers
    # by walking every open identity; two ranges, each answered by its own date index.
    ending = frame(
        replace(
            identities,
            rows=lambda user, period: facts(user, "people.Identity").filter(
                since__lt=first, until__gt=period.as_of, until__lte=last
            ),
        ),
        user=user, region=region, period=period,
    )  # fmt: skip
    return [(whole, Sum("n")), (started, Count("pk")), (ending, Count("pk"))]


def _registration_cohort(user, period: Period) -> QuerySet:
    return must_register_this_year(user, period.year, scope_filters_only=True)


def _candidates(user, period: Period) -> QuerySet:
    return candidates_visible_to(user).filter(campaign__year=period.year)


def _periods(user, period: Period) -> QuerySet:
    return periods_visible_to(user).filter(period.within("starts_on"))


def _checkins(user, period: Period) -> QuerySet:
    return facts(user, "veterans.Checkin").filter(period.within("checked_in_on"))


def _open_overdue_tasks(user, period: Period) -> QuerySet:
    return tasks_visible_to(user).filter(status__in=OPEN_STATUSES, due_on__lt=period.as_of)


def _card_stays(user, period: Period) -> QuerySet:
    # A stay counts in the year it ended; a withdrawn step's stay never ended (card_steps).
    return facts(user, "veterans.CardStep").filter(period.within("left_on"), withdrawn=False)


def _enlisted(user, period: Period) -> QuerySet:
    return _candidates(user, period).filter(status=CandidateStatus.ENLISTED)


def _intake_quotas(*, user, region: Region, period: Period) -> dict[str, int]:
    return quotas_by_area(user=user, year=period.year, region=region, length=child_length(region))


TASK_REGION = Coalesce("person__region_id", "household__region_id", "region_code")
PAID = Exists(AllowancePayment.objects.filter(period=OuterRef("pk")))

FIGURES: dict[str, Figure] = {
    f.key: f
    for f in [
        # --- 总览 -------------------------------------------------------------------------------
        Figure(
            "identities", "人员身份", _identities, "person__region_id", "kind", _choices(IdentityKind),
            note="截至统计日持有该身份的人员（一人可有多种身份）", parts=_identity_parts,
        ),
        Figure(
            "profiles", "建档立卡（12类）", lambda user, period: facts(user, "veterans.ProfileRecord"),
            "person__region_id", "category", _choices(ProfileCategory), chart="pie",
        ),
        Figure(
            "tasks_overdue", "逾期待办（按部门）", _open_overdue_tasks, TASK_REGION, "department",
            _choices(TaskDepartment), unit="件", person=None, note="截至统计日仍未办结且已过办理时限",
        ),
        # --- 征兵 -------------------------------------------------------------------------------
        Figure(
            "registration", "兵役登记", _registration_cohort, "region_id",
            _flag(Q(registration__isnull=False), "registered", "unregistered"),
            {"registered": "已登记", "unregistered": "应登未登"}, good=("registered",), rate_label="兵役登记率",
            person="", note="本年度年满18周岁的男性公民",
        ),
        Figure(
            # 退兵 are out of the count: the task is met by those who stay approved.
            "intake", "征集任务完成情况（批准入伍）", _enlisted, "region_code",
            _flag(Q(is_university_student=True), "university", "other"), {"university": "大学生", "other": "其他"},
            target=_intake_quotas, rate_label="完成率",
            note="任务数为本年度各批次征集任务之和；完成率 = 批准入伍 ÷ 任务数",
        ),
        Figure(
            "candidates_stage", "征集进度（已通过环节）", _candidates, "region_code", "stage", _choices(Stage),
            chart="funnel", note="本年度各批次的应征报名人员",
        ),
        Figure(
            "candidates_status", "征集结果", _candidates, "region_code", "status", _choices(CandidateStatus),
            chart="pie", good=(CandidateStatus.ENLISTED,), rate_label="批准入伍占比",
        ),
        Figure(
            "candidates_university", "应征报名中的大学生", _candidates, "region_code",
            _flag(Q(person__registration__is_university_student=True), "university", "other"),
            {"university": "大学生", "other": "其他"}, chart="pie", good=("university",), rate_label="大学生占比",
        ),
        # --- 优抚 -------------------------------------------------------------------------------
        Figure(
            "allowance", "义务兵家庭优待金（按期）", _periods, "region_code",
            Case(
                When(status=PeriodStatus.CANCELLED, then=Value("cancelled")),
                When(Q(Exists(AllowancePayment.objects.filter(period=OuterRef("pk")))), then=Value("paid")),
                default=Value("due"), output_field=CharField(),
            ),
            {"paid": "已发放", "due": "应发未发", "cancelled": "停发"}, unit="期", good=("paid",),
            rate_label="发放率", note="起始日期在本年度的优待金期次（按入伍地统计）",
        ),
        Figure(
            "cards", "优待证（按状态）", lambda user, period: facts(user, "veterans.PreferentialCard").filter(
                period.within("accepted_on")
            ), "region_code", "status", _choices(CardStatus), unit="张", chart="pie",
            good=(CardStatus.ISSUED,), rate_label="发放率", note="本年度受理的优待证申请",
        ),
        Figure(
            "card_steps", "优待证各环节平均用时", _card_stays, "region_code", "status",
            {k: v for k, v in _choices(CardStatus).items() if k != CardStatus.ISSUED}, unit="天",
            mean="days", person="card__person",
            note="本年度结束的办理环节（撤销的步骤不计）：平均天数，括号内为环节数",
        ),
        Figure(
            "plaques", "光荣牌", lambda user, period: plaques_visible_to(user), "household__region_id", "status",
            _choices(PlaqueStatus), unit="户", good=(PlaqueStatus.HUNG,), rate_label="挂牌率", person=None,
        ),
        # --- 关爱 -------------------------------------------------------------------------------
        Figure(
            "merit_notices", "喜报登记时效", lambda user, period: facts(user, "care.MeritNoticeDelivery").filter(
                period.within("delivered_on")
            ), "person__region_id", _flag(Q(logged_on__lte=F("log_due_on")), "on_time", "late"),
            {"on_time": "2个工作日内登记", "late": "超时登记"}, unit="份", chart="pie", good=("on_time",),
            rate_label="及时率",
        ),
        Figure(
            # Late is what the check-in judged by its county's 报到期限 (参数设置, checkin.days) on
            # the day of discharge: a late one had to give its reason, an on-time one has none.
            "checkins", "退役报到时效", _checkins, "person__region_id",
            _flag(Q(late_reason=""), "on_time", "late"),
            {"on_time": "按期报到", "late": "逾期报到"}, chart="pie", good=("on_time",), rate_label="按期报到率",
        ),
        Figure(
            "campaign_visits", "走访慰问覆盖", lambda user, period: facts(user, "care.CampaignVisit").filter(
                campaign__starts_on__year=period.year
            ), "region_code", "status", _choices(VisitStatus), unit="户", good=(VisitStatus.VISITED,),
            rate_label="覆盖率", note="本年度开展的走访慰问活动的走访对象",
        ),
        Figure(
            "contacts_overdue", "常态化联系逾期", lambda user, period: _open_overdue_tasks(user, period).filter(
                kind="contact_due"
            ), TASK_REGION, "department", _choices(TaskDepartment), unit="件", person="person",
        ),
        # --- 服务大厅 ----------------------------------------------------------------------------
        Figure(
            "tickets", "大厅取号", lambda user, period: facts(user, "hall.Ticket").filter(
                period.within("day")
            ), "region_id", "state", _choices(TicketState), unit="号", good=(TicketState.DONE,),
            rate_label="完成率",
        ),
        Figure(
            "cases_on_time", "承诺件按时办结", lambda user, period: cases_visible_to(user).filter(
                state=CaseState.DONE, due_on__isnull=False, finished_on__isnull=False,
            ).filter(period.within("finished_on")), "region_id",
            _flag(Q(finished_on__lte=F("due_on")), "on_time", "late"),
            {"on_time": "按时办结", "late": "超期办结"}, unit="件", chart="pie", good=("on_time",),
            rate_label="按时办结率",
        ),
        Figure(
            "ratings", "好差评", lambda user, period: facts(user, "hall.Rating").filter(
                rated_at__date__gte=period.first, rated_at__date__lte=period.last
            ), "case__region_id", "level", _choices(RatingLevel), unit="条", chart="pie",
            good=(RatingLevel.VERY_SATISFIED, RatingLevel.SATISFIED, RatingLevel.BASICALLY_SATISFIED),
            rate_label="满意率", person="case__person",
        ),
    ]
}  # fmt: skip


# --- the frame, the table and the list ----------------------------------------------------


def child_length(region: Region) -> int:
    return PREFIX_LENGTH[CHILD_LEVEL[level_of(region.code)]]


def frame(figure: Figure, *, user, region: Region, period: Period) -> QuerySet:
    """Every row behind `figure` in `region` for the period: `_region` where it lies, `_by` its
    category. The table groups this; the list filters it."""
    lo, hi = region.bounds
    return (
        figure.rows(user, period)
        .annotate(_region=_expr(figure.region), _by=_expr(figure.by))
        .filter(_region__gte_outside_index=lo, _region__lt_outside_index=hi)
        .order_by()
    )


def cell(figure: Figure, *, user, region: Region, period: Period, area: str = "", by: str = "") -> QuerySet:
    """The rows behind one cell of the table: the frame, in the area (a code prefix of the
    table's split) and of the category; either may be empty (a row's or a column's total)."""
    rows = frame(figure, user=user, region=region, period=period)
    if area:
        rows = rows.annotate(_area=Substr("_region", 1, len(area))).filter(_area=area)
    if by:
        rows = rows.filter(_by=by)
    return rows


@dataclass
class Row:
    area: str  # the code prefix of the split ("371402001"), the cell's key
    name: str
    counts: dict[str, int]
    total: int
    rate: float | None = None
    # Whether the area is a region one can drill into (a row filed above the split level is not).
    region_code: str = ""


@dataclass
class Table:
    figure: Figure
    region: Region
    period: Period
    rows: list[Row]
    totals: Row
    # What `read` adds for a figure of averages or one with a target (none for the others).
    means: dict[tuple[str, str], float] = field(default_factory=dict)
    targets: dict[str, int] | None = None

    @property
    def columns(self) -> list[tuple[str, str]]:
        return list(self.figure.labels.items())


def _rate(figure: Figure, counts: Mapping[str, int], total: int) -> float | None:
    if not figure.good or not total:
        return None
    return round(100 * sum(counts.get(g, 0) for g in figure.good) / total, 1)


def grouped(figure: Figure, *, user, region: Region, period: Period) -> list[dict]:
    """The frame grouped by (area, category): `n` rows in each, and for a figure of averages
    `total`, the sum of its field over them — one GROUP BY gives a table's counts and its means."""
    length = child_length(region)
    if figure.parts:
        parts = figure.parts(user=user, region=region, period=period)
    else:
        parts = [(frame(figure, user=user, region=region, period=period), Count("pk"))]
    sums = {"total": Sum(figure.mean)} if figure.mean else {}
    return [
        entry
        for rows, weight in parts
        for entry in rows.annotate(_area=Substr("_region", 1, length))
        .values("_area", "_by")
        .annotate(n=weight, **sums)
    ]


def table(
    figure: Figure, *, user, region: Region, period: Period, entries: list[dict] | None = None
) -> Table:
    """One GROUP BY (area, category) over the frame (`grouped`, unless given): a row per child
    region of `region`."""
    if entries is None:
        entries = grouped(figure, user=user, region=region, period=period)
    counts: dict[str, dict[str, int]] = {}
    for entry in entries:
        if entry["n"]:
            area = counts.setdefault(entry["_area"], {})
            area[entry["_by"]] = area.get(entry["_by"], 0) + entry["n"]
    children = {r.code: r.name for r in Region.objects.filter(code__in=[a.ljust(12, "0") for a in counts])}
    rows = []
    for area in sorted(counts):
        code = area.ljust(12, "0")
        drillable = code in children and code != region.code
        name = children.get(code, "") if drillable else f"{region.name}本级"
        total = sum(counts[area].values())
        rows.append(
            Row(
                area, name, counts[area], total, _rate(figure, counts[area], total), code if drillable else ""
            )
        )
    all_counts = {key: sum(r.counts.get(key, 0) for r in rows) for key in figure.labels}
    total = sum(all_counts.values())
    return Table(
        figure, region, period, rows, Row("", "合计", all_counts, total, _rate(figure, all_counts, total))
    )


# --- what some figures show beside their counts -------------------------------------------


def mean_of(rows: QuerySet, field: str) -> float | None:
    """The mean of `field` over the rows, to one decimal: how a list shows its figure's cell."""
    got = rows.order_by().aggregate(n=Count("pk"), total=Sum(field))
    return round(got["total"] / got["n"], 1) if got["n"] else None


def means(
    figure: Figure, *, user, region: Region, period: Period, entries: list[dict] | None = None
) -> dict[tuple[str, str], float]:
    """The mean of `figure.mean` in every cell of its table — (area, category), either "" for a
    row's or a column's whole — from the GROUP BY of sums and counts over the frame (`grouped`,
    the table's own), so each is the very mean_of the cell's list."""
    if entries is None:
        entries = grouped(figure, user=user, region=region, period=period)
    sums: dict[tuple[str, str], list[int]] = {}
    for entry in entries:
        area, by = entry["_area"], entry["_by"]
        for key in [(area, by), (area, ""), ("", by), ("", "")]:
            n, total = sums.get(key, [0, 0])
            sums[key] = [n + entry["n"], total + (entry["total"] or 0)]
    return {key: round(total / n, 1) for key, (n, total) in sums.items() if n}


def read(figure: Figure, *, user, region: Region, period: Period) -> Table:
    """The figure's table as a page shows it: with the means of a figure of averages, and for a
    figure with a target, that number beside each area (an area with a target and nothing
    counted yet has its row of zeros) and the rate as the count ÷ the target."""
    entries = grouped(figure, user=user, region=region, period=period)
    t = table(figure, user=user, region=region, period=period, entries=entries)
    if figure.mean:
        t.means = means(figure, user=user, region=region, period=period, entries=entries)
    if figure.target is None:
        return t
    t.targets = figure.target(user=user, region=region, period=period)
    missing = sorted(set(t.targets) - {r.area for r in t.rows} - {""})
    names = dict(
        Region.objects.filter(code__in=[a.ljust(12, "0") for a in missing]).values_list("code", "name")
    )
    for area in missing:
        code = area.ljust(12, "0")
        t.rows.append(Row(area, names.get(code, area), {}, 0, region_code=code if code in names else ""))
    t.rows.sort(key=lambda r: r.area)
    for r in [*t.rows, t.totals]:
        target = t.targets.get(r.area)
        r.rate = round(100 * r.total / target, 1) if target else None
    return t

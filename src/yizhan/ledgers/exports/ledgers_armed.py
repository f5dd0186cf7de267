"""The 武装部's ledgers: 兵役登记名册, 应登未登名单, 征兵进度表 and 民兵花名册."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from yizhan.conscription import selectors as conscription
from yizhan.conscription.models import Campaign, Stage
from yizhan.ledgers.exports.columns import (
    ARMED,
    Column,
    Ledger,
    in_year,
    its_person,
    itself,
    person_columns,
    phone_column,
    this_year,
    under,
    yes_no,
)
from yizhan.militia import selectors as militia
from yizhan.people.models import (
    Education,
    Person,
)
from yizhan.regions.models import Level, Region

# --- 兵役登记名册 and 应登未登名单 ------------------------------------------------------------


def _registrations(user, region: Region, year: int | None):
    registrations = under(conscription.registrations_visible_to(user), "person__region_id", region)
    return (
        in_year(registrations, "year", year)
        .select_related("person__region")
        .order_by("person__region_id", "person__name", "pk")
    )


EDUCATION = dict(Education.choices)


REGISTRATIONS = Ledger(
    slug="registrations",
    name="兵役登记名册",
    rows=_registrations,
    columns=(
        *person_columns(its_person),
        Column("文化程度", lambda r: EDUCATION.get(r.education, r.education), 12),
        Column("登记年度", lambda r: r.year, 8),
        Column("登记日期", lambda r: r.registered_on),
        Column("登记类型", lambda r: r.get_kind_display(), 12),
        Column("初步结论", lambda r: r.get_conclusion_display(), 12),
        Column("免服/不得服原因", lambda r: r.reason, 20),
        Column("在校大学生或毕业生", lambda r: yes_no(r.is_university_student), 10),
        Column("应征意向", lambda r: yes_no(r.wants_to_enlist), 8),
        phone_column(its_person),
    ),
    year_label="登记年度",
    departments=ARMED,
)


def _unregistered(user, region: Region, year: int | None) -> QuerySet[Person]:
    return under(conscription.must_register(user, year or this_year()), "region_id", region)


UNREGISTERED = Ledger(
    slug="unregistered",
    name="应登未登名单",
    rows=_unregistered,
    columns=(*person_columns(itself), phone_column(itself), Column("现住址", lambda p: p.address, 30)),
    year_label="登记年度",
    year_required=True,
    departments=ARMED,
)


# --- 征兵进度表 -------------------------------------------------------------------------------

# The stages a candidate passes on the way in; 退兵 is counted apart.
PROGRESS_STAGES = [s for s in Stage if s not in (Stage.APPLICATION, Stage.RETURNED)]


@dataclass
class ProgressRow:
    campaign: Campaign
    unit: Region
    board: conscription.Board

    def passed(self, stage: str) -> int:
        return next(r.passed for r in self.board.rows if r.stage == stage)

    @property
    def returned(self) -> int:
        return next(r.failed for r in self.board.rows if r.stage == Stage.RETURNED)

    @property
    def failed(self) -> int:
        return sum(r.failed for r in self.board.rows if r.stage != Stage.RETURNED)

    @property
    def completion(self) -> str:
        if not self.board.quota:
            return ""
        return f"{100 * self.board.enlisted / self.board.quota:.1f}%"


def _progress(user, region: Region, year: int | None) -> list[ProgressRow]:
    """Per campaign of the region's county (or the counties under it) and per township of the
    region the user sees: candidates through each stage against the township's quota."""
    lo, hi = region.bounds
    county = region.code[:6].ljust(12, "0")
    campaigns = conscription.campaigns_visible_to(user).filter(
        Q(county_id__gte=lo, county_id__lt=hi) | Q(county_id=county)
    )
    rows = []
    for campaign in in_year(campaigns, "year", year).order_by("county_id", "year", "half"):
        if region.level == Level.VILLAGE:
            units: Iterable[Region] = [region]
        else:
            units = conscription.townships_of(user=user, campaign=campaign).filter(code__gte=lo, code__lt=hi)
        for unit in units:
            rows.append(
                ProgressRow(campaign, unit, conscription.board(user=user, campaign=campaign, township=unit))
            )
    return rows


def _passed(stage: str) -> Callable[[ProgressRow], int]:
    return lambda row: row.passed(stage)


PROGRESS = Ledger(
    slug="conscription-progress",
    name="征兵进度表",
    rows=_progress,
    columns=(
        Column("征兵批次", lambda r: str(r.campaign), 26),
        Column("乡镇（街道）", lambda r: r.unit.name, 14),
        Column("任务数", lambda r: r.board.quota, 8),
        Column("报名人数", lambda r: r.board.total, 8),
        *(Column(f"{s.label}通过", _passed(s), 9) for s in PROGRESS_STAGES),
        Column("未通过", lambda r: r.failed, 8),
        Column("退兵", lambda r: r.returned, 6),
        Column("已批准入伍", lambda r: r.board.enlisted, 9),
        Column("其中大学生", lambda r: r.board.university_enlisted, 9),
        Column("任务完成率", lambda r: r.completion, 10),
    ),
    year_label="征兵年度",
    departments=ARMED,
)


# --- 民兵花名册 ---------------------------------------------------------------------------


def _militia(user, region: Region, year: int | None):
    members = under(militia.memberships_visible_to(user), "unit__township_id", region)
    return (
        in_year(members.filter(left_on__isnull=True), "year", year)
        .select_related("person__region", "unit")
        .order_by("year", "unit__township_id", "-is_veteran", "unit__name", "post", "pk")
    )


MILITIA = Ledger(
    slug="militia",
    name="民兵花名册",
    rows=_militia,
    columns=(
        Column("整组年度", lambda m: m.year, 8),
        *person_columns(its_person),
        phone_column(its_person),
        Column("退役军人", lambda m: yes_no(m.is_veteran), 8),
        Column("类别", lambda m: m.get_category_display(), 10),
        Column("编组单位", lambda m: m.unit.name, 16),
        Column("职务", lambda m: m.get_post_display(), 8),
        Column("专业", lambda m: m.get_specialty_display(), 10),
        Column("编入日期", lambda m: m.joined_on),
    ),
    year_label="整组年度",
    departments=ARMED,
)

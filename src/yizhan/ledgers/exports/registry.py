"""The standard ledgers (台账) superiors ask for: one table of what each one is.

A ledger is a name (Chinese, and a slug for URLs and the command line), a scoped read
`rows(user, region, year)` and its columns. Every read starts from a selector that scopes by
jurisdiction (core.scopes.SCOPES underneath), then narrows to the chosen region: rows out
of the user's scope never reach a file. A column holding a personal number names its mask; the
export applies it unless the exporter may reveal (one place, so no ledger can forget).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.utils import timezone

from yizhan.accounts.roles import Department
from yizhan.benefits import selectors as benefits
from yizhan.care import selectors as care
from yizhan.conscription import selectors as conscription
from yizhan.conscription.models import Campaign, Stage
from yizhan.core.masking import mask_bank_account, mask_id_number, mask_phone
from yizhan.militia import selectors as militia
from yizhan.people.models import (
    INVERSE_RELATION,
    Education,
    Identity,
    IdentityKind,
    Person,
    Relation,
    RelationKind,
    ServiceRecord,
)
from yizhan.people.selectors import list_people, people_visible_to
from yizhan.regions.models import Level, Region
from yizhan.veterans import selectors as veterans

ARMED = frozenset({Department.ARMED_FORCES, Department.BOTH})


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 12
    # A personal number: shown through this mask unless the exporter holds REVEAL_PII.
    mask: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Ledger:
    slug: str
    name: str
    rows: Callable[[Any, Region, int | None], QuerySet | list]
    columns: tuple[Column, ...]
    # The ledger can be limited to one year (of what `year_label` says); "" when it cannot.
    year_label: str = ""
    # Departments whose staff export it; None for any (兵役 and 征兵 belong to the 武装部).
    departments: frozenset[str] | None = None
    # Without a year the ledger makes no sense (应登未登 is always of one year): this year by default.
    year_required: bool = False
    # Printing keeps the rows sharing this key on one page (a household, a family).
    group: Callable[[Any], Any] | None = None

    @property
    def headers(self) -> list[str]:
        return ["序号", *(c.header for c in self.columns)]

    @property
    def widths(self) -> list[int]:
        return [6, *(c.width for c in self.columns)]

    def values(self, row: Any, *, full: bool) -> list[Any]:
        values = []
        for column in self.columns:
            value = column.value(row)
            if column.mask is not None and value and not full:
                value = column.mask(value)
            values.append(value)
        return values


# --- helpers shared by the columns -----------------------------------------------------------


def _under(queryset: QuerySet, field_name: str, region: Region) -> QuerySet:
    lo, hi = region.bounds
    return queryset.filter(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})


def _year(queryset: QuerySet, field_name: str, year: int | None) -> QuerySet:
    return queryset.filter(**{field_name: year}) if year else queryset


def _yes(value: bool) -> str:
    return "是" if value else "否"


def _this_year() -> int:
    return timezone.localdate().year


def person_columns(of: Callable[[Any], Person]) -> tuple[Column, ...]:
    """Village, name, sex, birth date and ID number of the row's person."""
    return (
        Column("村（社区）", lambda r: of(r).region.name, 14),
        Column("姓名", lambda r: of(r).name, 10),
        Column("性别", lambda r: of(r).get_sex_display(), 6),
        Column("出生日期", lambda r: of(r).birth_date, 12),
        Column("公民身份号码", lambda r: of(r).id_number, 22, mask=mask_id_number),
    )


def phone_column(of: Callable[[Any], Person]) -> Column:
    return Column("联系电话", lambda r: of(r).phone, 15, mask=mask_phone)


def _self(person: Person) -> Person:
    return person


# --- 退役军人花名册 ---------------------------------------------------------------------------


def _veterans(user, region: Region, year: int | None) -> QuerySet[Person]:
    return (
        list_people(user=user, identity=IdentityKind.VETERAN, region_code=region.code)
        .select_related("profile_record")
        .prefetch_related(
            Prefetch(
                "service_records", queryset=ServiceRecord.objects.order_by("-enlisted_on"), to_attr="services"
            )
        )
    )


def _last_service(person: Person) -> ServiceRecord | None:
    return person.services[0] if person.services else None


def _service(attribute: str) -> Callable[[Person], Any]:
    def value(person: Person) -> Any:
        record = _last_service(person)
        if record is None:
            return None
        display = getattr(record, f"get_{attribute}_display", None)
        return display() if display else getattr(record, attribute)

    return value


def _profile_category(person: Person) -> str:
    profile = getattr(person, "profile_record", None)
    return profile.get_category_display() if profile else ""


VETERANS = Ledger(
    slug="veterans",
    name="退役军人花名册",
    rows=_veterans,
    columns=(
        *person_columns(_self),
        Column("民族", lambda p: p.ethnicity, 8),
        phone_column(_self),
        Column("入伍时间", _service("enlisted_on")),
        Column("退役时间", _service("discharged_on")),
        Column("军兵种", _service("branch"), 10),
        Column("人员类别", _service("service_type"), 10),
        Column("安置方式", _service("settlement_type"), 14),
        Column("建档立卡类别", _profile_category, 16),
        Column("现住址", lambda p: p.address, 30),
    ),
)


# --- 现役军人家庭名册 -------------------------------------------------------------------------


def _families(user, region: Region, year: int | None) -> QuerySet[Identity]:
    """One row per current 军属, next to the serving member the status comes through."""
    visible = _under(people_visible_to(user), "region_id", region)
    return (
        Identity.objects.filter(
            Identity.current_q(), kind=IdentityKind.MILITARY_FAMILY, person__in=visible.values("pk")
        )
        .select_related("person__region", "person__household", "through")
        .annotate(
            # The serving member may be registered in another township: then he is not named.
            through_visible=Exists(people_visible_to(user).filter(pk=OuterRef("through"))),
            # The relation may have been recorded from either side.
            kind_of_relative=Subquery(
                Relation.objects.filter(person=OuterRef("through"), relative=OuterRef("person")).values(
                    "kind"
                )[:1]
            ),
            kind_of_member=Subquery(
                Relation.objects.filter(person=OuterRef("person"), relative=OuterRef("through")).values(
                    "kind"
                )[:1]
            ),
            enlisted_on=Subquery(
                ServiceRecord.objects.filter(person=OuterRef("through"), discharged_on__isnull=True)
                .order_by("-enlisted_on")
                .values("enlisted_on")[:1]
            ),
        )
        .order_by("person__region_id", "through__name", "through_id", "person__name", "pk")
    )


def _relation_label(identity: Identity) -> str:
    if identity.kind_of_relative:
        return RelationKind(identity.kind_of_relative).label
    if identity.kind_of_member:
        return RelationKind(INVERSE_RELATION[identity.kind_of_member]).label
    member, through = identity.person, identity.through
    if through is not None and member.household_id and member.household_id == through.household_id:
        return "同户成员"
    return ""


def _family_address(identity: Identity) -> str:
    person = identity.person
    return person.address or (person.household.address if person.household_id else "")


def _member(identity: Identity) -> Person:
    return identity.person


FAMILIES = Ledger(
    slug="families",
    name="现役军人家庭名册",
    rows=_families,
    columns=(
        Column("村（社区）", lambda i: i.person.region.name, 14),
        Column("现役军人", lambda i: i.through.name if i.through_visible else "", 10),
        Column("入伍时间", lambda i: i.enlisted_on if i.through_visible else None),
        Column("家属姓名", lambda i: i.person.name, 10),
        Column("与军人关系", _relation_label, 10),
        Column("性别", lambda i: i.person.get_sex_display(), 6),
        Column("出生日期", lambda i: i.person.birth_date),
        Column("公民身份号码", lambda i: i.person.id_number, 22, mask=mask_id_number),
        phone_column(_member),
        Column("家庭住址", _family_address, 30),
    ),
    group=lambda i: i.through_id,
)


# --- 兵役登记名册 and 应登未登名单 ------------------------------------------------------------


def _registrations(user, region: Region, year: int | None):
    registrations = _under(conscription.registrations_visible_to(user), "person__region_id", region)
    return (
        _year(registrations, "year", year)
        .select_related("person__region")
        .order_by("person__region_id", "person__name", "pk")
    )


EDUCATION = dict(Education.choices)


def _registrant(registration) -> Person:
    return registration.person


REGISTRATIONS = Ledger(
    slug="registrations",
    name="兵役登记名册",
    rows=_registrations,
    columns=(
        *person_columns(_registrant),
        Column("文化程度", lambda r: EDUCATION.get(r.education, r.education), 12),
        Column("登记年度", lambda r: r.year, 8),
        Column("登记日期", lambda r: r.registered_on),
        Column("登记类型", lambda r: r.get_kind_display(), 12),
        Column("初步结论", lambda r: r.get_conclusion_display(), 12),
        Column("免服/不得服原因", lambda r: r.reason, 20),
        Column("在校大学生或毕业生", lambda r: _yes(r.is_university_student), 10),
        Column("应征意向", lambda r: _yes(r.wants_to_enlist), 8),
        phone_column(_registrant),
    ),
    year_label="登记年度",
    departments=ARMED,
)


def _unregistered(user, region: Region, year: int | None) -> QuerySet[Person]:
    return _under(conscription.must_register(user, year or _this_year()), "region_id", region)


UNREGISTERED = Ledger(
    slug="unregistered",
    name="应登未登名单",
    rows=_unregistered,
    columns=(*person_columns(_self), phone_column(_self), Column("现住址", lambda p: p.address, 30)),
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
    for campaign in _year(campaigns, "year", year).order_by("county_id", "year", "half"):
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


# --- 优待金发放表 -----------------------------------------------------------------------------


def _allowance(user, region: Region, year: int | None):
    return benefits.ledger(user=user, year=year, region_code=region.code)


ALLOWANCE = Ledger(
    slug="allowance",
    name="优待金发放表",
    rows=_allowance,
    columns=(
        Column("村（社区）", lambda p: p.period.person.region.name, 14),
        Column("军人姓名", lambda p: p.period.person.name, 10),
        Column("期次", lambda p: p.period.label, 24),
        Column("领取人", lambda p: p.recipient.recipient.name, 10),
        Column("与军人关系", lambda p: p.recipient.relation, 10),
        Column("领取人身份证号", lambda p: p.recipient.recipient.id_number, 22, mask=mask_id_number),
        Column("开户行", lambda p: p.recipient.bank_name, 22),
        Column("银行账号", lambda p: p.recipient.account, 24, mask=mask_bank_account),
        Column("金额（元）", lambda p: p.amount, 12),
        Column("批次截至日期", lambda p: p.batch.as_of),
        Column("批次状态", lambda p: p.batch.get_status_display(), 10),
        Column("发放日期", lambda p: p.batch.paid_on),
        Column("发放凭证号", lambda p: p.batch.reference, 16),
    ),
    year_label="期次起始年度",
)


# --- 光荣牌悬挂登记表 -------------------------------------------------------------------------


def _plaques(user, region: Region, year: int | None):
    # A household member registered in another township is not named (SCOPES: people.Person).
    members = people_visible_to(user).order_by("-is_household_head", "pk")
    return (
        _under(benefits.plaques_visible_to(user), "household__region_id", region)
        .select_related("household__region")
        .prefetch_related(Prefetch("household__members", queryset=members, to_attr="current_members"))
        .order_by("household__region_id", "pk")
    )


def _head(plaque) -> str:
    members = plaque.household.current_members
    return members[0].name if members and members[0].is_household_head else ""


PLAQUES = Ledger(
    slug="honor-plaques",
    name="光荣牌悬挂登记表",
    rows=_plaques,
    columns=(
        Column("村（社区）", lambda p: p.household.region.name, 14),
        Column("户主", _head, 10),
        Column("家庭成员", lambda p: "、".join(m.name for m in p.household.current_members), 24),
        Column("家庭住址", lambda p: p.household.address, 30),
        Column("类别", lambda p: p.get_category_display(), 16),
        Column("状态", lambda p: p.get_status_display(), 8),
        Column("应挂日期", lambda p: p.due_on),
        Column("悬挂日期", lambda p: p.hung_on),
        Column("悬挂人员", lambda p: p.hung_by, 24),
        Column("家属签收", lambda p: _yes(p.signed), 8),
        Column("签收说明", lambda p: p.signature_note, 20),
    ),
)


# --- 喜报送达登记表 ---------------------------------------------------------------------------


def _merit_notices(user, region: Region, year: int | None):
    notices = _under(care.merit_notices_visible_to(user), "region_code", region)
    return (
        _year(notices, "delivered_on__year", year)
        .select_related("person__region", "award")
        .order_by("region_code", "delivered_on", "pk")
    )


MERIT_NOTICES = Ledger(
    slug="merit-notices",
    name="喜报送达登记表",
    rows=_merit_notices,
    columns=(
        Column("村（社区）", lambda n: n.person.region.name, 14),
        Column("立功受奖人员", lambda n: n.person.name, 12),
        Column("奖励等级", lambda n: n.award.get_level_display(), 14),
        Column("授予日期", lambda n: n.award.awarded_on),
        Column("通知文号", lambda n: n.award.notice_number, 18),
        Column("送达层级", lambda n: n.get_level_display(), 12),
        Column("家庭地址", lambda n: n.family_address, 30),
        Column("送达日期", lambda n: n.delivered_on),
        Column("送达人员", lambda n: n.participants, 24),
        Column("签收人", lambda n: n.signer_name, 10),
        Column("登记日期", lambda n: n.logged_on),
        Column("逾期登记", lambda n: _yes(n.logged_late), 8),
    ),
    year_label="送达年度",
)


# --- 优待证办理台账 ---------------------------------------------------------------------------


def _cards(user, region: Region, year: int | None):
    cards = _under(veterans.cards_visible_to(user), "person__region_id", region)
    return (
        _year(cards, "accepted_on__year", year)
        .select_related("person__region")
        .order_by("person__region_id", "accepted_on", "pk")
    )


def _holder(card) -> Person:
    return card.person


CARDS = Ledger(
    slug="preferential-cards",
    name="优待证办理台账",
    rows=_cards,
    columns=(
        *person_columns(_holder),
        phone_column(_holder),
        Column("证件类型", lambda c: c.get_card_type_display(), 22),
        Column("申请人", lambda c: c.applicant, 12),
        Column("上门服务", lambda c: _yes(c.home_service), 8),
        Column("受理日期", lambda c: c.accepted_on),
        Column("办理状态", lambda c: c.get_status_display(), 10),
        Column("发放日期", lambda c: c.issued_on),
        Column("签收人", lambda c: c.receipt_signed_by, 10),
        Column("退回原因", lambda c: c.return_reason, 20),
    ),
    year_label="受理年度",
)


# --- 走访慰问登记表 ---------------------------------------------------------------------------


def _visits(user, region: Region, year: int | None):
    visits = _under(care.visits_visible_to(user), "region_code", region)
    return (
        _year(visits, "visited_on__year", year)
        .select_related("person__region")
        .order_by("region_code", "visited_on", "pk")
    )


VISITS = Ledger(
    slug="visits",
    name="走访慰问登记表",
    rows=_visits,
    columns=(
        Column("村（社区）", lambda v: v.person.region.name, 14),
        Column("慰问对象", lambda v: v.person.name, 10),
        Column("走访类别", lambda v: v.get_reason_display(), 14),
        Column("走访日期", lambda v: v.visited_on),
        Column("走访人员", lambda v: v.participants, 24),
        Column("慰问金（元）", lambda v: v.money, 12),
        Column("慰问品", lambda v: v.goods, 20),
        Column("走访情况", lambda v: v.notes, 30),
    ),
    year_label="走访年度",
)


def campaign_ledger(campaign) -> Ledger:
    """The 走访慰问登记表 of one campaign: every household it visits, with what came of the visit
    (exported from the campaign's page, not listed among the yearly ledgers)."""

    def rows(user, region: Region, year: int | None):
        visits = _under(care.campaign_visits(user=user, campaign=campaign), "region_code", region)
        return visits.select_related("person__region", "visit", "grid")

    def given(attribute: str):
        return lambda v: getattr(v.visit, attribute) if v.visit_id else ""

    return Ledger(
        slug="campaign_visits",
        name=f"{campaign.name}走访慰问登记表",
        rows=rows,
        columns=(
            Column("村（社区）", lambda v: v.person.region.name, 14),
            Column("网格", lambda v: v.grid.name if v.grid_id else "", 12),
            Column("慰问对象", lambda v: v.person.name, 10),
            Column("对象类别", lambda v: v.target_label, 16),
            Column("走访状态", lambda v: v.get_status_display(), 10),
            Column("原因", lambda v: v.reason, 20),
            Column("走访日期", given("visited_on")),
            Column("走访人员", given("participants"), 24),
            Column("慰问金（元）", given("money"), 12),
            Column("慰问品", given("goods"), 20),
            Column("走访情况", given("notes"), 30),
        ),
    )


# --- 民兵花名册 ---------------------------------------------------------------------------


def _militia(user, region: Region, year: int | None):
    members = _under(militia.memberships_visible_to(user), "unit__township_id", region)
    return (
        _year(members.filter(left_on__isnull=True), "year", year)
        .select_related("person__region", "unit")
        .order_by("year", "unit__township_id", "-is_veteran", "unit__name", "post", "pk")
    )


MILITIA = Ledger(
    slug="militia",
    name="民兵花名册",
    rows=_militia,
    columns=(
        Column("整组年度", lambda m: m.year, 8),
        *person_columns(lambda m: m.person),
        phone_column(lambda m: m.person),
        Column("退役军人", lambda m: _yes(m.is_veteran), 8),
        Column("类别", lambda m: m.get_category_display(), 10),
        Column("编组单位", lambda m: m.unit.name, 16),
        Column("职务", lambda m: m.get_post_display(), 8),
        Column("专业", lambda m: m.get_specialty_display(), 10),
        Column("编入日期", lambda m: m.joined_on),
    ),
    year_label="整组年度",
    departments=ARMED,
)


LEDGERS: dict[str, Ledger] = {
    ledger.slug: ledger
    for ledger in (
        VETERANS,
        FAMILIES,
        REGISTRATIONS,
        UNREGISTERED,
        PROGRESS,
        ALLOWANCE,
        PLAQUES,
        MERIT_NOTICES,
        CARDS,
        VISITS,
        MILITIA,
    )
}


def find_ledger(name: str) -> Ledger | None:
    """By slug or by Chinese name."""
    name = name.strip()
    return LEDGERS.get(name) or next((ledger for ledger in LEDGERS.values() if ledger.name == name), None)

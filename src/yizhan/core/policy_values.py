"""参数设置: the named rule values that DOMAIN.md sets per year or locality and that have no table
of their own (registration years, intakes, allowance and bonus rates have theirs).

`REGISTRY` is the one list of them: name, topic, Chinese label, unit, bounds or choices, and the
national default from DOMAIN.md, which is in force wherever no region set its own. Rules read a
value only through `policy_value` (core.policy.in_force over PolicyValue: most specific region,
latest effective date); tests/core/test_policy_values.py fails for a name no rule reads.
Changes go through `set_policy_value`: checked against the bounds, permitted, audited, with a
reason; rows are never changed, so the rows of a name and region are its history.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet

from yizhan.accounts.models import User
from yizhan.accounts.roles import ALL_DEPTS, ARMED, VETERANS, Perm, Role
from yizhan.audit.services import record
from yizhan.core.models import PolicyValue
from yizhan.core.policy import (
    ADMIN_LEVELS,
    NATIONAL,
    OFFICER_ROLES,
    POLICY_LEVELS,
    administrators_rows,
    in_force,
    policy_chain,
    policy_regions_of,
    region_label,
    require_officer,
)
from yizhan.core.scopes import scoped
from yizhan.regions.models import PREFIX_LENGTH, Region, level_of

# Who opens the 参数设置 pages besides administrators (officers change their county's values).
READER_ROLES = (*OFFICER_ROLES, Role.STATION_HEAD)

# (key, label), in the order the 参数设置 page shows them.
TOPICS = [
    ("registration", "兵役登记"),
    ("conscription", "征兵"),
    ("allowance", "义务兵家庭优待金"),
    ("merit_notice", "喜报与奖励金"),
    ("checkin", "退役报到"),
    ("card", "优待证"),
    ("visits", "走访慰问与常态化联系"),
    ("militia", "民兵整组"),
    ("calendar", "法定节假日"),
    ("hall", "服务大厅"),
]
TOPIC_LABELS = dict(TOPICS)

# The 喜报 delivery levels (立功受奖军人家庭送喜报工作办法, 2020); care.models names them too.
DELIVERY_LEVELS = (("township", "乡镇（街道）"), ("county", "县（区）"), ("city", "市"))


@dataclass(frozen=True)
class PolicySpec:
    name: str
    topic: str
    label: str
    default: int | str
    departments: tuple[str, ...]
    basis: str = ""  # where DOMAIN.md's default comes from
    unit: str = ""
    low: int | None = None
    high: int | None = None
    choices: tuple[tuple[str, str], ...] = ()

    @property
    def topic_label(self) -> str:
        return TOPIC_LABELS[self.topic]

    @property
    def kind(self) -> str:
        """choice (one of `choices`), month_day ("MM-DD", a date in every year) or integer."""
        if self.choices:
            return "choice"
        return "month_day" if isinstance(self.default, str) else "integer"

    def clean(self, raw: object) -> int | str:
        """The value typed in, as the rule reads it; refused in Chinese outside its bounds."""
        if self.kind == "choice":
            if raw not in dict(self.choices):
                raise ValidationError({"value": "请选择列表中的一项。"})
            return str(raw)
        if self.kind == "month_day":
            try:  # 2024 has a 29 February: any day of any year is a day of it
                day = datetime.datetime.strptime(f"2024-{str(raw).strip()}", "%Y-%m-%d")
            except ValueError:
                raise ValidationError({"value": "请按“月-日”填写，例如 03-01。"}) from None
            return f"{day:%m-%d}"
        try:
            value = int(str(raw).strip())
        except ValueError:
            raise ValidationError({"value": "请填写整数。"}) from None
        if self.low is not None and value < self.low:
            raise ValidationError({"value": f"不能小于 {self.low} {self.unit}。"})
        if self.high is not None and value > self.high:
            raise ValidationError({"value": f"不能大于 {self.high} {self.unit}。"})
        return value

    def show(self, value: int | str) -> str:
        if self.kind == "choice":
            return dict(self.choices).get(str(value), str(value))
        if self.kind == "month_day":
            month, day = str(value).split("-")
            return f"{int(month)}月{int(day)}日"
        return f"{value} {self.unit}".strip()


def _spec(name: str, topic: str, label: str, default: int | str, departments, **more) -> PolicySpec:
    return PolicySpec(
        name=name, topic=topic, label=label, default=default, departments=tuple(departments), **more
    )


def _delivery_level(award: str, label: str, default: str) -> PolicySpec:
    return _spec(
        f"merit_notice.level.{award}", "merit_notice", f"喜报送达层级：{label}", default, ALL_DEPTS,
        basis="立功受奖军人家庭送喜报工作办法（2020）：一等功由市、二等功由县送达", choices=DELIVERY_LEVELS,
    )  # fmt: skip


REGISTRY: dict[str, PolicySpec] = {
    spec.name: spec
    for spec in [
        _spec(
            "conscription.enlist_min_age", "conscription", "征集年龄下限", 17, ARMED, unit="周岁", low=16, high=20,
            basis="兵役法：当年 12 月 31 日前年满 17 周岁可根据本人自愿征集",
        ),
        _spec(
            "conscription.enlist_max_age", "conscription", "征集年龄上限", 22, ARMED, unit="周岁", low=18, high=30,
            basis="征兵工作条例：年满 18 至 22 周岁",
        ),
        _spec(
            "conscription.enlist_max_age_graduate", "conscription", "征集年龄上限（大学生、高校毕业生）", 24, ARMED,
            unit="周岁", low=18, high=30, basis="征兵工作条例：普通高等学校毕业生放宽至 24 周岁",
        ),
        _spec(
            "conscription.enlist_max_age_postgraduate", "conscription", "征集年龄上限（研究生）", 26, ARMED,
            unit="周岁", low=18, high=30, basis="征兵工作条例：研究生放宽至 26 周岁",
        ),
        _spec(
            "conscription.intake_date_first", "conscription", "上半年批准入伍日期", "03-01", ARMED,
            basis="两次征兵：3 月 1 日、9 月 1 日批准入伍（各批次可另定）",
        ),
        _spec(
            "conscription.intake_date_second", "conscription", "下半年批准入伍日期", "09-01", ARMED,
            basis="两次征兵：3 月 1 日、9 月 1 日批准入伍（各批次可另定）",
        ),
        _spec(
            "conscription.public_notice_days", "conscription", "预定新兵公示天数", 5, ARMED, unit="天", low=5, high=30,
            basis="征兵工作条例：公示不少于 5 天",
        ),
        _delivery_level("bayi_medal", "八一勋章", "city"),
        _delivery_level("honorary_title", "荣誉称号", "city"),
        _delivery_level("first_class", "一等功", "city"),
        _delivery_level("second_class", "二等功", "county"),
        _delivery_level("third_class", "三等功", "township"),
        _delivery_level("outstanding_soldier", "优秀士兵", "township"),
        _delivery_level("four_haves", "“四有”优秀士兵", "township"),
        _spec(
            "merit_notice.log_working_days", "merit_notice", "喜报送达登记时限", 2, ALL_DEPTS, unit="个工作日",
            low=1, high=15, basis="立功受奖军人家庭送喜报工作办法：2 个工作日内登记",
        ),
        _spec(
            "checkin.days", "checkin", "退役报到期限", 30, VETERANS, unit="天", low=1, high=90,
            basis="退役士兵安置条例：退役之日起 30 日内报到",
        ),
        _spec(
            "card.photo_width", "card", "优待证照片宽度", 352, VETERANS, unit="像素", low=100, high=2000,
            basis="优待证申领：白底证件照 352×440 像素",
        ),
        _spec(
            "card.photo_height", "card", "优待证照片高度", 440, VETERANS, unit="像素", low=100, high=2500,
            basis="优待证申领：白底证件照 352×440 像素",
        ),
        _spec(
            "card.handout_working_days", "card", "优待证到县后通知领取时限", 5, VETERANS, unit="个工作日",
            low=1, high=30, basis="本站做法：到县后 5 个工作日内通知本人签收（可按本地要求调整）",
        ),
        _spec(
            "card.home_service_age", "card", "上门办理年龄", 80, VETERANS, unit="周岁", low=60, high=100,
            basis="优待证申领：80 周岁以上或卧床的上门服务",
        ),
        # 民兵整组: every limit stays inside DOMAIN.md's 18–45 (the bounds), whatever a county sets.
        _spec(
            "militia.min_age", "militia", "民兵年龄下限", 18, ARMED, unit="周岁", low=18, high=20,
            basis="民兵工作条例：年满 18 周岁的男性公民编入民兵组织",
        ),
        _spec(
            "militia.backbone_max_age", "militia", "基干民兵年龄上限", 28, ARMED, unit="周岁", low=18, high=45,
            basis="基干民兵：退役士兵和受过军事训练的人员，28 周岁以下",
        ),
        _spec(
            "militia.ordinary_max_age", "militia", "普通民兵年龄上限", 35, ARMED, unit="周岁", low=18, high=45,
            basis="普通民兵：其他符合条件的 18 至 35 周岁男性公民",
        ),
        _spec(
            "militia.backbone_max_age_widened", "militia", "基干民兵年龄上限（干部、专业技术民兵）", 35, ARMED,
            unit="周岁", low=18, high=45, basis="民兵干部和专业技术民兵年龄可适当放宽，不超过 45 周岁",
        ),
        _spec(
            "militia.ordinary_max_age_widened", "militia", "普通民兵年龄上限（干部、专业技术民兵）", 45, ARMED,
            unit="周岁", low=18, high=45, basis="民兵干部和专业技术民兵年龄可适当放宽，不超过 45 周岁",
        ),
        _spec(
            "hall.priority_age", "hall", "取号优先年龄", 80, ALL_DEPTS, unit="周岁", low=60, high=100,
            basis="政务服务大厅绿色通道：80 周岁以上老人优先（可按本地要求调整）",
        ),
        _spec(
            "hall.no_show_calls", "hall", "叫号几次未到记为过号", 3, ALL_DEPTS, unit="次", low=1, high=10,
            basis="本站做法：叫号 3 次未到记为过号（可按本地要求调整）",
        ),
        _spec(
            "visits.contact_days", "visits", "常态化联系周期", 90, VETERANS, unit="天", low=7, high=365,
            basis="一县之例：每季度联系一次",
        ),
        _spec(
            "visits.visit_days", "visits", "走访周期", 365, VETERANS, unit="天", low=30, high=730,
            basis="一县之例：每年走访一次",
        ),
        _spec(
            "hall.rectification_working_days", "hall", "差评整改期限", 5, ALL_DEPTS, unit="个工作日", low=1,
            high=15, basis="国办发〔2019〕51号：差评核实整改并回访，各地 5–15 个工作日",
        ),
        _spec(
            "visits.priority_contact_days", "visits", "重点优抚对象联系周期", 30, VETERANS, unit="天", low=7,
            high=365, basis="重点优抚对象联系更勤：每月联系一次",
        ),
        _spec(
            "visits.need_days", "visits", "走访发现需求办理时限", 14, VETERANS, unit="天", low=1, high=90,
            basis="本站做法：走访发现的需求两周内办理（可按本地要求调整）",
        ),
    ]
}  # fmt: skip

# Values in the registry that no rule reads yet, with the work that will read them: shown on
# the page as such, and exempt from the test that every value is read (that test keeps the
# list honest: a name here that a rule does read fails it).
AWAITING_READER: dict[str, str] = {}


def spec_of(name: str) -> PolicySpec:
    try:
        return REGISTRY[name]
    except KeyError:
        raise KeyError(f"no policy value named {name!r} in core.policy_values.REGISTRY") from None


# --- reading ------------------------------------------------------------------------------


def row_in_force(name: str, *, region_code: str, on: datetime.date) -> PolicyValue | None:
    """The row that sets `name` for the region on that day; None: the national default applies."""
    return in_force(PolicyValue.objects.filter(name=spec_of(name).name), region_code, on=on)


def policy_value(name: str, *, region_code: str, on: datetime.date):
    """THE read of a named rule value for a place (any region code, a village's too) on a day."""
    row = row_in_force(name, region_code=region_code, on=on)
    return spec_of(name).default if row is None else row.value


# --- changing -----------------------------------------------------------------------------


@transaction.atomic
def set_policy_value(
    *,
    actor: User | None,
    name: str,
    region_code: str,
    effective_from: datetime.date,
    value: object = None,
    inherits: bool = False,
    reason: str,
) -> PolicyValue:
    """Adds a value of `name` for the region from `effective_from` (or, with `inherits`, ends the
    region's own value from then). Only an officer at or above a county, or an administrator
    for the levels above, may; the reason is required."""
    spec = spec_of(name)
    require_officer(actor, region_code, departments=spec.departments, what=spec.label)
    reason = reason.strip()
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = "请填写修改原因。"
    if inherits and region_code == NATIONAL:
        errors["inherits"] = "全国默认值没有上级可沿用。"
    cleaned: int | str | None = None
    if not inherits:
        try:
            cleaned = spec.clean(value)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    row = PolicyValue.objects.create(
        name=name,
        region_code=region_code,
        effective_from=effective_from,
        value=cleaned,
        inherits=inherits,
        reason=reason,
        changed_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(
        actor=actor,
        action="policy_value.set",
        object_type="policy_value",
        object_id=f"{name}@{region_code or 'national'}",
        region_code=region_code,
        changes={
            "参数": spec.label,
            "地区": region_label(region_code),
            "生效日期": effective_from.isoformat(),
            "取值": "沿用上级" if inherits else spec.show(cleaned),
        },
        reason=reason,
    )
    return row


# --- the pages' reads -----------------------------------------------------------------------


def values_visible_to(user: User) -> QuerySet[PolicyValue]:
    """Officers see the values governing their regions and those under them (SCOPES);
    administrators the national ones and those of provinces and cities, which they keep."""
    return PolicyValue.objects.filter(scoped(user, "core.PolicyValue") | administrators_rows(user))


def may_read_policies(user: User) -> bool:
    """The 参数设置 pages: administrators, county officers and station heads (who read what
    governs their station; the rules show the values to everyone else where they apply)."""
    return user.can(Perm.MANAGE_SETTINGS) or any(post.role in READER_ROLES for post in user.active_posts)


def readable_regions(user: User) -> list[str]:
    """The policy regions whose values the user may look at, highest first: administrators the
    national level, provinces and cities; staff the regions above their posts and, for
    officers, the counties under them."""
    codes: set[str] = {NATIONAL}
    if user.can(Perm.MANAGE_SETTINGS):
        codes |= set(Region.objects.filter(level__in=ADMIN_LEVELS).values_list("code", flat=True))
    for post in user.active_posts:
        if post.role in READER_ROLES and post.region_id:
            codes |= {
                code
                for code in policy_chain(post.region_id)
                if code == NATIONAL or level_of(code) in POLICY_LEVELS
            }
    codes |= {region.code for region in policy_regions_of(user, departments=ALL_DEPTS)}
    return sorted(codes, key=lambda code: (code != NATIONAL and PREFIX_LENGTH[level_of(code)], code))

"""The 优抚 ledgers: 优待金发放表, 光荣牌悬挂登记表, 喜报送达登记表 and 优待证办理台账."""

from __future__ import annotations

from django.db.models import Prefetch

from yizhan.benefits import selectors as benefits
from yizhan.care import selectors as care
from yizhan.core.masking import mask_bank_account, mask_id_number
from yizhan.ledgers.exports.columns import (
    Column,
    Ledger,
    in_year,
    its_person,
    person_columns,
    phone_column,
    under,
    yes_no,
)
from yizhan.people.selectors import people_visible_to
from yizhan.regions.models import Region
from yizhan.veterans import selectors as veterans

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
        under(benefits.plaques_visible_to(user), "household__region_id", region)
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
        Column("家属签收", lambda p: yes_no(p.signed), 8),
        Column("签收说明", lambda p: p.signature_note, 20),
    ),
)


# --- 喜报送达登记表 ---------------------------------------------------------------------------


def _merit_notices(user, region: Region, year: int | None):
    notices = under(care.merit_notices_visible_to(user), "region_code", region)
    return (
        in_year(notices, "delivered_on__year", year)
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
        Column("逾期登记", lambda n: yes_no(n.logged_late), 8),
    ),
    year_label="送达年度",
)


# --- 优待证办理台账 ---------------------------------------------------------------------------


def _cards(user, region: Region, year: int | None):
    cards = under(veterans.cards_visible_to(user), "person__region_id", region)
    return (
        in_year(cards, "accepted_on__year", year)
        .select_related("person__region")
        .order_by("person__region_id", "accepted_on", "pk")
    )


CARDS = Ledger(
    slug="preferential-cards",
    name="优待证办理台账",
    rows=_cards,
    columns=(
        *person_columns(its_person),
        phone_column(its_person),
        Column("证件类型", lambda c: c.get_card_type_display(), 22),
        Column("申请人", lambda c: c.applicant, 12),
        Column("上门服务", lambda c: yes_no(c.home_service), 8),
        Column("受理日期", lambda c: c.accepted_on),
        Column("办理状态", lambda c: c.get_status_display(), 10),
        Column("发放日期", lambda c: c.issued_on),
        Column("签收人", lambda c: c.receipt_signed_by, 10),
        Column("退回原因", lambda c: c.return_reason, 20),
    ),
    year_label="受理年度",
)

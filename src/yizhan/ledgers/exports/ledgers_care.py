"""走访慰问登记表, and one campaign's visits as a ledger."""

from __future__ import annotations

from yizhan.care import selectors as care
from yizhan.ledgers.exports.columns import Column, Ledger, in_year, under
from yizhan.regions.models import Region

# --- 走访慰问登记表 ---------------------------------------------------------------------------


def _visits(user, region: Region, year: int | None):
    visits = under(care.visits_visible_to(user), "region_code", region)
    return (
        in_year(visits, "visited_on__year", year)
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
        visits = under(care.campaign_visits(user=user, campaign=campaign), "region_code", region)
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

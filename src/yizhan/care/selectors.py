"""Scoped reads of 走访慰问: a user sees the records of the people he may see (SCOPES: the work
follows the person), and nothing at all without the right to see people. Anything else answers 404, the same as missing."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import CharField, Count, F, Max, Min, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Substr
from django.http import Http404

from yizhan.accounts.roles import Perm
from yizhan.care.groups import CONTACT_KINDS, GROUP_LABELS, cadence
from yizhan.care.models import (
    CampaignRun,
    CampaignVisit,
    CondolenceVisit,
    ContactChannel,
    ContactLog,
    DeliveryLevel,
    GiftPackDelivery,
    MeritNoticeDelivery,
    VisitCampaign,
    VisitReason,
    VisitStatus,
)
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.people.models import Award, Identity, IdentityKind, Person
from yizhan.regions.models import PREFIX_LENGTH, Grid, Level, Region
from yizhan.worklist.models import Task
from yizhan.worklist.selectors import get_task

# The index filter: a record kind, or one reason of visit. (value, label)
KINDS = [
    ("merit_notice", "喜报送达"),
    ("gift_pack", "入伍礼包"),
    *((f"visit:{value}", label) for value, label in VisitReason.choices),
]


def merit_notices_visible_to(user) -> QuerySet[MeritNoticeDelivery]:
    return visible(user, "care.MeritNoticeDelivery")


def gift_packs_visible_to(user) -> QuerySet[GiftPackDelivery]:
    return visible(user, "care.GiftPackDelivery")


def visits_visible_to(user) -> QuerySet[CondolenceVisit]:
    return visible(user, "care.CondolenceVisit")


def get_merit_notice(*, user, pk: int) -> MeritNoticeDelivery:
    return get_in_scope(
        merit_notices_visible_to(user).select_related("person", "award", "photo", "task", "recorded_by"),
        pk=pk,
    )


def get_gift_pack(*, user, pk: int) -> GiftPackDelivery:
    return get_in_scope(
        gift_packs_visible_to(user).select_related("person", "household", "task", "recorded_by"), pk=pk
    )


def get_visit(*, user, pk: int) -> CondolenceVisit:
    return get_in_scope(
        visits_visible_to(user).select_related("person", "photo", "task", "recorded_by"), pk=pk
    )


def get_work_task(*, user, pk: int, kind: str) -> Task:
    """The task a care form works on: visible to the user and of that form's kind, else 404."""
    task = get_task(user=user, pk=pk)
    if task.kind != kind or task.person_id is None or not user.can(Perm.VIEW_PEOPLE):
        raise Http404("未找到")  # the same answer as get_in_scope gives for a missing task
    return task


def award_choices(task: Task) -> QuerySet[Award]:
    """The awards a MERIT_NOTICE task may be for: the one its event names, else the person's
    awards without a delivery yet (latest first)."""
    awards = Award.objects.filter(person_id=task.person_id, merit_notice__isnull=True)
    named = _award_pk_of(task)
    if named is not None and awards.filter(pk=named).exists():
        return awards.filter(pk=named)
    return awards.order_by("-awarded_on", "-pk")


def _award_pk_of(task: Task) -> int | None:
    """The award the event names: payload {"award": pk} (or "award_id"), else key "award:<pk>"."""
    if task.cause_id is None:
        return None
    payload = task.cause.payload or {}
    value = payload.get("award", payload.get("award_id"))
    if value is None and task.cause.key.startswith("award:"):
        value = task.cause.key.split(":", 1)[1]
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def record_for_task(task: Task) -> MeritNoticeDelivery | GiftPackDelivery | CondolenceVisit | None:
    """The record that closed the task, if care wrote one (the caller has the task in scope)."""
    for model in (MeritNoticeDelivery, GiftPackDelivery, CondolenceVisit):
        found = model.objects.filter(task=task).first()
        if found is not None:
            return found
    return None


def _rows(queryset: QuerySet, kind: str, *, on: str, sub, detail) -> QuerySet:
    """One model's records in the shape of the index's table, so the three can be unioned (the
    parts must drop their Meta ordering: a compound statement orders only as a whole)."""
    return queryset.order_by().values(
        "id",
        kind=Value(kind, output_field=CharField()),
        sub=sub,
        on=F(on),
        person_name=F("person__name"),
        person_pk=F("person_id"),
        region_name=F("person__region__name"),
        detail=detail,
    )


def records(*, user, kind: str = "") -> QuerySet:
    """The index: every record the user may see, newest first, optionally of one KINDS value.
    Rows are dicts: id, kind, sub (award level or visit reason), on, person_name, person_pk,
    region_name, detail."""
    parts = []
    if kind in ("", "merit_notice"):
        parts.append(_rows(
            merit_notices_visible_to(user), "merit_notice", on="delivered_on",
            sub=F("award__level"), detail=F("family_address"),
        ))  # fmt: skip
    if kind in ("", "gift_pack"):
        parts.append(_rows(
            gift_packs_visible_to(user), "gift_pack", on="delivered_on",
            sub=Value("", output_field=CharField()), detail=F("received_by"),
        ))  # fmt: skip
    reason = kind.removeprefix("visit:")
    if kind == "" or (kind.startswith("visit:") and reason in VisitReason.values):
        visits = visits_visible_to(user)
        if kind:
            visits = visits.filter(reason=reason)
        parts.append(_rows(visits, "visit", on="visited_on", sub=F("reason"), detail=F("participants")))
    if not parts:  # an unknown kind filters everything out
        return merit_notices_visible_to(user).none().values("id")
    first, *rest = parts
    return (first.union(*rest, all=True) if rest else first).order_by("-on", "-id")


# Who signs a 喜报 at each delivery level: the armed forces organ and the veterans office there.
OFFICES = {
    DeliveryLevel.CITY: (Level.CITY, ["军分区", "退役军人事务局"]),
    DeliveryLevel.COUNTY: (Level.COUNTY, ["人民武装部", "退役军人事务局"]),
    DeliveryLevel.TOWNSHIP: (Level.TOWNSHIP, ["人民武装部", "退役军人服务站"]),
}


def delivering_offices(item: MeritNoticeDelivery) -> list[str]:
    """The offices that deliver the notice, named after the region at the delivery level."""
    level, offices = OFFICES[DeliveryLevel(item.level)]
    code = item.region_code[: PREFIX_LENGTH[level]].ljust(12, "0")
    region = Region.objects.filter(code=code).first()
    return [f"{region.name if region else ''}{office}" for office in offices]


def records_of_person(*, user, person: Person) -> dict[str, list]:
    """For the person page's 走访 tab: what was delivered to or done for him and his household."""
    mine = Q(person=person)
    if person.household_id:
        mine |= Q(household_id=person.household_id)

    def of(queryset: QuerySet) -> list:
        return list(queryset.filter(mine).select_related("person"))

    return {
        "merit_notices": of(merit_notices_visible_to(user).select_related("award")),
        "gift_packs": of(gift_packs_visible_to(user)),
        "visits": of(visits_visible_to(user)),
    }


# --- 走访慰问活动 and 常态化联系 ------------------------------------------------------------


def campaigns_visible_to(user) -> QuerySet[VisitCampaign]:
    if not user.can(Perm.VIEW_PEOPLE):
        return VisitCampaign.objects.none()
    return visible(user, "care.VisitCampaign").select_related("region")


def get_campaign(*, user, pk: int) -> VisitCampaign:
    return get_in_scope(campaigns_visible_to(user), pk=pk)


def campaign_visits(*, user, campaign: VisitCampaign) -> QuerySet[CampaignVisit]:
    """The campaign's households the user may see, by village and grid."""
    return (
        visible(user, "care.CampaignVisit")
        .filter(campaign=campaign)
        .select_related("person", "household", "grid__village", "grid__liaison", "task__assignee")
        .order_by("region_code", "grid_id", "id")
    )


def campaign_page_visits(*, user, campaign: VisitCampaign) -> QuerySet[CampaignVisit]:
    """The households the campaign page lists: only what it shows (the person's name, the grid
    with its village and liaison). The export's wide rows — person, household, task and its
    assignee, eight model instances a row — were a third of the page's time at a county's size."""
    return (
        visible(user, "care.CampaignVisit")
        .filter(campaign=campaign)
        .select_related("person", "grid__village", "grid__liaison")
        .only(
            "household_id", "target", "status", "region_code", "person__name", "grid__name",
            "grid__village__name", "grid__liaison__display_name", "grid__liaison__username",
        )
        .order_by("region_code", "grid_id", "id")
    )  # fmt: skip


def get_campaign_visit(*, user, pk: int) -> CampaignVisit:
    return get_in_scope(
        visible(user, "care.CampaignVisit").select_related("campaign", "person", "household", "grid", "task"),
        pk=pk,
    )


# What coverage is counted by: the tally's column (or the township's 9 digits of the village's code).
COVERAGE_BY = {
    "township": Substr("region_code", 1, 9),
    "village": F("region_code"),
    "grid": F("grid_key"),
    "target": F("target"),
}


@dataclass
class Coverage:
    key: object
    label: str
    due: int
    visited: int
    refused: int
    unreachable: int

    @property
    def total(self) -> int:
        return self.due + self.visited + self.refused + self.unreachable

    @property
    def percent(self) -> int:
        return round(100 * self.visited / self.total) if self.total else 0


def coverage_default(user) -> str:
    """A county's (or a city's) officer first sees coverage by township; a station by village."""
    return "township" if any(lo[6:] == "000000" for lo, _ in user.scope_bounds) else "village"


def coverage(*, user, campaign: VisitCampaign, by: str) -> list[Coverage]:
    """Live counts of the campaign's households in the user's scope, by village, grid or group:
    one GROUP BY over the coverage tally (CoverageTally, kept by the database in the transaction
    of every write to a visit and scoped by the same kept region), so the figures are the
    visits' own count without reading 66,000 of them at a county's size."""
    column = "key"
    counts = (
        visible(user, "care.CoverageTally")
        .filter(campaign=campaign)
        .exclude(n=0)
        .order_by()
        .annotate(key=COVERAGE_BY[by])
        .values(column)
        .annotate(**{status: Coalesce(Sum("n", filter=Q(status=status)), 0) for status in VisitStatus.values})
        .order_by(column)
    )
    rows = list(counts)
    keys = [row[column] for row in rows]
    if by == "township":
        names = {
            code[:9]: name
            for code, name in Region.objects.filter(code__in=[k + "000" for k in keys]).values_list(
                "code", "name"
            )
        }
    elif by == "village":
        names = dict(Region.objects.filter(code__in=keys).values_list("code", "name"))
    elif by == "grid":
        names = {
            g.pk: str(g) for g in Grid.objects.filter(pk__in=[k for k in keys if k]).select_related("village")
        }
    else:
        names = GROUP_LABELS
    return [
        Coverage(
            key=row[column],
            label=names.get(row[column], "未划网格") if row[column] else "未划网格",
            due=row[VisitStatus.DUE],
            visited=row[VisitStatus.VISITED],
            refused=row[VisitStatus.REFUSED],
            unreachable=row[VisitStatus.UNREACHABLE],
        )
        for row in rows
    ]


def total_coverage(rows: list[Coverage]) -> Coverage:
    return Coverage(
        key=None, label="合计", due=sum(r.due for r in rows), visited=sum(r.visited for r in rows),
        refused=sum(r.refused for r in rows), unreachable=sum(r.unreachable for r in rows),
    )  # fmt: skip


def latest_run(campaign: VisitCampaign) -> CampaignRun | None:
    return campaign.runs.order_by("-id").first()


def in_grids_of(people: QuerySet[Person], grids: list[Grid]) -> QuerySet:
    """The people covered by these grids: their household placed in one of them, or — not placed,
    or without a household — living in a village whose first grid is one of them (the fallback of
    care.generation.grid_sql). Two parts, each read by its own index (the households by grid, the
    unplaced by the village's region range) and united: one OR across the person and household
    tables made both databases read every person of the scope and test each."""
    mine = {g.pk for g in grids}
    firsts = (
        Grid.objects.filter(village_id__in={g.village_id for g in grids})
        .values("village_id")
        .annotate(first=Min("id"))
    )
    villages = [row["village_id"] for row in firsts if row["first"] in mine]
    placed = people.filter(household__grid_id__in=mine).values("pk")
    unplaced = people.filter(
        Q(household__isnull=True) | Q(household__grid__isnull=True), region_id__in=villages
    )
    return placed.union(unplaced.values("pk"), all=True)


@dataclass
class Due:
    person: Person
    last_contact: object
    last_visit: object
    needs_visit: bool


def contact_villages(user) -> QuerySet[Region]:
    """The villages a user without a grid chooses from on the contact page: those of his scope
    (one for a village's liaison, a township's score for its clerk)."""
    return visible(user, "regions.Region").filter(level=Level.VILLAGE).order_by("code")


def contact_village(*, user, code: str) -> Region | None:
    """The village whose week a user without a grid reads: the one chosen (in his scope, else
    404), or his only one; None when he has several and chose none yet."""
    villages = contact_villages(user)
    if code:
        return get_in_scope(villages, code=code)
    first_two = list(villages[:2])
    return first_two[0] if len(first_two) == 1 else None


def contacts_due(
    *, user, today: datetime.date, village: Region | None = None, horizon: int = 7, limit: int = 200
) -> list[Due]:
    """The liaison's week: people kept in regular contact in his grids (else in the village
    chosen, of his scope) whose next contact falls within `horizon` days (counted from the last
    contact, or from the day he came into the group) — never contacted first, then the longest
    since. Each marked when his home visit is due too (visits.visit_days). A user without a grid
    reads one village at a time: a township's 50,000 people read at once cost 0.25–2.7 s a page
    at a million (docs/benchmarks.md), and nobody phones a township in a week.

    Two reads whatever the size, bounded by the grid's people: their current identities of the
    contact groups grouped per person, with the last contact of each holder; then the rows
    shown. Correlated subqueries per person instead cost PostgreSQL a plan expensive enough to
    be JIT-compiled on every request (0.38 s of 0.47 s at 1M, docs/benchmarks.md)."""
    people = visible(user, "people.Person")
    grids = list(Grid.objects.filter(liaison=user))
    if grids:
        people, area = in_grids_of(people, grids), grids[0].village_id
    elif village is not None:
        people, area = people.filter(region_id=village.code).values("pk"), village.code
    else:
        return []
    days = cadence(region_code=area, on=today)
    contacts = ContactLog.objects.filter(person=OuterRef("person_id")).order_by().values("person")
    held = {
        row["person_id"]: row
        for row in Identity.objects.filter(
            Identity.current_q(today), kind__in=CONTACT_KINDS, person__in=people
        )
        .order_by()
        .values("person_id")
        .annotate(
            since=Min("since"),
            priority=Count("id", filter=Q(kind=IdentityKind.PRIORITY_ENTITLED)),
            last=Subquery(contacts.annotate(m=Max("contacted_on")).values("m")),
            last_visit=Subquery(
                contacts.filter(channel=ContactChannel.VISIT).annotate(m=Max("contacted_on")).values("m")
            ),
        )
    }
    soon = today + datetime.timedelta(days=horizon)
    due = []
    for pk, row in held.items():
        last = row["last"]
        # Never contacted: the cadence counts from the day he came into the group.
        counted_from = last or row["since"]
        if counted_from < soon - datetime.timedelta(days=days["priority" if row["priority"] else "contact"]):
            due.append((last is not None, last or datetime.date.min, counted_from, pk))
    due.sort()
    shown = [pk for *_, pk in due[:limit]]
    rows = Person.objects.select_related("region").in_bulk(shown)
    visit_before = today - datetime.timedelta(days=days["visit"])
    result = []
    for pk in shown:
        last_visit = held[pk]["last_visit"]
        result.append(
            Due(person=rows[pk], last_contact=held[pk]["last"], last_visit=last_visit,
                needs_visit=last_visit is None or last_visit < visit_before)
        )  # fmt: skip
    return result


def contacts_of(*, user, person: Person) -> QuerySet[ContactLog]:
    return visible(user, "care.ContactLog").filter(person=person).select_related("recorded_by")

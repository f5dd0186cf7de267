"""Scoped reads of 走访慰问: a user sees the records of the people he may see (SCOPES: the work
follows the person), and nothing at all without the right to see people. Anything else answers 404, the same as missing."""

from __future__ import annotations

from django.db.models import CharField, F, Q, QuerySet, Value
from django.http import Http404

from yizhan.accounts.roles import Perm
from yizhan.care.models import (
    CondolenceVisit,
    DeliveryLevel,
    GiftPackDelivery,
    MeritNoticeDelivery,
    VisitReason,
)
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.people.models import Award, Person
from yizhan.regions.models import PREFIX_LENGTH, Level, Region
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

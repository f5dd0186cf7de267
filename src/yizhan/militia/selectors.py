"""Scoped reads of 民兵整组 and 应急装备 (core.scopes SCOPES: units and equipment stay with their
township; a membership follows its person)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from yizhan.core.scopes import scoped
from yizhan.core.scoping import get_in_scope
from yizhan.militia import rules
from yizhan.militia.models import Category, Equipment, Membership, Unit
from yizhan.people.models import Identity, IdentityKind, Person, Sex
from yizhan.people.selectors import people_visible_to
from yizhan.regions.models import Level, Region, scope_bounds


def townships_of(user) -> list[Region]:
    """The townships whose militia the user works on (a station's own; every one of a county). A
    village post (the 民兵连长) works in his township's: he sees there what his village holds."""
    under = Region.objects.filter(scoped(user, "regions.Region"), level=Level.TOWNSHIP).order_by("code")
    if under.exists():
        return list(under)
    around = {lo[:9] + "000" for lo, _ in getattr(user, "scope_bounds", None) or []}
    return list(Region.objects.filter(code__in=around, level=Level.TOWNSHIP).order_by("code"))


def township_for(user, code: str) -> Region | None:
    """The chosen township, else the user's first: a foreign or unknown code is answered as none chosen."""
    townships = townships_of(user)
    return next((t for t in townships if t.code == code), townships[0] if townships else None)


def default_year(today: datetime.date | None = None) -> int:
    """整组 is done at the turn of the year: from December on, the roster being drawn up is next year's."""
    today = today or timezone.localdate()
    return today.year + 1 if today.month == 12 else today.year


def units_visible_to(user) -> QuerySet[Unit]:
    return Unit.objects.filter(scoped(user, "militia.Unit"))


def units_of(user, township: Region) -> QuerySet[Unit]:
    return units_visible_to(user).filter(township=township).select_related("parent").order_by("name")


def get_unit(*, user, pk: int) -> Unit:
    return get_in_scope(units_visible_to(user).select_related("township", "parent"), pk=pk)


def memberships_visible_to(user) -> QuerySet[Membership]:
    return Membership.objects.filter(scoped(user, "militia.Membership"))


def get_membership(*, user, pk: int) -> Membership:
    return get_in_scope(memberships_visible_to(user).select_related("person", "unit"), pk=pk)


def roster(*, user, township: Region, year: int) -> QuerySet[Membership]:
    """The year's roster of a township: those on it now, veterans first, then by unit and post."""
    return (
        memberships_visible_to(user)
        .filter(unit__township=township, year=year, left_on__isnull=True)
        .select_related("person__region", "unit")
        .order_by("-is_veteran", "unit__name", "post", "person__name", "pk")
    )


def left_in(*, user, township: Region, year: int) -> QuerySet[Membership]:
    return (
        memberships_visible_to(user)
        .filter(unit__township=township, year=year, left_on__isnull=False)
        .select_related("person", "unit")
        .order_by("-left_on", "pk")
    )


@dataclass(frozen=True)
class Candidate:
    person: Person
    age: int
    is_veteran: bool
    trained: bool
    category: str  # the category he fits without widening; "" when only as a cadre or specialist

    @property
    def category_label(self) -> str:
        return Category(self.category).label if self.category else "仅可任民兵干部或专业技术民兵"


def candidates(*, user, township: Region, year: int, limit: int = 500) -> list[Candidate]:
    """The men of the township who may join the `year` roster, veterans first (militia.rules'
    limits; those serving and those already on it left out)."""
    on = datetime.date(year, 1, 1)
    rule = rules.limits(region_code=township.code, on=on)
    oldest = max(rule.backbone_widened, rule.ordinary_widened)
    lo, hi = scope_bounds(township.code)
    holds = {
        kind: Exists(Identity.objects.filter(Identity.current_q(on), person=OuterRef("pk"), kind=kind))
        for kind in (IdentityKind.VETERAN, IdentityKind.ACTIVE_SERVICEMEMBER)
    }
    people = (
        people_visible_to(user)
        .filter(
            region_id__gte=lo,
            region_id__lt=hi,
            sex=Sex.MALE,
            # born after his (oldest+1)th birthday before the day, on or before his 18th
            birth_date__gt=on.replace(year=on.year - oldest - 1),
            birth_date__lte=on.replace(year=on.year - rule.min_age),
        )
        .annotate(
            is_veteran=holds[IdentityKind.VETERAN],
            serving=holds[IdentityKind.ACTIVE_SERVICEMEMBER],
            on_roster=Exists(Membership.objects.filter(person=OuterRef("pk"), year=year)),
            trained_before=Exists(Membership.objects.filter(person=OuterRef("pk"), year__lt=year)),
        )
        .filter(serving=False, on_roster=False)
        .select_related("region")
        .order_by("-is_veteran", "-birth_date", "name", "pk")[:limit]
    )
    found = []
    for person in people:
        trained = person.is_veteran or person.trained_before
        found.append(
            Candidate(
                person=person,
                age=person.age(on),
                is_veteran=person.is_veteran,
                trained=trained,
                category=rules.suggested_category(person, on=on, rule=rule, trained=trained),
            )
        )
    return found


@dataclass(frozen=True)
class CarryOver:
    membership: Membership  # last year's
    reason: str  # why he cannot be carried into the year ("" when he can)


def carry_over(*, user, township: Region, year: int) -> list[CarryOver]:
    """Last year's roster of the township, those still on it, not yet on `year`'s: each with the
    reason militia.rules give against carrying him (his age on 1 January, serving, moved away),
    veterans first. militia.services.carry_over joins the ones without a reason."""
    on = datetime.date(year, 1, 1)
    last = (
        roster(user=user, township=township, year=year - 1)
        .exclude(person__in=Membership.objects.filter(year=year).values("person"))
        .select_related("person__region", "unit")
    )
    return [CarryOver(membership=m, reason=carry_refusal(m, year=year, on=on)) for m in last]


def carry_refusal(membership: Membership, *, year: int, on: datetime.date) -> str:
    """Why last year's member may not be carried into `year` in his unit, post and category."""
    person = membership.person
    if person.region_id[:9] + "000" != membership.unit.township_id:
        return "户籍已迁出本乡镇（街道）。"
    return rules.refusal(
        person, category=membership.category, post=membership.post, specialty=membership.specialty,
        year=year, on=on,
    )  # fmt: skip


def equipment_visible_to(user) -> QuerySet[Equipment]:
    return Equipment.objects.filter(scoped(user, "militia.Equipment"))


def equipment_of(user, township: Region) -> QuerySet[Equipment]:
    return equipment_visible_to(user).filter(township=township).prefetch_related("units", "inspections")


def get_equipment(*, user, pk: int) -> Equipment:
    return get_in_scope(equipment_visible_to(user).select_related("township"), pk=pk)

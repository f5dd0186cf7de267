"""The registry's rosters: 退役军人花名册 and 现役军人家庭名册."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Subquery

from yizhan.core.masking import mask_id_number
from yizhan.ledgers.exports.columns import Column, Ledger, itself, person_columns, phone_column, under
from yizhan.people.models import (
    INVERSE_RELATION,
    Identity,
    IdentityKind,
    Person,
    Relation,
    RelationKind,
    ServiceRecord,
)
from yizhan.people.selectors import list_people, people_visible_to
from yizhan.regions.models import Region

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
        *person_columns(itself),
        Column("民族", lambda p: p.ethnicity, 8),
        phone_column(itself),
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
    visible = under(people_visible_to(user), "region_id", region)
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

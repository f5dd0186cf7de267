"""Every write of 民兵整组 and 应急装备: keyword-only, atomic, audited in the same transaction.

Joining checks militia.rules and only then grants the 民兵 identity (source "militia:<pk>", the one
source people.services.grant_identity accepts for it); leaving ends it once no open membership is
left."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.accounts.models import User
from yizhan.audit.services import record
from yizhan.core.dates import date_problem, planning_limit, today
from yizhan.militia import rules
from yizhan.militia.models import (
    PARENT_LEVELS,
    Category,
    Condition,
    Equipment,
    Inspection,
    Membership,
    MilitiaPost,
    Specialty,
    Unit,
    UnitLevel,
)
from yizhan.people.models import IdentityKind, Person
from yizhan.people.services import audit_person, end_identity, grant_identity
from yizhan.regions.models import Region
from yizhan.text import name_problem


def township_of(person: Person) -> str:
    return person.region_id[:9] + "000"


def roster_day(year: int, joined_on: datetime.date) -> datetime.date:
    """The day a member's age is taken for the year's roster: the day he joins, but no earlier than
    1 January of that year (a roster prepared in December counts the ages of the year it is for)."""
    return max(joined_on, datetime.date(year, 1, 1))


def _text(errors: dict, field: str, value: str, message: str) -> str:
    value = value.strip()
    if not value:
        errors[field] = message
    elif problem := name_problem(value):
        errors[field] = problem
    return value


def _audit_region(actor: User | None, action: str, obj, township_code: str, changes: dict) -> None:
    record(
        actor=actor,
        action=action,
        object_type=f"militia_{obj._meta.model_name}",
        object_id=obj.pk,
        region_code=township_code,
        changes=changes,
    )


@transaction.atomic
def create_unit(
    *, actor: User | None, township: Region, name: str, level: str, parent: Unit | None = None,
    specialty: str = Specialty.GENERAL,
) -> Unit:  # fmt: skip
    errors: dict[str, str] = {}
    name = _text(errors, "name", name, "请填写单位名称。")
    if level not in UnitLevel.values:
        errors["level"] = "请选择编制（连、排、班）。"
    elif parent is None and level != UnitLevel.COMPANY:
        errors["parent"] = f"{UnitLevel(level).label}须编在上级单位之下。"
    elif parent is not None and (
        parent.township_id != township.code or parent.level not in PARENT_LEVELS[level]
    ):
        errors["parent"] = f"{UnitLevel(level).label}不能编在{parent}之下。"
    if "name" not in errors and Unit.objects.filter(township=township, name=name).exists():
        errors["name"] = "本乡镇（街道）已有同名单位。"
    if errors:
        raise ValidationError(errors)
    unit = Unit.objects.create(township=township, name=name, level=level, parent=parent, specialty=specialty)
    _audit_region(actor, "militia.unit.create", unit, township.code, {
        "name": name, "level": unit.get_level_display(), "parent": str(parent) if parent else "",
    })  # fmt: skip
    return unit


@transaction.atomic
def join(
    *,
    actor: User | None,
    person: Person,
    unit: Unit,
    year: int,
    category: str,
    joined_on: datetime.date,
    post: str = MilitiaPost.MEMBER,
    specialty: str = Specialty.GENERAL,
) -> Membership:
    """Puts `person` on the `year` roster in `unit`, or refuses with the Chinese reason (beside
    the person field) when militia.rules say he may not be militia."""
    # Locked: two clerks adding the same man at once must not both pass the once-a-year check.
    person = Person.objects.select_for_update().get(pk=person.pk)
    errors: dict[str, str] = {}
    if category not in Category.values:
        errors["category"] = "请选择民兵类别。"
    if post not in MilitiaPost.values:
        errors["post"] = "请选择职务。"
    if specialty not in Specialty.values:
        errors["specialty"] = "请选择专业。"
    # A roster may be drawn up ahead of its year (整组 in December for the next).
    if problem := date_problem(joined_on, born=person.birth_date, latest=planning_limit()):
        errors["joined_on"] = problem.replace("日期", "编入日期", 1)
    elif joined_on.year > year:
        errors["joined_on"] = f"编入日期不能晚于{year}年。"
    if unit.township_id != township_of(person):
        errors["unit"] = "该人员户籍不在此单位所在乡镇（街道），不能编入。"
    existing = Membership.objects.filter(person=person, year=year).select_related("unit").first()
    if existing is not None:
        errors["person"] = f"已编入{year}年度民兵组织（{existing.unit.name}）。"
    elif not errors:
        reason = rules.refusal(
            person,
            category=category,
            post=post,
            specialty=specialty,
            year=year,
            on=roster_day(year, joined_on),
        )
        if reason:
            errors["person"] = reason
    if errors:
        raise ValidationError(errors)
    membership = Membership.objects.create(
        person=person, year=year, unit=unit, category=category, post=post, specialty=specialty,
        is_veteran=rules.holds(person, IdentityKind.VETERAN, roster_day(year, joined_on)),
        joined_on=joined_on, recorded_by=actor,
    )  # fmt: skip
    grant_identity(
        actor=actor,
        person=person,
        kind=IdentityKind.MILITIA,
        since=joined_on,
        source=f"militia:{membership.pk}",
    )
    audit_person(actor, "militia.join", person, {
        "membership": membership.pk, "year": year, "unit": unit.name, "category": membership.get_category_display(),
        "post": membership.get_post_display(), "specialty": membership.get_specialty_display(),
    }, region_code=unit.township_id)  # fmt: skip
    return membership


def carry_over(
    *,
    actor: User | None,
    township: Region,
    memberships: list[Membership],
    year: int,
    joined_on: datetime.date,
) -> tuple[list[Membership], list[tuple[Membership, str]]]:
    """Opens `year`'s roster from last year's: each of `memberships` (militia.selectors.carry_over)
    joins again in his unit, category, post and specialty through `join` — the rules checked
    again, each join audited on its person — or stays behind with the reason. One man refused
    does not stop the others (each join is its own savepoint).

    Whoever of the township's last-year roster is then not on `year`'s leaves the militia
    through `leave` (his 民兵 identity ended by the identity service, audited): 整组 is the day
    the organisation is redrawn, and a man left out of it is no longer 民兵."""
    carried: list[Membership] = []
    refused: list[tuple[Membership, str]] = []
    for previous in memberships:
        if previous.year != year - 1 or previous.left_on is not None:
            refused.append((previous, f"不是{year - 1}年度在册民兵。"))
            continue
        try:
            with transaction.atomic():
                carried.append(
                    join(
                        actor=actor, person=previous.person, unit=previous.unit, year=year,
                        category=previous.category, joined_on=joined_on, post=previous.post,
                        specialty=previous.specialty,
                    )
                )  # fmt: skip
        except ValidationError as exc:
            refused.append((previous, "；".join(exc.messages)))
    why = {m.pk: reason for m, reason in refused}
    left_out = Membership.objects.filter(
        unit__township=township, year=year - 1, left_on__isnull=True
    ).exclude(person__in=Membership.objects.filter(year=year).values("person"))
    for previous in left_out:
        # Not after today (a roster drawn up in December for January) nor before he joined.
        left_on = max(previous.joined_on, min(joined_on, today()))
        reason = f"未编入{year}年度民兵组织（整组）" + (f"：{why[previous.pk]}" if previous.pk in why else "")
        leave(actor=actor, membership=previous, left_on=left_on, reason=reason)
    return carried, refused


@transaction.atomic
def leave(*, actor: User | None, membership: Membership, left_on: datetime.date, reason: str) -> Membership:
    """退出民兵组织: recorded with its day and reason; the 民兵 identity ends when no open
    membership of his is left."""
    membership = Membership.objects.select_for_update().select_related("person", "unit").get(pk=membership.pk)
    errors: dict[str, str] = {}
    reason = _text(errors, "reason", reason, "请填写退出原因。")
    if membership.left_on is not None:
        errors["left_on"] = "该人员已退出。"
    elif problem := date_problem(left_on, born=membership.person.birth_date):
        errors["left_on"] = problem.replace("日期", "退出日期", 1)
    elif left_on < membership.joined_on:
        errors["left_on"] = "退出日期不能早于编入日期。"
    if errors:
        raise ValidationError(errors)
    membership.left_on, membership.leave_reason = left_on, reason
    membership.save(update_fields=["left_on", "leave_reason"])
    person = membership.person
    # An earlier year's membership stays open on its roster after he was carried on from it.
    if not Membership.objects.filter(person=person, left_on__isnull=True, year__gte=membership.year).exists():
        for identity in person.identities.filter(kind=IdentityKind.MILITIA, until__isnull=True):
            end_identity(
                actor=actor,
                identity=identity,
                until=max(left_on, identity.since),
                source=f"militia:{membership.pk}",
            )
    audit_person(actor, "militia.leave", person, {
        "membership": membership.pk, "year": membership.year, "left_on": left_on.isoformat(), "reason": reason,
    }, region_code=membership.unit.township_id)  # fmt: skip
    return membership


@transaction.atomic
def register_equipment(
    *, actor: User | None, township: Region, item: str, quantity: int, unit_of_measure: str, place: str,
    condition: str = Condition.GOOD, units: list[Unit] = (),
) -> Equipment:  # fmt: skip
    errors: dict[str, str] = {}
    item = _text(errors, "item", item, "请填写装备名称。")
    place = _text(errors, "place", place, "请填写存放地点。")
    unit_of_measure = unit_of_measure.strip() or "件"
    if condition not in Condition.values:
        errors["condition"] = "请选择状况。"
    if any(u.township_id != township.code for u in units):
        errors["units"] = "使用单位须为本乡镇（街道）的民兵组织。"
    if errors:
        raise ValidationError(errors)
    equipment = Equipment.objects.create(
        township=township, item=item, quantity=quantity, unit_of_measure=unit_of_measure, place=place,
        condition=condition,
    )  # fmt: skip
    equipment.units.set(units)
    _audit_region(actor, "militia.equipment.register", equipment, township.code, {
        "item": item, "quantity": quantity, "place": place, "units": [u.name for u in units],
    })  # fmt: skip
    return equipment


@transaction.atomic
def inspect(
    *, actor: User | None, equipment: Equipment, inspected_on: datetime.date, inspector: str, condition: str,
    quantity: int, notes: str = "",
) -> Inspection:  # fmt: skip
    """A check of an item: what was counted and found becomes the register's quantity and condition."""
    equipment = Equipment.objects.select_for_update().get(pk=equipment.pk)
    errors: dict[str, str] = {}
    inspector = _text(errors, "inspector", inspector, "请填写检查人。")
    if problem := date_problem(inspected_on):
        errors["inspected_on"] = problem.replace("日期", "检查日期", 1)
    if condition not in Condition.values:
        errors["condition"] = "请选择检查结论。"
    if errors:
        raise ValidationError(errors)
    inspection = Inspection.objects.create(
        equipment=equipment, inspected_on=inspected_on, inspector=inspector, condition=condition,
        quantity=quantity, notes=notes.strip(), recorded_by=actor,
    )  # fmt: skip
    before = {"quantity": equipment.quantity, "condition": equipment.get_condition_display()}
    equipment.quantity, equipment.condition = quantity, condition
    equipment.save(update_fields=["quantity", "condition"])
    _audit_region(actor, "militia.equipment.inspect", equipment, equipment.township_id, {
        "inspected_on": inspected_on.isoformat(), "before": before,
        "after": {"quantity": quantity, "condition": equipment.get_condition_display()},
    })  # fmt: skip
    return inspection

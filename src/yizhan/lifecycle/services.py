"""Recording a domain event and applying its consequences, all in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.roles import Perm
from yizhan.audit.services import record
from yizhan.core.dates import check_date, planning_limit
from yizhan.lifecycle.calendar import forget_official_days
from yizhan.lifecycle.models import CalendarDay, DayKind, DomainEvent, EventKind
from yizhan.people import services as people_services
from yizhan.people.models import Person, Relation

# The consequence table (desk/rules.py) names every domain app's effects, so it sits above them
# all; desk's AppConfig.ready hands it to the engine here. An engine without a table must not
# record facts whose consequences silently never happen.
_rules: dict | None = None
_time_rules: list | None = None


def use_rules(*, rules: dict, time_rules: list) -> None:
    global _rules, _time_rules
    _rules, _time_rules = rules, time_rules


def rules() -> dict:
    if _rules is None:
        raise ImproperlyConfigured("业务联动规则表未载入：请在 INSTALLED_APPS 中加入 yizhan.desk。")
    return _rules


def time_rules() -> list:
    if _time_rules is None:
        raise ImproperlyConfigured("业务联动规则表未载入：请在 INSTALLED_APPS 中加入 yizhan.desk。")
    return _time_rules


@transaction.atomic
def emit(
    *, kind: str, key: str, person, occurred_on: datetime.date, actor=None, payload: dict | None = None
) -> tuple[DomainEvent, bool]:
    """Records the fact once and applies every consequence the rules table lists for it. Returns
    (event, created); a fact already recorded returns the first event and changes nothing. If
    any consequence fails, the exception rolls back the whole step, the fact included."""
    table = rules()  # before anything is written: no table, no fact
    existing = DomainEvent.objects.filter(kind=kind, key=key).first()
    if existing is not None:
        return existing, False
    event = DomainEvent(
        kind=kind,
        key=key,
        person=person,
        region_code=person.region_id,
        occurred_on=occurred_on,
        actor=actor,
        payload=payload or {},
    )
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return DomainEvent.objects.get(kind=kind, key=key), False
    record(
        actor=actor,
        action=f"event.{kind}",
        object_type="person",
        object_id=person.pk,
        region_code=person.region_id,
        changes={"event": event.pk, "key": key, "occurred_on": occurred_on.isoformat()},
    )
    for consequence in table.get(kind, []):
        consequence(event)
    return event, True


# --- facts about the family --------------------------------------------------------------


@transaction.atomic
def record_relation(
    *,
    actor: User | None,
    person: Person,
    relative: Person,
    kind: str,
    note: str = "",
    on: datetime.date | None = None,
) -> Relation:
    """A relation recorded on the person page is a fact: a wife married during his service
    becomes 军属 through the rules (RELATION_RECORDED), whichever side it is recorded from."""
    relation = people_services.add_relation(
        actor=actor, person=person, relative=relative, kind=kind, note=note
    )
    emit(
        kind=EventKind.RELATION_RECORDED,
        key=f"relation:{relation.pk}",
        person=person,
        occurred_on=on or timezone.localdate(),
        actor=actor,
        payload={"relative": relative.pk, "kind": kind},
    )
    return relation


@transaction.atomic
def remove_relation(*, actor: User | None, relation: Relation, on: datetime.date | None = None) -> None:
    """Removing a relation revokes the 军属 it gave (RELATION_REMOVED)."""
    key, person, relative, kind = f"relation:{relation.pk}", relation.person, relation.relative, relation.kind
    people_services.delete_relation(actor=actor, relation=relation)
    emit(
        kind=EventKind.RELATION_REMOVED,
        key=key,
        person=person,
        occurred_on=on or timezone.localdate(),
        actor=actor,
        payload={"relative": relative.pk, "kind": kind},
    )


# What decides whether a relative is 军人家属 besides the relation (people.selectors).
MILITARY_FAMILY_FACTS = ("birth_date", "dependent_adult")


@transaction.atomic
def update_person(*, actor: User | None, person: Person, expected_version: int, **values) -> Person:
    """The person form's save. A change to what decides 军人家属 — the birth date, or being
    recorded as unable to live independently — re-computes 军属 through the rules."""
    before = Person.objects.filter(pk=person.pk).values(*MILITARY_FAMILY_FACTS).get()
    person = people_services.update_person(
        actor=actor, person=person, expected_version=expected_version, **values
    )
    changed = [field for field in MILITARY_FAMILY_FACTS if getattr(person, field) != before[field]]
    if changed:
        emit(
            kind=EventKind.FAMILY_FACTS_CHANGED,
            key=f"person:{person.pk}:v{person.version}",
            person=person,
            occurred_on=timezone.localdate(),
            actor=actor,
            payload={"changed": changed},
        )
    return person


# --- the official calendar ------------------------------------------------------------------


def _require_calendar_keeper(actor: User) -> None:
    if not actor.can(Perm.MANAGE_SETTINGS):
        raise PermissionDenied("只有系统管理员可以维护法定节假日。")


def _calendar_changed() -> None:
    # At once for the rest of this request, and again after commit, so no process keeps a
    # calendar read in the middle of the change.
    forget_official_days()
    transaction.on_commit(forget_official_days)


@transaction.atomic
def set_calendar_day(*, actor: User, day: datetime.date, kind: str, name: str) -> CalendarDay:
    """Adds a holiday or a 调休 working day to the calendar, or changes the one on that date."""
    _require_calendar_keeper(actor)
    check_date(day, field="day", latest=planning_limit())
    name = name.strip()
    errors = {}
    if kind == DayKind.WORKDAY and day.weekday() < 5:
        errors["day"] = "调休上班日应为周六或周日（周一至周五本来就是工作日）。"
    if not name:
        errors["name"] = "请填写节日名称，如“国庆节”。"
    if errors:
        raise ValidationError(errors)
    row, created = CalendarDay.objects.update_or_create(day=day, defaults={"kind": kind, "name": name})
    record(
        actor=actor,
        action="calendar.set",
        object_type="calendar_day",
        object_id=day.isoformat(),
        changes={"kind": DayKind(kind).label, "name": name, "created": created},
    )
    _calendar_changed()
    return row


@transaction.atomic
def remove_calendar_day(*, actor: User, day: datetime.date) -> None:
    """Takes a date out of the calendar: it becomes an ordinary weekday or weekend day again."""
    _require_calendar_keeper(actor)
    row = CalendarDay.objects.filter(day=day).first()
    if row is None:
        raise ValidationError(f"{day:%Y年%-m月%-d日}不在节假日表中。")
    row.delete()
    record(
        actor=actor,
        action="calendar.remove",
        object_type="calendar_day",
        object_id=day.isoformat(),
        changes={"kind": row.get_kind_display(), "name": row.name},
    )
    _calendar_changed()

"""Recording a domain event and applying its consequences, all in one transaction."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yizhan.accounts.models import User
from yizhan.accounts.roles import Perm
from yizhan.audit.services import record
from yizhan.core.dates import check_date, planning_limit
from yizhan.lifecycle.calendar import forget_official_days
from yizhan.lifecycle.models import CalendarDay, DayKind, DomainEvent


@transaction.atomic
def emit(
    *, kind: str, key: str, person, occurred_on: datetime.date, actor=None, payload: dict | None = None
) -> tuple[DomainEvent, bool]:
    """Records the fact once and applies every consequence rules.RULES lists for it. Returns
    (event, created); a fact already recorded returns the first event and changes nothing. If
    any consequence fails, the exception rolls back the whole step, the fact included."""
    from yizhan.lifecycle.rules import RULES  # the table imports the apps it drives

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
    for consequence in RULES.get(kind, []):
        consequence(event)
    return event, True


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

"""Recording a domain event and applying its consequences, all in one transaction."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction

from yizhan.audit.services import record
from yizhan.lifecycle.models import DomainEvent


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

"""Recording a domain event and applying its consequences, all in one transaction."""

from __future__ import annotations

import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.audit.services import record
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people import services as people_services
from yizhan.people.models import Person, Relation


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

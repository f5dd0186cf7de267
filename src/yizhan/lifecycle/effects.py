"""The building blocks of rules.py: each returns a function applied to a DomainEvent inside the
transaction that recorded it. Named for what they do, so the table reads as a sentence."""

from __future__ import annotations

import datetime
from collections.abc import Callable

from yizhan.lifecycle.calendar import add_working_days, next_holiday
from yizhan.lifecycle.models import DomainEvent
from yizhan.people import selectors as people_selectors
from yizhan.people import services as people_services
from yizhan.people.models import Identity, Person
from yizhan.worklist.models import OPEN_STATUSES, Task
from yizhan.worklist.services import cancel as cancel_task
from yizhan.worklist.services import ensure_task

Effect = Callable[[DomainEvent], None]
DueRule = Callable[[DomainEvent], datetime.date]

SUBJECT, FAMILY, HOUSEHOLD = "subject", "family", "household"


def days(n: int) -> DueRule:
    return lambda event: event.occurred_on + datetime.timedelta(days=n)


def working_days(n: int) -> DueRule:
    return lambda event: add_working_days(event.occurred_on, n)


def before_holiday() -> DueRule:
    return lambda event: next_holiday(event.occurred_on)


def _family(event: DomainEvent) -> list[Person]:
    return people_selectors.military_family_of(event.person, today=event.occurred_on)


def identity(kind: str, *, of: str = SUBJECT, subtype_from: str = "") -> Effect:
    """Opens an identity on the subject or on each family member (through the subject)."""

    def apply(event: DomainEvent) -> None:
        targets = [event.person] if of == SUBJECT else _family(event)
        subtype = event.payload.get(subtype_from, "") if subtype_from else ""
        for person in targets:
            people_services.grant_identity(
                actor=event.actor,
                person=person,
                kind=kind,
                subtype=subtype,
                since=event.occurred_on,
                source=f"event:{event.pk}",
                through=event.person if of == FAMILY else None,
            )

    apply.__name__ = f"identity_{kind}_of_{of}"
    return apply


def end_identity(kind: str, *, of: str = SUBJECT) -> Effect:
    """Closes the open identity of that kind on the subject, or the ones held through him."""

    def apply(event: DomainEvent) -> None:
        if of == SUBJECT:
            held = Identity.objects.filter(person=event.person, kind=kind, until__isnull=True)
        else:
            held = Identity.objects.filter(through=event.person, kind=kind, until__isnull=True)
        for item in held:
            people_services.end_identity(
                actor=event.actor,
                identity=item,
                until=max(event.occurred_on, item.since),
                source=f"event:{event.pk}",
            )

    apply.__name__ = f"end_identity_{kind}_of_{of}"
    return apply


def task(
    kind: str, *, dept: str, due: DueRule, of: str = SUBJECT, once: str = "per_event", rule: str = ""
) -> Effect:
    """A task for the subject (or his household). once="per_event": one per fact (a second
    enlistment gets a second gift pack); once="ever": one per subject for good under `rule`
    (the plaque, shared by enlistment, discharge and death: it is never replaced)."""

    def apply(event: DomainEvent) -> None:
        person = event.person
        if of == HOUSEHOLD and person.household_id:
            subject = {"household": person.household}
        else:
            subject = {"person": person}  # no household recorded yet: the task stays with him
        ensure_task(
            kind=kind,
            rule=rule or f"{event.kind}:{kind}",
            department=dept,
            due_on=due(event),
            region_code=person.region_id,
            period="" if once == "ever" else event.key,
            cause=event,
            **subject,
        )

    apply.__name__ = f"task_{kind}"
    return apply


def open_service_record(event: DomainEvent) -> None:
    """Enlistment opens the service record (conscript unless the event says otherwise)."""
    if event.person.service_records.filter(enlisted_on=event.occurred_on).exists():
        return
    people_services.add_service_record(
        actor=event.actor,
        person=event.person,
        enlisted_on=event.occurred_on,
        service_type=event.payload.get("service_type", "conscript"),
        branch=event.payload.get("branch", ""),
    )


# What a discharge settles, carried in its event's payload and written with the discharge date.
SETTLED_ON_CLOSE = ("settlement_type", "discharge_certificate_no")


def close_service_record(event: DomainEvent) -> None:
    """Sets the discharge date on the open service record (returned recruits, discharges), and
    what the discharge settles, in one write."""
    open_record = (
        event.person.service_records.filter(discharged_on__isnull=True).order_by("-enlisted_on").first()
    )
    if open_record is not None:
        settled = {name: event.payload[name] for name in SETTLED_ON_CLOSE if event.payload.get(name)}
        people_services.close_service_record(
            actor=event.actor,
            service_record=open_record,
            on=max(event.occurred_on, open_record.enlisted_on),
            **settled,
        )


def cancel_open_tasks(*kinds: str) -> Effect:
    """Work that the fact made pointless (a returned recruit needs no gift pack) is cancelled."""

    def apply(event: DomainEvent) -> None:
        for open_task in Task.objects.filter(person=event.person, kind__in=kinds, status__in=OPEN_STATUSES):
            cancel_task(actor=event.actor, task=open_task, reason=f"{event.get_kind_display()}，无需再办")

    apply.__name__ = "cancel_open_tasks_" + "_".join(kinds)
    return apply

"""Reads for the person's timeline: each event with what it created."""

from __future__ import annotations

from dataclasses import dataclass

from yizhan.lifecycle.models import DomainEvent
from yizhan.people.models import Identity, Person
from yizhan.worklist.models import Task


@dataclass
class EventTrace:
    event: DomainEvent
    tasks: list[Task]
    identities: list[Identity]


def traces_of(person: Person) -> list[EventTrace]:
    """Events about the person, newest first, each with the tasks and identities it set off (the
    identities may belong to family members: the enlistment makes his parents 军属)."""
    events = list(DomainEvent.objects.filter(person=person).prefetch_related("tasks"))
    sources = {f"event:{e.pk}": e.pk for e in events}
    by_event: dict[int, list[Identity]] = {}
    for identity in Identity.objects.filter(source__in=sources).select_related("person"):
        by_event.setdefault(sources[identity.source], []).append(identity)
    return [EventTrace(event=e, tasks=list(e.tasks.all()), identities=by_event.get(e.pk, [])) for e in events]

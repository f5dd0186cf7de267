"""Reads for the person's timeline: each event with what it created."""

from __future__ import annotations

from dataclasses import dataclass

from yizhan.core.scopes import visible
from yizhan.lifecycle.models import DomainEvent
from yizhan.people.models import Identity, Person
from yizhan.worklist.models import Task
from yizhan.worklist.selectors import tasks_visible_to


@dataclass
class EventTrace:
    event: DomainEvent
    tasks: list[Task]
    identities: list[Identity]


def traces_of(person: Person, *, user) -> list[EventTrace]:
    """Events about the person, newest first, each with the tasks and identities it set off (the
    identities may belong to family members: the enlistment makes his parents 军属) — only the
    tasks and people the user may see."""
    events = list(DomainEvent.objects.filter(person=person))
    sources = {f"event:{e.pk}": e.pk for e in events}
    by_event: dict[int, list[Identity]] = {}
    identities = visible(user, "people.Identity").filter(source__in=sources).select_related("person")
    for identity in identities:
        by_event.setdefault(sources[identity.source], []).append(identity)
    tasks: dict[int, list[Task]] = {}
    for task in tasks_visible_to(user).filter(cause__in=events):
        tasks.setdefault(task.cause_id, []).append(task)
    return [EventTrace(event=e, tasks=tasks.get(e.pk, []), identities=by_event.get(e.pk, [])) for e in events]

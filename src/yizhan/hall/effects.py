"""What the hall contributes to the rules table (desk/rules.py): a fact recorded by a workflow
closes the case (办件) that opened the workflow for its person, or ticks its bundle step."""

from __future__ import annotations

from yizhan.hall.case_services import close_by_event
from yizhan.lifecycle.models import DomainEvent


def close_waiting_case(event: DomainEvent) -> None:
    close_by_event(event)

"""更正 / 撤销 beside each recorded fact, on whichever page shows it. A builtin of the templates
(settings.TEMPLATES): the pages of the lower apps name the fact, the top layer decides who may."""

from __future__ import annotations

from django import template
from django.urls import reverse

from yizhan.desk.correction_facts import superseded
from yizhan.desk.corrections import FACTS, correctable, fact_of_event
from yizhan.lifecycle.models import DomainEvent, EventKind

register = template.Library()

CORRECTIONS = {EventKind.FACT_CORRECTED, EventKind.FACT_WITHDRAWN}


@register.inclusion_tag("desk/_fact_actions.html", takes_context=True)
def fact_actions(context, fact: str, obj, back: str = "") -> dict:
    request = context.get("request")
    if request is None or obj is None or not correctable(request.user, fact, obj):
        return {"show": False}
    spec = FACTS[fact]
    return {
        "show": True,
        "label": spec.label,
        "correct_url": reverse(f"corrections:{fact}", args=[obj.pk, "correct"]) if spec.change else "",
        "withdraw_url": reverse(f"corrections:{fact}", args=[obj.pk, "withdraw"]) if spec.withdraw else "",
        # Back to this page — unless it answers a POST (a form shown again), where `back` says.
        "next": back or (request.get_full_path() if request.method == "GET" else ""),
    }


@register.inclusion_tag("desk/_event_actions.html", takes_context=True)
def event_actions(context, event: DomainEvent) -> dict:
    """On the timeline: a correction shows what changed, who and why; a fact no longer in
    force says so; one in force gets its 更正 / 撤销."""
    if event.kind in CORRECTIONS:
        return {"correction": event, "payload": event.payload}
    if superseded(event):
        return {"superseded": True}
    found = fact_of_event(event)
    return fact_actions(context, *found) if found else {"show": False}

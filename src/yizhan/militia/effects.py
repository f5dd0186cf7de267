"""What the militia contributes to the rules table (desk/rules.py)."""

from __future__ import annotations

from yizhan.lifecycle.models import DomainEvent
from yizhan.militia.models import Membership
from yizhan.militia.services import leave


def leave_on_enlistment(event: DomainEvent) -> None:
    """批准入伍: a serving man is not militia, so his open memberships end on the day."""
    open_memberships = Membership.objects.filter(
        person=event.person, left_on__isnull=True, joined_on__lte=event.occurred_on
    )
    for membership in open_memberships:
        leave(actor=event.actor, membership=membership, left_on=event.occurred_on, reason="批准入伍")

"""Time-driven rules of the veterans area."""

from __future__ import annotations

import datetime

from django.db import transaction

from yizhan.accounts.models import Post
from yizhan.accounts.roles import Role
from yizhan.audit.services import record
from yizhan.core.scopes import region_of
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind


def _station_head_for(region_code: str):
    """The active station head whose township covers the region, if any."""
    township = region_code[:9] + "000"
    post = (
        Post.objects.filter(Post.active_q(), role=Role.STATION_HEAD, region_id=township)
        .select_related("user")
        .first()
    )
    return post.user if post else None


@transaction.atomic
def escalate_overdue_checkins(*, today: datetime.date) -> int:
    """报到 not done within 30 days: the task goes to the station head, once."""
    escalated = 0
    for task in Task.objects.select_related("person", "household").filter(
        kind=TaskKind.DISCHARGE_CHECKIN, status__in=OPEN_STATUSES, due_on__lt=today, escalated_to_head=False
    ):
        head = _station_head_for(region_of(task, "worklist.Task"))
        task.escalated_to_head = True
        if head is not None:
            task.assignee = head
        task.save(update_fields=["escalated_to_head", "assignee"])
        record(
            actor=None,
            action="task.escalate",
            object_type="task",
            object_id=task.pk,
            region_code=task.region_code,
            changes={"to": str(head) if head else ""},
        )
        escalated += 1
    return escalated

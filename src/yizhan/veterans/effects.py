"""Time-driven rules of the veterans area."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.db.models import Q

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import Department, Role
from yizhan.audit.services import record
from yizhan.core.scopes import region_of
from yizhan.worklist.models import OPEN_STATUSES, Escalation, Task, TaskKind

# 报到 is the veterans station's work: a county officer of that side stands in for a missing head.
COUNTY_DEPARTMENTS = [Department.VETERANS, Department.BOTH]


def _holder(**where) -> User | None:
    """The user of the first active post matching `where` (posts held now, whatever day tick runs for)."""
    post = (
        Post.objects.filter(Post.active_q(), **where)
        .select_related("user")
        .order_by("started_on", "pk")
        .first()
    )
    return post.user if post else None


def _escalation_target(region_code: str) -> tuple[str, User | None]:
    """The station head of the township; while it has none, the county's veterans officer."""
    head = _holder(role=Role.STATION_HEAD, region_id=region_code[:9] + "000")
    if head is not None:
        return Escalation.HEAD, head
    officer = _holder(
        role=Role.COUNTY_OFFICER, region_id=region_code[:6] + "000000", department__in=COUNTY_DEPARTMENTS
    )
    return (Escalation.COUNTY, officer) if officer is not None else ("", None)


@transaction.atomic
def escalate_overdue_checkins(*, today: datetime.date) -> int:
    """报到 not done within 30 days goes to the station head, once. With no head it goes to the
    county officer, and on a later tick to the head appointed since; a head's task left
    unassigned (his post ended) reaches the next head the same way. Idempotent."""
    escalated = 0
    targets: dict[str, tuple[str, User | None]] = {}
    for task in Task.objects.select_related("person", "household").filter(
        ~Q(escalated_to=Escalation.HEAD) | Q(assignee__isnull=True),
        kind=TaskKind.DISCHARGE_CHECKIN,
        status__in=OPEN_STATUSES,
        due_on__lt=today,
    ):
        # The station of the veteran's current region: work follows the person (core.scopes).
        region = region_of(task, "worklist.Task")
        township = region[:9]
        if township not in targets:
            targets[township] = _escalation_target(region)
        level, user = targets[township]
        if user is None or (level == task.escalated_to == Escalation.COUNTY and task.assignee_id):
            continue  # no one to escalate to yet, or already with the county, waiting for a head
        task.escalated_to, task.assignee = level, user
        task.save(update_fields=["escalated_to", "assignee"])
        record(
            actor=None,
            action="task.escalate",
            object_type="task",
            object_id=task.pk,
            region_code=region,
            changes={"to": str(user), "level": Escalation(level).label},
        )
        escalated += 1
    return escalated

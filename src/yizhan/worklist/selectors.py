"""Scoped reads of tasks: a user sees the tasks whose subject lies under his posts' regions
(SCOPES["worklist.Task"]: the subject's current region), of his departments."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from yizhan.accounts.roles import Department, Role
from yizhan.core.scopes import within
from yizhan.core.scoping import get_in_scope
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskDepartment

# Which task departments each post department works on.
WORKS_ON = {
    Department.ARMED_FORCES: [TaskDepartment.ARMED_FORCES, TaskDepartment.JOINT],
    Department.VETERANS: [TaskDepartment.VETERANS, TaskDepartment.JOINT],
    Department.BOTH: list(TaskDepartment),
}


def tasks_visible_to(user) -> QuerySet[Task]:
    condition = Q(pk__in=[])
    for post in user.active_posts:
        if post.role == Role.SYSADMIN or post.region_id is None:
            continue
        condition |= within("worklist.Task", [post.region.bounds]) & Q(
            department__in=WORKS_ON[post.department]
        )
    return Task.objects.filter(condition)


def get_task(*, user, pk: int) -> Task:
    return get_in_scope(
        tasks_visible_to(user).select_related("person", "household", "cause", "assignee"), pk=pk
    )


def workbench(*, user) -> dict:
    """The 工作台: my open tasks, the station's unassigned ones, and counts per kind."""
    open_tasks = (
        tasks_visible_to(user)
        .filter(status__in=OPEN_STATUSES)
        .select_related("person", "household", "assignee")
    )
    mine = open_tasks.filter(assignee=user).order_by("due_on", "id")
    unassigned = open_tasks.filter(assignee__isnull=True).order_by("due_on", "id")
    counts = list(open_tasks.values("kind").annotate(n=Count("id")).order_by("kind"))
    return {"mine": list(mine[:200]), "unassigned": list(unassigned[:200]), "counts": counts}


def tasks_of_person(*, user, person) -> QuerySet[Task]:
    return (
        tasks_visible_to(user)
        .filter(Q(person=person) | Q(household_id=person.household_id, household__isnull=False))
        .order_by("-created_at")
    )


def open_work_of(post) -> QuerySet[Task]:
    """The open tasks a post's holder has taken in that post's region: what ending the post hands
    back to the station (services.hand_back), shown first as its preview."""
    if post.region_id is None:
        return Task.objects.none()
    return Task.objects.filter(
        within("worklist.Task", [post.region.bounds]), assignee=post.user, status__in=OPEN_STATUSES
    ).order_by("due_on", "pk")

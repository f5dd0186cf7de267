"""Writes on tasks: creation by rules (idempotent), claim, assign, complete, cancel, hand-back."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from yizhan.accounts import authority
from yizhan.accounts import services as account_services
from yizhan.accounts.models import Post, User
from yizhan.audit.services import record
from yizhan.core.dates import check_date
from yizhan.core.scopes import covers, region_of
from yizhan.regions.models import Grid, Region
from yizhan.worklist.models import GRID_WORK, OPEN_STATUSES, Task, TaskStatus
from yizhan.worklist.selectors import open_work_of


def _audit(actor, action: str, task: Task, changes: dict | None = None) -> None:
    record(
        actor=actor,
        action=action,
        object_type="task",
        object_id=task.pk,
        region_code=task.region_code,
        changes=changes or {},
    )


@transaction.atomic
def ensure_task(
    *,
    kind: str,
    rule: str,
    department: str,
    due_on: datetime.date,
    region_code: str,
    person=None,
    household=None,
    period: str = "",
    cause=None,
    escalated_to: str = "",
) -> tuple[Task, bool]:
    """The task for (rule, subject, period), created once: a replay or a second tick finds the
    existing row (the database's unique constraint is the final word under races)."""
    subject_key = f"person:{person.pk}" if person is not None else f"household:{household.pk}"
    existing = Task.objects.filter(rule=rule, subject_key=subject_key, period=period).first()
    if existing is not None:
        return existing, False
    task = Task(
        kind=kind, rule=rule, department=department, due_on=due_on, region_code=region_code,
        person=person, household=household, subject_key=subject_key, period=period, cause=cause,
        escalated_to=escalated_to,
    )  # fmt: skip
    try:
        with transaction.atomic():
            task.save()
    except IntegrityError:
        return Task.objects.get(rule=rule, subject_key=subject_key, period=period), False
    _audit(None, "task.create", task, {"kind": kind, "rule": rule, "due_on": due_on.isoformat()})
    return task, True


@transaction.atomic
def carry_forward(*, task: Task, due_on: datetime.date, cause=None, household=None) -> Task:
    """A task kept for good (one per subject under its rule, e.g. the 光荣牌) called for again by
    a new fact: a cancelled one is reopened for that fact, and one keyed to a person before his
    household was recorded moves to the household — so the household never gets a second one."""
    changes: dict[str, str] = {}
    if task.status == TaskStatus.CANCELLED:
        task.status, task.outcome, task.due_on, task.cause = TaskStatus.OPEN, "", due_on, cause
        task.overdue_since, task.assignee = None, None
        changes["reopened"] = due_on.isoformat()
    if household is not None and task.household_id is None and task.status in OPEN_STATUSES:
        task.household, task.subject_key = household, f"household:{household.pk}"
        changes["household"] = str(household.pk)
    if changes:
        task.save()
        _audit(None, "task.carry_forward", task, changes)
    return task


@transaction.atomic
def move_to_household(*, actor, task: Task, household, reason: str) -> Task:
    """An open household task follows the family to another household (the 光荣牌 of a family
    that moved); its region is the new household's."""
    task.household, task.subject_key, task.region_code = (
        household,
        f"household:{household.pk}",
        household.region_id,
    )
    task.save(update_fields=["household", "subject_key", "region_code"])
    _audit(actor, "task.move_household", task, {"household": str(household.pk), "reason": reason})
    return task


@transaction.atomic
def retarget(*, task: Task, cause, period: str, due_on: datetime.date) -> Task:
    """A corrected fact carries its tasks along: the same task, now caused by the corrected event
    and due from its date; one already done stays done."""
    changes = {"cause": cause.pk}
    task.cause, task.period = cause, period
    if task.status in OPEN_STATUSES and task.due_on != due_on:
        task.due_on, task.overdue_since = due_on, None
        changes["due_on"] = due_on.isoformat()
    task.save(update_fields=["cause", "period", "due_on", "overdue_since"])
    _audit(None, "task.retarget", task, changes)
    return task


@transaction.atomic
def follow_grid(*, actor, household, before: User | None, after: User | None) -> int:
    """The household went into another grid: its open grid work (GRID_WORK) that lay with the
    old grid's liaison — or with nobody — goes to the new grid's liaison (to the station's queue
    when that grid has none), to be started afresh. Work a colleague took on or was given stays
    with him: someone chose it. Returns how many tasks moved, each audited."""
    if before == after:
        return 0
    theirs = Q(assignee__isnull=True) | Q(assignee=before) if before else Q(assignee__isnull=True)
    tasks = Task.objects.filter(theirs, Task.open_q(), household=household, kind__in=GRID_WORK)
    moved = 0
    for task in tasks.order_by("id"):
        task.assignee, task.status = after, TaskStatus.OPEN
        task.save(update_fields=["assignee", "status"])
        _audit(actor, "task.follow_grid", task, {"from": str(before or ""), "to": str(after or "")})
        moved += 1
    return moved


def follow_liaison(*, actor: User | None, grid: Grid, before: User | None, after: User | None) -> int:
    """The grid's liaison changed (or the grid is new): the open grid work (GRID_WORK) of the
    households it covers that lay with the old liaison — or with nobody — goes to the new one
    (to the station's queue when there is none), as follow_grid does for a household that moves.
    A grid covers its placed households and, when it is its village's first grid, the village's
    unplaced households and the people without one (care.selectors.in_grids_of). Work a
    colleague took on or was given stays with him. Returns how many tasks moved, each audited."""
    if before == after:
        return 0
    covered = Q(household__grid=grid)
    first = (
        Grid.objects.filter(village_id=grid.village_id).order_by("id").values_list("id", flat=True).first()
    )
    if grid.pk == first:
        covered |= Q(household__grid__isnull=True, household__region_id=grid.village_id)
        covered |= Q(household__isnull=True, person__region_id=grid.village_id)
    theirs = Q(assignee__isnull=True) | Q(assignee=before) if before else Q(assignee__isnull=True)
    moved = 0
    for task in Task.objects.filter(covered, theirs, Task.open_q(), kind__in=GRID_WORK).order_by("id"):
        task.assignee, task.status = after, TaskStatus.OPEN
        task.save(update_fields=["assignee", "status"])
        _audit(actor, "task.follow_liaison", task, {"from": str(before or ""), "to": str(after or "")})
        moved += 1
    return moved


@transaction.atomic
def save_grid_and_hand_over(
    *, actor: User | None, village: Region, name: str, liaison: User | None, grid: Grid | None = None
) -> Grid:
    """Saves a grid (accounts.services.save_grid) and hands the open visit and contact work of
    the households it covers to its liaison when he changed, or when a new grid takes over a
    village's unplaced households (follow_liaison): the old liaison's list would otherwise keep
    work that is no longer his, and a new one's start empty. Here, as end_post is: worklist
    builds on accounts."""
    before = grid.liaison if grid is not None else None
    saved = account_services.save_grid(actor=actor, village=village, name=name, liaison=liaison, grid=grid)
    follow_liaison(actor=actor, grid=saved, before=before, after=saved.liaison)
    return saved


@transaction.atomic
def reopen(*, actor: User | None, task: Task, reason: str) -> Task:
    """The record that closed the task was withdrawn: the work is to be done again."""
    if task.status in OPEN_STATUSES:
        return task
    task.status, task.completed_at, task.completed_by = TaskStatus.OPEN, None, None
    task.outcome = task.cancelled_by = ""
    task.save(update_fields=["status", "completed_at", "completed_by", "outcome", "cancelled_by"])
    _audit(actor, "task.reopen", task, {"reason": reason})
    return task


def _station_colleague(actor: User, task: Task, assignee: User) -> bool:
    """The assignee holds an active post whose region covers the task's subject."""
    return covers(assignee.scope_bounds, region_of(task, "worklist.Task"))


def _check_open(task: Task) -> None:
    if task.status not in OPEN_STATUSES:
        raise ValidationError(f"该待办已{task.get_status_display()}，不能再办理。")


@transaction.atomic
def claim(*, actor: User, task: Task) -> Task:
    _check_open(task)
    task.assignee = actor
    task.status = TaskStatus.IN_PROGRESS
    task.save(update_fields=["assignee", "status"])
    _audit(actor, "task.claim", task)
    return task


@transaction.atomic
def assign(*, actor: User, task: Task, assignee: User) -> Task:
    _check_open(task)
    if not _station_colleague(actor, task, assignee):
        raise PermissionDenied("只能指派给本站（辖区内）的工作人员。")
    task.assignee = assignee
    task.save(update_fields=["assignee"])
    _audit(actor, "task.assign", task, {"assignee": str(assignee)})
    return task


@transaction.atomic
def complete(*, actor: User, task: Task, outcome: str, on: datetime.date | None = None) -> Task:
    """Closes a task with what was done. Work forms (plaque hanging, check-in …) call this in the
    same transaction as the record they write, so doing the work is what closes the task."""
    check_date(on, field="done_on")
    _check_open(task)
    if not outcome.strip():
        raise ValidationError({"outcome": "请填写办理结果。"})
    task.status = TaskStatus.DONE
    task.outcome = outcome.strip()
    task.completed_at = timezone.now()
    task.completed_by = actor
    if task.assignee_id is None:
        task.assignee = actor
    task.save(update_fields=["status", "outcome", "completed_at", "completed_by", "assignee"])
    _audit(
        actor,
        "task.complete",
        task,
        {"outcome": task.outcome, "on": (on or timezone.localdate()).isoformat()},
    )
    return task


@transaction.atomic
def cancel(*, actor: User | None, task: Task, reason: str, by: str = "") -> Task:
    """`by` is the "event:<pk>" of the fact that made the work pointless, when a fact did."""
    _check_open(task)
    task.status = TaskStatus.CANCELLED
    task.outcome, task.cancelled_by = reason, by
    task.save(update_fields=["status", "outcome", "cancelled_by"])
    _audit(actor, "task.cancel", task, {"reason": reason})
    return task


@transaction.atomic
def hand_back(*, actor: User | None, post: Post) -> int:
    """Caseload handover: when a post ends, its holder's open tasks in that post's region go back
    to the station's unassigned queue."""
    tasks = list(open_work_of(post))
    for task in tasks:
        task.assignee = None
        task.status = TaskStatus.OPEN
        task.save(update_fields=["assignee", "status"])
        _audit(actor, "task.hand_back", task, {"from": str(post.user)})
    return len(tasks)


@transaction.atomic
def end_post(*, actor: User | None, post: Post, on: datetime.date | None = None) -> Post:
    """Ends a post and hands its open work back to the station (caseload handover). Here, not in
    accounts: worklist builds on accounts, and a post must never end with its tasks stranded.
    Only someone who may give that post ends it (accounts.authority)."""
    authority.check(authority.may_end(actor, post))
    post.ended_on = on or timezone.localdate()
    post.save(update_fields=["ended_on"])
    handed_back = hand_back(actor=actor, post=post)
    record(
        actor=actor,
        action="post.end",
        object_type="post",
        object_id=post.pk,
        region_code=post.region_id or "",
        changes={"ended_on": post.ended_on.isoformat(), "tasks_handed_back": handed_back},
    )
    return post


@transaction.atomic
def mark_overdue(*, today: datetime.date) -> int:
    """Stamps open tasks past their due date; already stamped ones are left as they are."""
    overdue = list(
        Task.objects.filter(
            status__in=OPEN_STATUSES, due_on__lt=today, overdue_since__isnull=True
        ).values_list("pk", flat=True)
    )
    if overdue:
        Task.objects.filter(pk__in=overdue).update(overdue_since=today)
        record(
            actor=None,
            action="task.overdue",
            object_type="task",
            changes={"tasks": overdue, "on": today.isoformat()},
        )
    return len(overdue)

"""The worklist pages: the task list, one task, and the actions on it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.models import Post, User
from yizhan.core.scopes import covers, region_of
from yizhan.core.scoping import get_in_scope
from yizhan.worklist import selectors, services
from yizhan.worklist.forms import BulkForm, CompleteForm
from yizhan.worklist.links import work_url
from yizhan.worklist.models import OPEN_STATUSES, Task


def colleagues_of(user: User, task: Task | None = None):
    """Staff holding an active post in a region that covers the user's station(s) (and the task's
    subject, when one is named)."""
    bounds = [p.region.bounds for p in user.active_posts if p.region_id]
    subject_code = region_of(task, "worklist.Task") if task is not None else None
    ids = set()
    for post in Post.objects.filter(Post.active_q(), region__isnull=False).select_related("region", "user"):
        if covers(bounds, post.region_id) and (
            subject_code is None or covers([post.region.bounds], subject_code)
        ):
            ids.add(post.user_id)
    return User.objects.filter(pk__in=ids).order_by("username")


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = selectors.tasks_visible_to(request.user).select_related("person", "household", "assignee")
    status = request.GET.get("status", "open")
    tasks = (
        tasks.filter(status__in=OPEN_STATUSES)
        if status == "open"
        else tasks.exclude(status__in=OPEN_STATUSES)
    )
    kind = request.GET.get("kind", "")
    if kind:
        tasks = tasks.filter(kind=kind)
    return render(
        request,
        "worklist/list.html",
        {
            "tasks": tasks.order_by("due_on", "id")[:500],
            "status": status,
            "kind": kind,
            "today": timezone.localdate(),
        },
    )


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task(user=request.user, pk=pk)
    form = CompleteForm(initial={"done_on": timezone.localdate()})
    return render(
        request,
        "worklist/detail.html",
        {
            "task": task,
            "form": form,
            "colleagues": colleagues_of(request.user, task),
            "today": timezone.localdate(),
            "work_url": work_url(task),
        },
    )


@login_required
@require_POST
def task_claim(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task(user=request.user, pk=pk)
    try:
        services.claim(actor=request.user, task=task)
        messages.success(request, f"已认领：{task}")
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return (
        redirect("core:home")
        if request.POST.get("from") == "home"
        else redirect("worklist:detail", pk=task.pk)
    )


@login_required
@require_POST
def task_assign(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task(user=request.user, pk=pk)
    assignee = get_in_scope(colleagues_of(request.user, task), pk=request.POST.get("assignee") or 0)
    try:
        services.assign(actor=request.user, task=task, assignee=assignee)
        messages.success(request, f"已指派给 {assignee}")
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, str(exc))
    return redirect("worklist:detail", pk=task.pk)


@login_required
@require_POST
def task_complete(request: HttpRequest, pk: int) -> HttpResponse:
    task = selectors.get_task(user=request.user, pk=pk)
    form = CompleteForm(request.POST)
    if form.is_valid():
        try:
            services.complete(
                actor=request.user,
                task=task,
                outcome=form.cleaned_data["outcome"],
                on=form.cleaned_data["done_on"],
            )
        except ValidationError as exc:
            form.add_error(None, exc.messages)
        else:
            messages.success(request, f"已办结：{task}")
            return redirect("core:home")
    return render(
        request,
        "worklist/detail.html",
        {"task": task, "form": form, "colleagues": colleagues_of(request.user, task)},
        status=400,
    )


@login_required
@require_POST
def bulk(request: HttpRequest) -> HttpResponse:
    visible = selectors.tasks_visible_to(request.user).filter(status__in=OPEN_STATUSES)
    form = BulkForm(request.POST, tasks=visible)
    if not form.is_valid():
        messages.error(request, "请先勾选待办事项并选择操作。")
        return redirect("core:home")
    action, tasks = form.cleaned_data["action"], list(form.cleaned_data["tasks"])
    assignee = None
    if action == "assign":
        assignee = get_in_scope(colleagues_of(request.user), pk=form.cleaned_data["assignee"] or 0)
    if action == "complete" and not form.cleaned_data["outcome"].strip():
        messages.error(request, "批量办结须填写办理结果。")
        return redirect("core:home")
    with transaction.atomic():
        for task in tasks:
            if action == "claim":
                services.claim(actor=request.user, task=task)
            elif action == "assign":
                services.assign(actor=request.user, task=task, assignee=assignee)
            else:
                services.complete(actor=request.user, task=task, outcome=form.cleaned_data["outcome"])
    messages.success(request, f"已对 {len(tasks)} 项待办执行“{dict(BulkForm.ACTIONS)[action]}”。")
    return redirect("core:home")

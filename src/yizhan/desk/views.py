"""The site's own pages: the health checks, and the 工作台 and menu areas, which gather what several
apps hold for the user's desk (DESIGN.md: desk/ is the top layer)."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache

from yizhan.benefits.models import BatchStatus
from yizhan.benefits.selectors import batches_waiting_for
from yizhan.conscription.selectors import campaigns_to_split, must_register, works_on_conscription
from yizhan.hall.case_selectors import overdue_count
from yizhan.veterans.models import CardStatus
from yizhan.veterans.selectors import cards_waiting_for
from yizhan.worklist.selectors import workbench
from yizhan.worklist.views import colleagues_of

_migrated = False


def _fully_migrated() -> bool:
    # Migrations are only ever applied, never undone under a running server: once true, stays true.
    global _migrated
    if not _migrated:
        executor = MigrationExecutor(connection)
        _migrated = not executor.migration_plan(executor.loader.graph.leaf_nodes())
    return _migrated


def ping(request: HttpRequest) -> HttpResponse:
    """No database, no session: what a load balancer (and the benchmark's ceiling) calls."""
    return HttpResponse("ok", content_type="text/plain")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        if not _fully_migrated():
            return JsonResponse({"status": "error", "detail": "数据库迁移未完成"}, status=503)
    except DatabaseError:
        return JsonResponse({"status": "error", "detail": "数据库无法连接"}, status=503)
    return JsonResponse({"status": "ok"})


@dataclass(frozen=True)
class Waiting:
    label: str
    count: int
    url: str


# What a card in each status waits for, said from the office whose step it is (CARD_FLOW).
CARD_WAITING = {
    CardStatus.ACCEPTED: "优待证已受理，待报县级审核",
    CardStatus.COUNTY_REVIEW: "优待证待县级审核",
    CardStatus.IN_PRODUCTION: "优待证制卡中，待登记到县",
    CardStatus.ARRIVED: "优待证已到县，待签收发放",
    CardStatus.RETURNED: "优待证已退回，待重新受理",
}
BATCH_WAITING = {BatchStatus.DRAFT: "优待金批次待审核", BatchStatus.REVIEWED: "优待金批次待登记发放"}


def waiting_for(user) -> list[Waiting]:
    """Besides tasks, what waits for the user's office, with counts: the cards at its step of the
    card table, the intakes whose quota it has not yet split among the townships, the payment
    batches it has to review or pay. A county officer's desk is mostly this."""
    cards = reverse("veterans:cards")
    rows = [
        Waiting(CARD_WAITING[status], n, f"{cards}?status={status}")
        for status, n in cards_waiting_for(user=user).items()
    ]
    rows += [
        Waiting(f"{c}：征集任务待分配到乡镇（已分配 {c.assigned or 0} / {c.quota}）", c.quota - (c.assigned or 0),
                reverse("conscription:campaign", args=[c.pk]))
        for c in campaigns_to_split(user)
    ]  # fmt: skip
    rows += [
        Waiting(BATCH_WAITING[status], n, reverse("benefits:batches"))
        for status, n in batches_waiting_for(user=user).items()
    ]
    late = overdue_count(user)
    if late:
        rows.append(Waiting("承诺件已超期，待办结", late, reverse("hall_cases:list") + "?overdue=1"))
    return rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"posts": request.user.active_posts, "today": timezone.localdate()}
    context.update(workbench(user=request.user))
    context["colleagues"] = colleagues_of(request.user)
    context["waiting"] = waiting_for(request.user)
    if works_on_conscription(request.user):
        # 应登未登: this year's males who must register and have not, on the station's desk.
        context["must_register"] = must_register(request.user, context["today"].year).count()
    return render(request, "desk/home.html", context)

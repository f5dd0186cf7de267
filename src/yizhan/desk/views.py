"""The site's own pages: the health checks, and the 工作台 and menu areas, which gather what several
apps hold for the user's desk (DESIGN.md: desk/ is the top layer)."""

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache

from yizhan.conscription.selectors import must_register, works_on_conscription
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


@login_required
def home(request: HttpRequest) -> HttpResponse:
    context = {"posts": request.user.active_posts, "today": timezone.localdate()}
    context.update(workbench(user=request.user))
    context["colleagues"] = colleagues_of(request.user)
    if works_on_conscription(request.user):
        # 应登未登: this year's males who must register and have not, on the station's desk.
        context["must_register"] = must_register(request.user, context["today"].year).count()
    return render(request, "desk/home.html", context)


@login_required
def area(request: HttpRequest, key: str) -> HttpResponse:
    shown = {k: label for k, label, _ in request.user.menu_areas}
    if key not in shown:
        raise Http404
    context = {"area_key": key, "area_label": shown[key]}
    return render(request, "desk/area.html", context)

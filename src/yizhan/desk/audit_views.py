from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from yizhan.accounts.roles import Perm
from yizhan.desk.selectors import events_visible_to


@login_required
def event_list(request: HttpRequest) -> HttpResponse:
    if not request.user.can(Perm.VIEW_AUDIT):
        raise PermissionDenied("您的岗位不能查看审计记录。")
    events = events_visible_to(request.user).order_by("-id")
    action = request.GET.get("action", "").strip()
    if action:
        events = events.filter(action__startswith=action)
    page = Paginator(events, 50).get_page(request.GET.get("page"))
    return render(request, "audit/list.html", {"page": page, "action": action})

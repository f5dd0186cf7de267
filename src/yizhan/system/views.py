from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from yizhan.system.sections import sections_for


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if "system" not in {key for key, _label, _url in request.user.menu_areas}:
        raise Http404
    return render(request, "system/index.html", {"area_key": "system", "links": sections_for(request.user)})

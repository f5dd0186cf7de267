"""The device pages: the activation form a station head uses once on a new screen, and the
device's own page (what a kiosk or screen shows before the hall and dashboard pages exist: the
station it belongs to, and no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yizhan.accounts.devices import COOKIE, COOKIE_AGE, device_for, device_required


@require_http_methods(["GET", "POST"])
def device_activate(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if device_for(token) is not None:
            response = redirect("accounts:device")
            response.set_cookie(
                COOKIE, token, max_age=COOKIE_AGE, httponly=True, samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
            return response
        error = "设备令牌无效或已吊销。"
    return render(request, "accounts/device_activate.html", {"error": error})


@device_required
def device_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/device.html", {"device": request.device})

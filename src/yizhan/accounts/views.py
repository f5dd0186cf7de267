"""The change-password page, and the device pages: the activation form a station head uses once on a new screen, and the
device's own page (what a kiosk or screen shows before the hall and dashboard pages exist: the
station it belongs to, and no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from yizhan.accounts.devices import COOKIE, COOKIE_AGE, device_for, device_required
from yizhan.accounts.forms import PasswordChangeForm
from yizhan.accounts.services import change_password


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Every user's own password; the page a first or reset password leads to."""
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        change_password(actor=request.user, user=request.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, request.user)
        messages.success(request, "密码已修改。")
        return redirect("core:home")
    return render(request, "accounts/password_change.html", {"form": form})


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

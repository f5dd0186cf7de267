"""The signed-in user's gates, on every request: a session past its idle or absolute limit is
ended; then, until done, the second factor, a password that must change, and the enrolment of
a second factor the role requires — each leaves the user nowhere but its own page (and logout)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from yizhan.accounts import otp, sessions
from yizhan.accounts.services import password_expired


@cache
def _open_paths() -> tuple[str, ...]:
    """Pages a gated user may still open."""
    names = ["accounts:logout", "accounts:otp_verify", "accounts:otp_setup", "accounts:password_change"]
    return (*(reverse(name) for name in names), settings.STATIC_URL)


def password_to_change(request: HttpRequest) -> str:
    """Why this user must change his password now ("first" or "expired"), or ""."""
    user = request.user
    if user.must_change_password:
        return "first"
    if password_expired(user) and not request.session.get(sessions.DEMO_PASSWORD):
        return "expired"
    return ""


def gate_for(request: HttpRequest) -> str | None:
    """The page this user must pass before any other, if any."""
    user = request.user
    if not user.is_verified() and otp.enabled(user):
        return "accounts:otp_verify"
    if password_to_change(request):
        return "accounts:password_change"
    if otp.required_for(user) and not user.is_verified():
        return "accounts:otp_setup"
    return None


def session_guard(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        if not request.user.is_authenticated:
            return get_response(request)
        over = sessions.over_limit(request.session)
        if over is not None:
            request.logout_reason = over  # the logout audit row says why
            logout(request)
            messages.info(request, sessions.ENDED_BECAUSE[over])
            return redirect(f"{reverse('accounts:login')}?{urlencode({'next': request.get_full_path()})}")
        sessions.touch(request.session)
        gate = gate_for(request)
        if gate is not None and not request.path.startswith(_open_paths()):
            return redirect(gate)
        return get_response(request)

    return middleware

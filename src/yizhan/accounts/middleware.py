"""A first password (or a reset one) is only good for choosing a new one: until the holder has
changed it, every page but the change-password page and signing out leads there."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import reverse


def must_change_password(get_response):
    def middleware(request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.must_change_password:
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("accounts:password_change")
        return get_response(request)

    return middleware

"""The Content-Security-Policy on every response (pages, files, static, errors), and no copy of
a signed-in user's pages kept by the browser or a proxy.

Scripts and styles from this server only: no inline script, no inline style, no eval, nothing
from a CDN; no plugins; never framed. A page that needs behaviour declares it in data attributes
(yizhan/app.js wires them), and its layout lives in a stylesheet. tests/e2e/test_csp.py opens every
page and records any violation.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",  # data: for Bootstrap's and Swagger UI's inline SVG icons
        "object-src 'none'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
)


def content_security_policy(get_response: Callable[[HttpRequest], HttpResponse]):
    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        response.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response

    return middleware


def no_store_when_signed_in(get_response: Callable[[HttpRequest], HttpResponse]):
    """Every answer to a signed-in user may carry personal data (pages, documents, exports):
    `Cache-Control: private, no-store`, so the back button after signing out, a shared computer's cache or
    a proxy keeps none of it. Static files never reach here (WhiteNoise answers them first)."""

    def middleware(request: HttpRequest) -> HttpResponse:
        response = get_response(request)
        if request.user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response

    return middleware

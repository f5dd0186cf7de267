"""The Content-Security-Policy on every response (pages, files, static, errors).

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

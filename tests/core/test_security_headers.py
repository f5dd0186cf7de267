"""The Content-Security-Policy and nosniff on every response; /api/docs for signed-in staff only,
with its Swagger UI from our own static files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from yizhan.core.middleware import CONTENT_SECURITY_POLICY

DIRECTIVES = [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "object-src 'none'",
    "frame-ancestors 'none'",
]


@pytest.mark.parametrize(
    "url", ["/", "/accounts/login/", "/healthz", "/no-such-page/", "/static/yizhan/app.js"]
)
def test_every_response_carries_the_policy_and_nosniff(client, db, url):
    response = client.get(url)
    assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    for directive in DIRECTIVES:
        assert directive in response["Content-Security-Policy"].split("; ")
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY and "unsafe-eval" not in CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("url", ["/api/docs", "/api/openapi.json"])
def test_the_api_docs_need_a_login(client, db, url):
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_the_api_docs_load_swagger_ui_from_our_static_files_without_inline_script(login_as):
    page = login_as("xinhu_clerk").get("/api/docs").content.decode()
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page
    assert "/static/vendor/swagger-ui/swagger-ui.css" in page
    assert "http://" not in page and "https://" not in page
    assert "<script>" not in page and "style=" not in page
    assert login_as("xinhu_clerk").get("/api/openapi.json").json()["info"]["title"] == "一站 Yizhan API"


SRC = Path(__file__).resolve().parents[2] / "src" / "yizhan"
# What the policy refuses in markup: a <script> without src (JSON data blocks are not run), a
# <style> element, a style="" attribute, an on…="" handler, a javascript: URL.
INLINE = re.compile(
    r"""<script(?![^>]*\bsrc=)(?![^>]*type=["']application/json)[^>]*>|<style[\s>]|\sstyle=|\son[a-z]+\s*=|javascript:""",
    re.IGNORECASE,
)


def test_no_template_carries_inline_script_style_or_handlers():
    templates = list(SRC.rglob("templates/**/*.html"))
    assert len(templates) > 40
    offenders = {
        str(t.relative_to(SRC)): INLINE.findall(t.read_text())
        for t in templates
        if INLINE.search(t.read_text())
    }
    assert offenders == {}


def test_the_inline_check_would_catch_each_form():
    for markup in [
        "<script>x()</script>",
        "<style>p{}</style>",
        '<p style="x">',
        '<a onclick="x">',
        '<a href="javascript:x">',
    ]:
        assert INLINE.search(markup), markup
    for markup in [
        '<script src="/static/a.js" defer></script>',
        '<script type="application/json" id="d">',
        '<p data-style="x">',
    ]:
        assert not INLINE.search(markup), markup

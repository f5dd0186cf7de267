"""Every page under the Content-Security-Policy, in a real browser: no violation anywhere.

Driven from the URL resolver, as tests/test_jurisdiction.py is: every GET URL without parameters
for several personas, and one object page per id- or slug-taking pattern (the 花桥 objects of the
jurisdiction walk, seen by 花桥's own clerk). Violations are collected from `securitypolicyviolation`
events and from the console.
"""

from __future__ import annotations

import pytest
from django.urls import get_resolver

from tests.test_jurisdiction import fillings, routes, walk, worlds  # noqa: F401 — worlds: fixture
from yizhan.desk.person import TABS
from yizhan.ledgers.exports.registry import LEDGERS
from yizhan.reports.pages import DASHBOARDS

WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
"""
# Not pages: they sign out, or answer a POST only.
SKIP = {"accounts/logout/", "tasks/bulk/"}


def plain_urls() -> list[str]:
    return ["/" + route for route, entry in walk(get_resolver()) if "<" not in route and route not in SKIP]


def object_urls(world: dict) -> list[str]:
    # A stored document is a file (an image or an attachment), not a page.
    urls = [
        next(fillings(route, params, world))
        for route, params, _ in routes()
        if params and "document_pk" not in params
    ]
    person = world["people.Person"][0].pk
    urls += [f"/people/{person}/?tab={key}" for key, _ in TABS]
    urls += [f"/ledgers/exports/{slug}/" for slug in LEDGERS]
    urls += [f"/ledgers/exports/{slug}/print/" for slug in LEDGERS]
    urls += [f"/reports/{key}/" for key, *_ in DASHBOARDS]
    return urls


def visit_all(page, base: str, urls: list[str]) -> tuple[dict[str, list[str]], int]:
    """({url: violations} for every page with one, the number of pages opened)"""
    console: list[str] = []
    opened = 0
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    found: dict[str, list[str]] = {}
    for url in urls:
        # Only our pages: a file, a JSON answer or a bare error (405 for a GET on a POST-only URL,
        # which Chromium would replace with its own page) is not opened.
        answer = page.request.get(base + url)
        if answer.status != 200 or not answer.headers.get("content-type", "").startswith("text/html"):
            continue
        console.clear()
        page.goto(base + url, wait_until="load")
        opened += 1
        seen = page.evaluate("window.__csp || []")
        seen += [text for text in console if "Content Security Policy" in text]
        if seen:
            found[url] = seen
    return found, opened


@pytest.mark.parametrize("username", ["xinhu_head", "xinhu_village", "decheng", "admin"])
def test_no_page_without_parameters_violates_the_policy(page, live_server, sign_in, username):
    sign_in(page, username)
    found, opened = visit_all(page, live_server.url, plain_urls())
    assert found == {}
    assert opened >= (3 if username == "admin" else 8)


def test_no_object_page_violates_the_policy(page, live_server, sign_in, worlds):  # noqa: F811
    _, foreign = worlds
    sign_in(page, "huaqiao_clerk")  # the 花桥 objects are his own
    found, opened = visit_all(page, live_server.url, object_urls(foreign))
    assert found == {}
    assert opened > 30


def test_a_violation_would_be_seen(page, live_server, sign_in):
    """The watch works: an inline script added to a page is refused and recorded."""
    sign_in(page, "xinhu_head")
    page.add_init_script(WATCH)
    page.goto(live_server.url + "/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "1"; document.body.append(s); }"""
    )
    page.wait_for_function("window.__csp.length > 0")
    assert page.evaluate("window.__csp")[0].startswith("script-src")


def test_the_api_docs_render_swagger_ui_under_the_policy(page, live_server, sign_in):
    sign_in(page, "xinhu_head")
    assert visit_all(page, live_server.url, ["/api/docs"]) == ({}, 1)
    page.get_by_text("一站 Yizhan API").first.wait_for()

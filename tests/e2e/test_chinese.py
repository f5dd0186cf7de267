"""Chinese everywhere: a real browser opens every page of the demo, as each demo persona, and
fails on any code or English in what the page shows.

The world is the demo itself (`seed_demo`), so the pages meet real objects. Every URL pattern is
opened (driven from the resolver, as tests/test_jurisdiction.py is) with objects the persona
sees: for an id, a few rows of its model and one of each kind, status or identity, so a work
form that opens only for a task of its kind is met too. What the page shows is every text node
and every placeholder, title, label and button text — except inside <code>, which marks a value
someone typed that need not be Chinese (a user name, a user agent). On it:
- no snake_case token (an identifier: `enlistment_approved`, `in_production`);
- no Latin word but the few abbreviations Chinese offices write as they are (ID, IP, PDF …);
- no date written as 2026-12-01: one date format on screen, 2026年12月1日.
The failure names every page and token at once, so a page added later is quick to fix.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict

import pytest
from django.core.management import call_command
from django.db.models import Min
from django.test import Client
from django.urls import get_resolver

from tests.test_jurisdiction import LITERALS, PARAMETERS, PK_BY_SECTION, walk
from yizhan.accounts.models import User
from yizhan.core.scopes import visible
from yizhan.system.views_security import tokens_of

PERSONAS = ["admin", "decheng", "xinhu_head", "xinhu_clerk", "xinhu_village", "huaqiao_clerk"]
# Not pages of the UI: signing out, the health probes, the JSON API and its own docs page.
SKIP = ("accounts/logout/", "healthz", "ping", "api/")
# A model's rows that show differently: one of each value of these fields is opened.
VARIETY = ("kind", "status", "stage", "level", "card_type", "identities__kind")
# Written in Latin letters in Chinese offices' own forms: abbreviations, file types, paper and
# byte sizes, character sets; and the search box's example of pinyin initials (scw → 商春旺).
ABBREVIATIONS = {
    "ID", "IP", "API", "PDF", "PNG", "JPEG", "JPG", "Excel", "xlsx", "xls", "csv", "CSV",
    "A4", "KB", "MB", "UTF", "GBK", "scw",
}  # fmt: skip
SNAKE = re.compile(r"[A-Za-z0-9]+(?:_[A-Za-z0-9]+)+")
LATIN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?![A-Za-z])")
ISO_DATE = re.compile(r"(?<!\d)\d{4}-\d{1,2}-\d{1,2}(?!\d)")

SHOWN = """() => {
  const skip = new Set(["SCRIPT", "STYLE", "CODE", "NOSCRIPT", "TEMPLATE"]);
  const shown = [document.title];
  const attributes = ["placeholder", "title", "aria-label", "alt", "data-confirm"];
  const walk = (node) => {
    for (const child of node.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) {
        const text = child.textContent.trim();
        if (text) shown.push(text);
      } else if (child.nodeType === Node.ELEMENT_NODE && !skip.has(child.tagName)) {
        for (const name of attributes) if (child.getAttribute(name)) shown.push(child.getAttribute(name));
        if (child.matches("input[type=submit], input[type=button]")) shown.push(child.value);
        walk(child);
      }
    }
  };
  walk(document.body);
  return shown;
}"""


def problems_in(text: str) -> list[str]:
    """The tokens of a shown text that are code or English, or a date in the wrong format."""
    found = [match.group() for match in SNAKE.finditer(text)]
    for match in LATIN.finditer(text):
        word, before = match.group(), text[: match.start()]
        # The check letter of an ID number (371402********123X) belongs to the number.
        if word in ABBREVIATIONS or (word == "X" and before[-1:].isdigit()):
            continue
        if not any(word in token.split("_") for token in found):
            found.append(word)
    found += [f"{match.group()}（日期应写作 2026年12月1日）" for match in ISO_DATE.finditer(text)]
    return found


def test_the_token_check_catches_code_english_and_iso_dates():
    assert problems_in("规则 enlistment_approved:gift_pack") == ["enlistment_approved", "gift_pack"]
    assert problems_in("证件类型 veteran") == ["veteran"]
    assert problems_in("性别 M") == ["M"]
    assert problems_in("This field is required.") == ["This", "field", "is", "required"]
    assert problems_in("受理 2026-12-01") == ["2026-12-01（日期应写作 2026年12月1日）"]
    assert problems_in("371402********123X · IP 127.0.0.1 · 2026年12月1日 · 导出 Excel") == []


def label_of(route: str, name: str) -> str:
    return PK_BY_SECTION[route.split("/", 1)[0]] if name == "pk" else PARAMETERS[name]


def samples(user: User, label: str) -> list[int]:
    """A few rows of the model the user sees, and one of each kind/status/identity."""
    if label == "accounts.User":  # an account is reached through its posts (core/scopes.py)
        rows = User.objects.filter(pk__in=visible(user, "accounts.Post").values("user"))
    elif label == "accounts.ApiToken":  # no region: the administrators' alone (system/views_security.py)
        rows = tokens_of(user)
    else:
        rows = visible(user, label)
    picked = list(rows.order_by("pk").values_list("pk", flat=True)[:3])
    fields = {f.name for f in rows.model._meta.get_fields()}
    for variety in VARIETY:
        if variety.split("__")[0] in fields:
            firsts = rows.order_by().values(variety).annotate(first=Min("pk"))
            picked += sorted(row["first"] for row in firsts)
    return list(dict.fromkeys(picked))


def urls_of(user: User) -> list[tuple[str, list[str]]]:
    """(route, candidate URLs) of every page pattern, filled with rows the user sees."""
    found, sampled = [], {}
    for route, entry in walk(get_resolver()):
        if route.startswith(SKIP):
            continue
        urls = ["/" + route]
        for name in getattr(entry.pattern, "converters", {}):
            if name in LITERALS:
                values = LITERALS[name]
            else:
                label = label_of(route, name)
                if label not in sampled:
                    sampled[label] = [str(pk) for pk in samples(user, label)]
                values = sampled[label]
            urls = [re.sub(rf"<(\w+:)?{name}>", value, url, count=1) for url in urls for value in values]
        found.append((route, urls))
    return found


def pages_for(user: User, *, only_with: tuple[str, ...] = ("",)) -> list[str]:
    """Every URL that opens as an HTML page for the user (asked through the test client: fast),
    or only those whose HTML holds one of `only_with`."""
    client = Client()
    client.force_login(user)
    opened = []
    for route, urls in urls_of(user):
        # The person page differs by identity: one of each; its tabs and the rest: the first.
        wanted = len(urls) if route == "people/<int:pk>/" else 1
        count = 0
        for url in urls:
            response = client.get(url)
            html = response.status_code == 200 and response.get("Content-Type", "").startswith("text/html")
            if html and any(marker in response.content.decode() for marker in only_with):
                opened.append(url)
                count += 1
                if count == wanted:
                    break
    return opened


@pytest.fixture
def demo(transactional_db):
    call_command("seed_demo", stdout=io.StringIO())


def sign_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill("yizhan-demo")
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def crawl(page, base: str, urls: list[str]) -> dict[str, list[str]]:
    """{url: problems} of every page that shows code or English."""
    found = {}
    for url in urls:
        page.goto(base + url, wait_until="domcontentloaded")
        problems = []
        for text in page.evaluate(SHOWN):
            for token in problems_in(text):
                problems.append(f"“{token}” in «{text[:80]}»")
        if problems:
            found[url] = list(dict.fromkeys(problems))
    return found


def test_the_crawl_finds_no_english_or_code_on_any_page_for_any_persona(browser, live_server, demo):
    report: dict[str, dict[str, list[str]]] = defaultdict(dict)
    opened = {}
    for username in PERSONAS:
        user = User.objects.get(username=username)
        urls = pages_for(user)
        opened[username] = len(urls)
        # An English browser: the pages must not follow it.
        context = browser.new_context(locale="en-US", timezone_id="Asia/Shanghai")
        page = context.new_page()
        sign_in(page, live_server.url, username)
        report[username] = crawl(page, live_server.url, [*urls, "/accounts/login/", "/no-such-page/"])
        context.close()
    lines = [
        f"  {username} GET {url}: {problem}"
        for username, pages in report.items()
        for url, problems in pages.items()
        for problem in problems
    ]
    assert not lines, (
        f"{len(lines)} code or English tokens on the pages (give each a Chinese label; a value "
        "someone typed goes inside <code>):\n" + "\n".join(lines)
    )
    assert opened["xinhu_head"] >= 80 and opened["decheng"] >= 40, opened


BOXES = "input[type=checkbox], input[type=radio]"


def unclickable_boxes(page, base: str, url: str) -> list[str]:
    """Clicks every visible checkbox and radio of the page, then its label: each click must
    reach the box (nothing covers it) and change it. Returns what failed."""
    page.goto(base + url, wait_until="load")
    failed = []
    boxes = page.locator(BOXES)
    for index in range(boxes.count()):
        box = boxes.nth(index)
        if not box.is_visible() or box.is_disabled():
            continue
        name = box.get_attribute("id") or box.get_attribute("name") or str(index)
        kind = box.get_attribute("type")
        try:
            before = box.is_checked()
            box.click(timeout=2000)
            unchanged = box.is_checked() == before if kind == "checkbox" else not box.is_checked()
            if unchanged:
                failed.append(f"{url} #{name}: the click did not change the box")
            box_id = box.get_attribute("id")
            label = page.locator(f'label[for="{box_id}"]') if box_id else None
            if label is not None and label.count():
                before = box.is_checked()
                label.first.click(timeout=2000)
                if kind == "checkbox" and box.is_checked() == before:
                    failed.append(f"{url} #{name}: a click on its label did not change the box")
        except Exception as error:  # Playwright says why the click could not land
            failed.append(f"{url} #{name}: {str(error).splitlines()[0]}")
    return failed


def test_every_checkbox_and_radio_on_every_form_page_can_be_clicked(browser, live_server, demo):
    # The station head has every station form, the county officer the county's.
    failed, pages = [], 0
    for username in ["xinhu_head", "decheng"]:
        urls = pages_for(User.objects.get(username=username), only_with=('type="checkbox"', 'type="radio"'))
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        page = context.new_page()
        sign_in(page, live_server.url, username)
        for url in urls:
            failed += unclickable_boxes(page, live_server.url, url)
        pages += len(urls)
        context.close()
    assert not failed, "boxes that cannot be clicked:\n  " + "\n  ".join(failed)
    assert pages >= 5

"""Browser tests: Playwright for Python driving Debian's /usr/bin/chromium, headless.

Never a downloaded browser. Where chromium is missing the tests are skipped with the command
that installs it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; Django's ORM calls made by the test
# itself (setting up data, checking results) are still synchronous and safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "e2e" in item.path.parts:
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(
                    pytest.mark.skip(reason="未安装 chromium：apt-get install -y chromium chromium-driver")
                )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
    context.set_default_timeout(10_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture
def device_page(browser, live_server):
    """device_page("kiosk") -> a page of a fresh 新湖 device of that kind (kiosk, screen). Its context
    is closed after the test: a hall screen left open keeps polling the live server after the test
    has ended, from a thread that then races the next test's work."""
    from yizhan.accounts.devices import COOKIE
    from yizhan.accounts.services import issue_device

    contexts = []

    def open_page(kind: str):
        _, token = issue_device(actor=None, region_code="371402001000", kind=kind, name=f"大厅{kind}")
        context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai")
        context.set_default_timeout(10_000)
        context.add_cookies([{"name": COOKIE, "value": token, "url": live_server.url}])
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def e2e_world(transactional_db):
    from yizhan.accounts import demo as accounts_demo
    from yizhan.regions import demo as regions_demo

    regions_demo.seed()
    accounts_demo.seed()


@pytest.fixture
def sign_in(live_server, e2e_world):
    def go(page, username: str, password: str = "yizhan-demo"):
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("用户名").fill(username)
        page.get_by_label("密码").fill(password)
        page.get_by_role("button", name="登录").click()
        return page

    return go

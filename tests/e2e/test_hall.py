"""The hall with three pages open at once: the kiosk, the hall screen and the clerk's window."""

import re

from playwright.sync_api import expect

from yizhan.hall import demo as hall_demo

XINHU = "371402001000"


def test_a_kiosk_ticket_waits_on_the_screen_until_the_clerk_calls_it(device_page, page, live_server, sign_in):
    # The live server's database is flushed between tests: the catalog migration's rows are put back.
    hall_demo.ensure_catalog()
    hall_demo.seed_station(XINHU)
    kiosk = device_page("kiosk")
    screen = device_page("screen")

    screen.goto(f"{live_server.url}/hall/screen/")
    screen.get_by_test_id("sound-on").click()
    expect(screen.locator("body")).to_have_attribute("data-sound", "on")
    veterans_window = screen.get_by_test_id("screen-window-3")
    expect(veterans_window.get_by_test_id("screen-waiting")).to_have_text("0")

    kiosk.goto(f"{live_server.url}/hall/kiosk/")
    kiosk.locator('[data-code="YZ-S-03"]').click()
    expect(kiosk.get_by_test_id("materials")).to_contain_text("退出现役证明")
    kiosk.get_by_test_id("take-ticket").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("C001")

    expect(veterans_window.get_by_test_id("screen-waiting")).to_have_text("1")

    sign_in(page, "xinhu_clerk")
    page.goto(f"{live_server.url}/hall/")
    page.get_by_test_id("window-3").get_by_test_id("open-window").click()
    page.get_by_test_id("sign-in").click()
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).to_have_text("C001")

    expect(veterans_window.get_by_test_id("screen-call")).to_contain_text("C001")
    expect(veterans_window.get_by_test_id("screen-waiting")).to_have_text("0")
    # The screen noticed the new call (and played the chime, sound being on).
    expect(screen.get_by_test_id("board")).to_have_attribute("data-chimed", re.compile(r"^\d+-1-"))

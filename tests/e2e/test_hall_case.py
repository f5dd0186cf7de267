"""Issue 13's Done-when: one visit from the kiosk to the rating, three pages open at once — the
kiosk, the hall screen and the clerk's window — and nothing typed twice."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.test_hall import XINHU
from tests.e2e.test_veterans import submit_with_a_white_photo
from yizhan.core.idnumber import make
from yizhan.hall import demo as hall_demo
from yizhan.hall.case_models import CaseState, ServiceCase
from yizhan.hall.models import TicketState
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.services import create_person
from yizhan.regions.models import Region
from yizhan.veterans.models import CardStatus, PreferentialCard
from yizhan.veterans.services import record_discharge, save_profile


def known_veteran():
    """商春旺 of 新湖社区, discharged last year and on file (建档立卡): what the card form needs."""
    today = timezone.localdate()
    number = make(area_code="371402", birth_date=datetime.date(today.year - 26, 5, 6), sex="M", sequence=17)
    veteran = create_person(
        actor=None, name="商春旺", id_number=number, phone="13912345678",
        region=Region.objects.get(code="371402001001"), address="新湖社区3号楼",
    )  # fmt: skip
    emit(
        kind=EventKind.ENLISTMENT_APPROVED, key="candidate:e2e-hall", person=veteran,
        occurred_on=today.replace(year=today.year - 6), payload={"branch": "army"},
    )  # fmt: skip
    record_discharge(
        actor=None, person=veteran, on=today.replace(year=today.year - 1), settlement_type="demobilized"
    )
    save_profile(actor=None, person=veteran, on=today, category="demobilized")
    return veteran, number


def test_a_visitor_takes_a_card_ticket_is_called_served_through_the_card_form_and_rates_the_case(
    device_page, page, live_server, sign_in, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    # The live server's database is flushed between tests: the catalog migration's rows are put back.
    hall_demo.ensure_catalog()
    hall_demo.seed_station(XINHU)
    veteran, number = known_veteran()
    kiosk = device_page("kiosk")
    screen = device_page("screen")

    screen.goto(f"{live_server.url}/hall/screen/")
    veterans_window = screen.get_by_test_id("screen-window-3")
    expect(veterans_window.get_by_test_id("screen-waiting")).to_have_text("0")

    # The visitor: 优待证 at the kiosk, his ID number to link him (shown masked from here on).
    kiosk.goto(f"{live_server.url}/hall/kiosk/")
    kiosk.locator('[data-code="YZ-S-03"]').click()
    kiosk.get_by_label("身份证号（选填）").fill(number)
    kiosk.get_by_test_id("take-ticket").click()
    expect(kiosk.get_by_test_id("ticket-number")).to_have_text("C001")
    expect(veterans_window.get_by_test_id("screen-waiting")).to_have_text("1")

    # The clerk at the 退役军人事务 window calls it; the screen shows the call.
    sign_in(page, "xinhu_clerk")
    page.goto(f"{live_server.url}/hall/")
    page.get_by_test_id("window-3").get_by_test_id("open-window").click()
    page.get_by_test_id("sign-in").click()
    page.get_by_test_id("call-next").click()
    expect(page.get_by_test_id("current-number")).to_have_text("C001")
    expect(veterans_window.get_by_test_id("screen-call")).to_contain_text("C001")
    expect(veterans_window.get_by_test_id("screen-call")).not_to_contain_text("商春旺")  # masked: 商*旺

    # He comes up: the case opens on the ticket, its item and the known veteran already chosen.
    page.get_by_test_id("start").click()
    page.get_by_test_id("open-case").click()
    expect(page.get_by_test_id("picker-person-chosen")).to_contain_text("商春旺")
    page.get_by_test_id("case-open-submit").click()
    expect(page.get_by_test_id("case-state")).to_have_text("已受理")

    # The existing card form, for this person; recording the application closes the case.
    page.get_by_test_id("case-form").click()
    submit_with_a_white_photo(page.get_by_test_id("card-form"))
    expect(page.get_by_test_id("card-status")).to_have_text("受理")
    case = ServiceCase.objects.get(person=veteran)
    assert case.state == CaseState.DONE and case.closed_by_event.kind == EventKind.CARD_ACCEPTED
    assert PreferentialCard.objects.get(person=veteran).status == CardStatus.ACCEPTED
    assert case.ticket.state == TicketState.DONE and case.ticket.finished_at is not None

    # The pad at the window, turned to the visitor.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-state")).to_have_text("已办结")
    page.get_by_test_id("case-rate").click()
    pad = page.get_by_test_id("rating-form")
    pad.get_by_label("满意", exact=True).check()
    pad.get_by_test_id("rating-submit").click()
    expect(page.get_by_test_id("rating-done")).to_be_visible()

    # The statistics count the ticket and the case, with its wait and service time.
    page.goto(f"{live_server.url}/cases/{case.pk}/")
    expect(page.get_by_test_id("case-rating")).to_contain_text("满意")
    expect(page.get_by_test_id("case-timing")).to_contain_text("等候")
    expect(page.get_by_test_id("case-timing")).to_contain_text("窗口办理")
    page.goto(f"{live_server.url}/cases/statistics/")
    row = page.get_by_test_id("stats-table").locator("tbody tr").first
    today = timezone.localdate()
    expect(row).to_contain_text(f"{today.year}年{today.month}月{today.day}日")
    cells = row.locator("td")
    expect(cells.nth(1)).to_have_text("1")  # tickets
    expect(cells.nth(6)).to_have_text("1")  # cases

import re

import pytest

from tests.hall.conftest import XINHU
from yizhan.hall import services
from yizhan.hall.models import Channel, ServiceItemOverride, Ticket, TicketState
from yizhan.regions.models import Region

pytestmark = pytest.mark.django_db


def issue(item, name="优待证申领", station=XINHU):
    return services.issue_ticket(
        actor=None, station=Region.objects.get(code=station), item=item(name), channel=Channel.KIOSK
    )


def test_the_menus_hall_opens_the_station_halls_windows(halls, login_as):
    client = login_as("xinhu_clerk")
    home = client.get("/").content.decode()
    assert 'href="/hall/" data-area="hall"' in home
    page = client.get("/hall/").content.decode()
    assert "新湖街道" in page and "3号窗口（退役军人事务）" in page


def test_the_front_desk_issues_a_ticket_and_prints_its_receipt(halls, login_as):
    client = login_as("xinhu_clerk")
    response = client.post("/hall/issue/", {"item": "YZ-S-03", "phone": "13800002222"})
    ticket = Ticket.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/hall/tickets/{ticket.pk}/receipt/"
    slip = client.get(response["Location"]).content.decode()
    assert "C001" in slip and "138****2222" in slip and "13800002222" not in slip
    assert ticket.channel == Channel.DESK


def test_a_wrong_phone_at_the_front_desk_is_shown_beside_the_field_and_kept(halls, login_as):
    page = login_as("xinhu_clerk").post("/hall/issue/", {"item": "YZ-S-03", "phone": "12"}).content.decode()
    assert 'data-testid="error-phone"' in page and 'value="12"' in page
    assert not Ticket.objects.exists()


def test_the_window_console_signs_in_calls_and_finishes(halls, login_as, window, item):
    issue(item)
    client = login_as("xinhu_clerk")
    seat = window(3)
    assert 'data-testid="sign-in"' in client.get(f"/hall/windows/{seat.pk}/").content.decode()
    client.post(f"/hall/windows/{seat.pk}/sign-in/")
    console = client.post(f"/hall/windows/{seat.pk}/call/", HTTP_HX_REQUEST="true").content.decode()
    assert 'data-number="C001"' in console and "请 C001 号到3号窗口办理" in console
    ticket = Ticket.objects.get()
    client.post(f"/hall/tickets/{ticket.pk}/start/")
    client.post(f"/hall/tickets/{ticket.pk}/finish/")
    assert Ticket.objects.get().state == TicketState.DONE


def called(client, seat, item) -> Ticket:
    """A ticket issued, the clerk signed in at `seat` and its call pressed."""
    issue(item)
    client.post(f"/hall/windows/{seat.pk}/sign-in/")
    client.post(f"/hall/windows/{seat.pk}/call/")
    return Ticket.objects.get()


def test_a_refused_no_show_is_said_in_chinese_on_the_console(halls, login_as, window, item):
    client = login_as("xinhu_clerk")
    ticket = called(client, window(3), item)
    page = client.post(f"/hall/tickets/{ticket.pk}/no_show/", follow=True).content.decode()
    assert "叫满 3 次仍未到" in page


def test_a_transfer_without_a_note_keeps_the_form_with_the_error(halls, login_as, window, item):
    client = login_as("xinhu_clerk")
    ticket = called(client, window(3), item)
    page = client.post(f"/hall/tickets/{ticket.pk}/transfer/", {"to_window": window(4).pk, "note": ""})
    assert 'data-testid="error-note"' in page.content.decode()
    client.post(f"/hall/tickets/{ticket.pk}/transfer/", {"to_window": window(4).pk, "note": "领礼包"})
    assert Ticket.objects.get(window=window(4)).number == "C001"


def test_another_stations_window_and_ticket_answer_404(halls, login_as, window, item):
    foreign = issue(item, station="320583400000")
    client = login_as("xinhu_clerk")
    assert client.get(f"/hall/windows/{window(3, '320583400000').pk}/").status_code == 404
    assert client.get(f"/hall/tickets/{foreign.pk}/receipt/").status_code == 404
    assert client.post(f"/hall/tickets/{foreign.pk}/start/").status_code == 404


def test_the_kiosk_takes_a_ticket_and_answers_with_the_receipt(halls, device_client):
    kiosk = device_client("kiosk")
    start = kiosk.get("/hall/kiosk/").content.decode()
    assert "优待证申领" in start and 'data-code="YZ-S-03"' in start
    form = kiosk.get("/hall/kiosk/YZ-S-03/").content.decode()
    assert "退出现役证明" in form and "本站已有记录" in form
    slip = kiosk.post("/hall/kiosk/YZ-S-03/", {"id_number": "", "phone": ""}).content.decode()
    assert 'data-testid="ticket-number">C001' in slip
    assert Ticket.objects.get().channel == Channel.KIOSK


def test_the_kiosk_shows_a_wrong_id_number_beside_the_field(halls, device_client):
    page = device_client("kiosk").post("/hall/kiosk/YZ-S-03/", {"id_number": "1234"}).content.decode()
    assert 'data-testid="error-id_number"' in page and not Ticket.objects.exists()


def test_the_device_pages_refuse_without_a_token_or_with_the_wrong_kind(halls, device_client, client):
    assert client.get("/hall/kiosk/").status_code == 403
    assert client.get("/hall/screen/").status_code == 403
    assert device_client("screen").get("/hall/kiosk/").status_code == 403
    assert device_client("kiosk").get("/hall/screen/").status_code == 403


def test_the_screen_shows_the_calls_with_masked_names_and_the_waiting(
    halls, device_client, persona, window, item, make_person
):
    person = make_person(name="商春旺")
    services.issue_ticket(
        actor=None, station=Region.objects.get(code=XINHU), item=item("优待证申领"), channel=Channel.KIOSK,
        id_number=person.id_number,
    )  # fmt: skip
    issue(item)
    screen = device_client("screen")
    page = screen.get("/hall/screen/").content.decode()
    assert re.search(r'data-testid="screen-window-3".*?screen-waiting">2<', page, re.S)
    assert 'hx-trigger="every 3s"' in page and "chime.wav" in page
    clerk = persona("xinhu_clerk")
    services.sign_in(actor=clerk, window=window(3))
    services.call_next(actor=clerk, window=window(3))
    board = screen.get("/hall/screen/", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in board and "C001" in board and "商*旺" in board and "商春旺" not in board


def test_the_public_catalog_and_the_guide_need_no_login(halls, client):
    catalog = client.get(f"/hall/public/{XINHU}/").content.decode()
    assert "优待证申领" in catalog and "兵役登记" in catalog
    guide = client.get(f"/hall/public/{XINHU}/YZ-S-03/").content.decode()
    assert "办事指南" in guide and "30 个工作日" in guide and "居民户口簿" in guide
    assert client.get("/hall/public/371402001001/").status_code == 404


def test_a_county_officer_sets_the_promised_days_of_an_item_for_his_county(halls, login_as, client):
    officer = login_as("decheng")
    assert "优待证申领" in officer.get("/hall/items/").content.decode()
    response = officer.post(
        "/hall/items/YZ-S-03/",
        {
            "region_code": "371402000000",
            "offered": "on",
            "promised_days": "20",
            "visits": "",
            "reason": "区政府文件",
        },
    )
    assert response.status_code == 302
    assert ServiceItemOverride.objects.get().promised_days == 20
    assert "20 个工作日" in client.get(f"/hall/public/{XINHU}/YZ-S-03/").content.decode()
    assert "30 个工作日" in client.get("/hall/public/320583400000/YZ-S-03/").content.decode()


def test_a_county_that_does_not_offer_an_item_hides_it_from_its_kiosks(halls, login_as, device_client):
    login_as("decheng").post(
        "/hall/items/YZ-S-03/",
        {"region_code": "371402000000", "promised_days": "", "visits": "", "reason": "暂停"},
    )
    assert "优待证申领" not in device_client("kiosk").get("/hall/kiosk/").content.decode()


def test_a_station_clerk_cannot_change_the_catalog(halls, login_as):
    clerk = login_as("xinhu_clerk")
    assert clerk.get("/hall/items/YZ-S-03/").status_code == 403

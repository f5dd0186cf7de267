"""A station's own head or clerks add a window to the hall and change one: its number, kind,
ticket letter, the items it serves, open or closed; audited once, refused in Chinese."""

import pytest

from tests.hall.conftest import HUAQIAO, XINHU
from yizhan.audit.models import AuditEvent
from yizhan.hall import services
from yizhan.hall.models import Channel, Ticket, Window, WindowKind
from yizhan.regions.models import Region

pytestmark = pytest.mark.django_db


def form(window: Window, **changes) -> dict:
    data = {
        "station": window.region_id, "number": window.number, "kind": window.kind, "prefix": window.prefix,
        "items": [i.code for i in window.items.all()], "active": "on" if window.active else "",
    }  # fmt: skip
    return {key: value for key, value in (data | changes).items() if value != ""}


def test_a_clerk_of_the_station_changes_a_windows_items_and_closes_it(halls, login_as, window):
    clerk = login_as("xinhu_clerk")
    page = clerk.get("/hall/").content.decode()
    seat = window(4)
    assert f'href="/hall/windows/{seat.pk}/edit/"' in page and 'data-testid="window-new"' in page
    response = clerk.post(f"/hall/windows/{seat.pk}/edit/", form(seat, items=["YZ-S-03"], active=""))
    assert response.status_code == 302
    seat.refresh_from_db()
    assert not seat.active and [i.code for i in seat.items.all()] == ["YZ-S-03"]
    event = AuditEvent.objects.get(action="hall.window.update", object_id=str(seat.pk))
    assert event.changes["状态"] == "停用" and event.changes["受理事项"] == "优待证申领"
    assert "窗口号" not in event.changes  # only what changed
    assert "停用" in clerk.get("/hall/").content.decode()


def test_a_head_adds_a_fifth_window_and_the_kiosk_sends_its_item_there(halls, login_as, window, item):
    head = login_as("xinhu_head")
    new = head.get(f"/hall/windows/new/?station={XINHU}").content.decode()
    assert 'value="5"' in new and 'value="E"' in new  # the next free number and letter
    response = head.post(
        "/hall/windows/new/",
        {"station": XINHU, "number": 5, "kind": WindowKind.VETERANS, "prefix": "e", "items": ["YZ-S-03"], "active": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    fifth = Window.objects.get(region_id=XINHU, number=5)
    assert fifth.prefix == "E" and fifth.active
    assert AuditEvent.objects.filter(action="hall.window.add", object_id=str(fifth.pk)).count() == 1
    # Window 3 has one waiting for 优待证, the new one none: the next goes to 5.
    station = Region.objects.get(code=XINHU)
    services.issue_ticket(actor=None, station=station, item=item("优待证申领"), channel=Channel.KIOSK)
    second = services.issue_ticket(
        actor=None, station=station, item=item("优待证申领"), channel=Channel.KIOSK
    )
    assert second.number == "E001"


def test_a_window_is_refused_in_chinese_beside_its_field_and_what_was_typed_stays(halls, login_as, window):
    clerk = login_as("xinhu_clerk")
    seat = window(4)
    page = clerk.post(f"/hall/windows/{seat.pk}/edit/", form(seat, number=3, prefix="A")).content.decode()
    assert "本站已有3号窗口（退役军人事务），请换一个窗口号。" in page
    assert "字头“A”已由1号窗口（征兵）使用。" in page
    assert 'value="3"' in page
    page = clerk.post(f"/hall/windows/{seat.pk}/edit/", form(seat, prefix="7", items=[])).content.decode()
    assert "号码字头应为一个大写英文字母" in page and "启用的窗口至少要受理一个事项。" in page
    page = clerk.post(f"/hall/windows/{seat.pk}/edit/", form(seat, number="三")).content.decode()
    assert "窗口号应为整数。" in page
    seat.refresh_from_db()
    assert (seat.number, seat.prefix) == (4, "D")
    assert not AuditEvent.objects.filter(action="hall.window.update").exists()


def test_a_window_with_visitors_waiting_cannot_be_closed(halls, login_as, window, item):
    seat = window(3)
    services.issue_ticket(actor=None, station=seat.region, item=item("优待证申领"), channel=Channel.KIOSK)
    page = (
        login_as("xinhu_clerk").post(f"/hall/windows/{seat.pk}/edit/", form(seat, active="")).content.decode()
    )
    assert "该窗口还有 1 人等候，请先转移到其他窗口再停用。" in page
    assert Window.objects.get(pk=seat.pk).active
    # Its letter is on today's slips: it changes tomorrow, not now.
    page = (
        login_as("xinhu_clerk")
        .post(f"/hall/windows/{seat.pk}/edit/", form(seat, prefix="Z"))
        .content.decode()
    )
    assert "今天已按字头“C”取号，请明天再改字头。" in page


def test_saving_a_window_unchanged_writes_no_audit_row(halls, persona, window):
    seat = window(2)
    services.save_window(
        actor=persona("xinhu_head"), station=seat.region, window=seat, number=2, kind=seat.kind,
        prefix="B", items=list(seat.items.all()), active=True,
    )  # fmt: skip
    assert not AuditEvent.objects.filter(action__startswith="hall.window.update").exists()


@pytest.mark.parametrize("username", ["huaqiao_clerk", "decheng", "xinhu_village", "admin"])
def test_only_the_townships_own_staff_arrange_its_windows(halls, login_as, window, username):
    client = login_as(username)
    seat = window(4)
    assert client.get(f"/hall/windows/{seat.pk}/edit/").status_code == 404
    assert client.post(f"/hall/windows/{seat.pk}/edit/", form(seat, active="")).status_code == 404
    new = client.post(
        "/hall/windows/new/", {"station": XINHU, "number": 9, "kind": "general", "prefix": "Q", "items": ["YZ-S-03"]}
    )  # fmt: skip
    assert new.status_code == 404 and not Window.objects.filter(number=9).exists()
    assert Window.objects.get(pk=seat.pk).active


def test_the_service_refuses_another_townships_window(halls, persona, window):
    from django.core.exceptions import PermissionDenied

    seat = window(1, station=HUAQIAO)
    with pytest.raises(PermissionDenied):
        services.save_window(
            actor=persona("xinhu_head"), station=Region.objects.get(code=XINHU), window=seat, number=1,
            kind=seat.kind, prefix="A", items=[], active=False,
        )  # fmt: skip
    assert Ticket.objects.count() == 0

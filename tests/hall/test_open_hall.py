"""A station without a hall opens it from the hall page: the four standard windows, once."""

import pytest

from yizhan.audit.models import AuditEvent
from yizhan.hall import demo as hall_demo
from yizhan.hall.models import Window

pytestmark = pytest.mark.django_db
XINHU = "371402001000"


@pytest.fixture
def catalog(world):
    hall_demo.ensure_catalog()


def test_a_station_head_opens_his_hall_with_the_four_standard_windows_once(catalog, login_as):
    head = login_as("xinhu_head")
    assert "开设新湖街道服务大厅" in head.get("/hall/").content.decode()
    response = head.post("/hall/open/", {"station": XINHU})
    assert response.status_code == 302
    windows = Window.objects.filter(region_id=XINHU).order_by("number")
    assert [(w.number, w.prefix) for w in windows] == [(1, "A"), (2, "B"), (3, "C"), (4, "D")]
    assert windows.get(number=3).items.filter(code="YZ-S-03").exists()  # 优待证 at 退役军人事务
    assert AuditEvent.objects.filter(action="hall.window.open_standard", region_code=XINHU).count() == 1
    page = head.get("/hall/").content.decode()
    assert 'data-testid="open-hall"' not in page and "3号窗口（退役军人事务）" in page
    assert head.post("/hall/open/", {"station": XINHU}).status_code == 404  # it has its hall now


def test_a_clerk_or_another_township_cannot_open_a_hall(catalog, login_as):
    clerk = login_as("xinhu_clerk")
    assert "open-hall" not in clerk.get("/hall/").content.decode()
    assert clerk.post("/hall/open/", {"station": XINHU}).status_code == 404
    assert login_as("huaqiao_clerk").post("/hall/open/", {"station": XINHU}).status_code == 404
    assert not Window.objects.filter(region_id=XINHU).exists()

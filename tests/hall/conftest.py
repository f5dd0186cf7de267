import pytest

from yizhan.hall import demo as hall_demo
from yizhan.hall.models import ServiceItem, Window

XINHU, HUAQIAO = "371402001000", "320583400000"


@pytest.fixture
def halls(world):
    """The demo windows of 新湖 and 花桥 (1 征兵 A, 2 民兵 B, 3 退役军人事务 C, 4 综合 D). The catalog
    comes from its migration; a transactional test's flush empties it, so it is put back."""
    hall_demo.ensure_catalog()
    hall_demo.seed_station(XINHU)
    hall_demo.seed_station(HUAQIAO)


@pytest.fixture
def window(halls):
    """window(3) -> 新湖's window of that number."""
    return lambda number, station=XINHU: Window.objects.get(region_id=station, number=number)


@pytest.fixture
def item():
    """item("优待证申领") -> the catalog row of that name."""
    return lambda name: ServiceItem.objects.get(name=name)


@pytest.fixture
def device_client(halls):
    """device_client("kiosk") -> a client carrying a fresh 新湖 device token of that kind."""
    from django.test import Client

    from yizhan.accounts.devices import COOKIE
    from yizhan.accounts.services import issue_device

    def make(kind: str, station: str = XINHU) -> Client:
        _, token = issue_device(actor=None, region_code=station, kind=kind, name=f"大厅{kind}")
        client = Client()
        client.cookies[COOKIE] = token
        return client

    return make

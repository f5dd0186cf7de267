"""Shared fixtures: the demo world (regions + the six demo accounts) and personas by name."""

from __future__ import annotations

import pytest
from django.test import Client
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from yizhan.accounts import demo as accounts_demo
from yizhan.accounts.models import User
from yizhan.regions import demo as regions_demo

PASSWORD = "yizhan-demo"

# Tests never assert on wall-clock time (DESIGN.md): Hypothesis's deadline and its too-slow health
# check would, and fail a correct test on a loaded machine (seen with seven agents on two cores).
hypothesis_settings.register_profile("yizhan", deadline=None, suppress_health_check=[HealthCheck.too_slow])
hypothesis_settings.load_profile("yizhan")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # The demo accounts are created in many tests; the production hasher would cost seconds each.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _calendar_read_afresh():
    """The official calendar is cached per process: each test reads its own database's."""
    from yizhan.lifecycle.calendar import forget_official_days

    forget_official_days()


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    """Uploaded documents, ledger sources and export files go under the test's own directory
    (the database stays where settings put it)."""
    settings.DATA_DIR = tmp_path / "data"
    settings.DOCUMENTS_DIR = tmp_path / "data" / "documents"


@pytest.fixture
def world(db) -> None:
    """The demo regions and accounts, as `yizhan seed_demo` makes them."""
    regions_demo.seed()
    accounts_demo.seed()


@pytest.fixture
def persona(world):
    """persona("xinhu_clerk") -> that demo user, fresh from the database."""

    def get(username: str) -> User:
        return User.objects.get(username=username)

    return get


@pytest.fixture
def county_sets(world):
    """county_sets("checkin.days", 45): 德城区 sets that rule value (参数设置) from 2020 on."""
    import datetime

    from yizhan.core.policy_values import set_policy_value

    def put(name: str, value, region_code: str = "371402000000") -> None:
        set_policy_value(
            actor=None, name=name, region_code=region_code, effective_from=datetime.date(2020, 1, 1),
            value=value, reason="区政府文件",
        )  # fmt: skip

    return put


@pytest.fixture
def login_as(world):
    """login_as("xinhu_clerk") -> a test client signed in as that persona."""

    def sign_in(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    return sign_in


@pytest.fixture
def make_person(world):
    """make_person(name="商春旺", village="371402001001", born=date(1999, 5, 1), sex="M") -> Person.

    Each call gets a fresh valid ID number whose birthplace is the village's county."""
    import datetime
    import itertools

    from yizhan.core.idnumber import make
    from yizhan.people.services import create_person
    from yizhan.regions.models import Region

    sequence = itertools.count(1)

    def create(
        *,
        name: str,
        village: str = "371402001001",
        born: datetime.date = datetime.date(1999, 5, 1),
        sex: str = "M",
        phone: str = "",
        actor=None,
        **extra,
    ):
        number = make(area_code=village[:6], birth_date=born, sex=sex, sequence=next(sequence))
        return create_person(
            actor=actor,
            name=name,
            id_number=number,
            phone=phone,
            region=Region.objects.get(code=village),
            **extra,
        )

    return create


@pytest.fixture(autouse=True)
def _private_audit_anchor(settings, tmp_path):
    """Each test anchors its own audit chain: the test database is emptied between tests."""
    settings.AUDIT_ANCHOR_PATH = tmp_path / "audit-anchor.json"


@pytest.fixture
def today_is(monkeypatch):
    """today_is(date(2031, 12, 31)): the day the date checks (core.dates) count as today, for
    scenarios written in years still ahead of the machine's clock."""

    def pin(day) -> None:
        monkeypatch.setattr("yizhan.core.dates.today", lambda: day)

    return pin

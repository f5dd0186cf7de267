"""A dashboard's tables leave the screen as xlsx and as an A4 landscape print, each audited; the
领导大屏 opens only on a 大屏 device token and shows counts, never a name."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from django.urls import reverse

from yizhan.accounts.devices import COOKIE
from yizhan.accounts.services import issue_device
from yizhan.audit.models import AuditEvent
from yizhan.people.models import IdentityKind
from yizhan.people.services import grant_identity


@pytest.fixture
def veterans(make_person):
    people = [make_person(name=name, village=village) for name, village in
              [("商春旺", "371402001001"), ("李建国", "371402001002"), ("王卫东", "371402001002")]]  # fmt: skip
    for person in people:
        grant_identity(
            actor=None, person=person, kind=IdentityKind.VETERAN, since=date(2020, 1, 1), source="manual"
        )
    return people


def test_a_figure_exports_to_xlsx_with_its_rows_and_total_and_is_audited(veterans, login_as):
    answer = login_as("xinhu_head").get(reverse("reports:export", args=["identities"]))
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(answer.content)).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    header = values[2]
    assert header[0] == "区划" and "退役军人" in header and header[-1] == "合计"
    column = header.index("退役军人")
    by_name = {row[0]: row for row in values[3:]}
    assert by_name["新湖社区"][column] == 1 and by_name["湖滨社区"][column] == 2
    assert by_name["合计"][-1] == 3
    assert AuditEvent.objects.filter(action="report.export", object_id="identities").count() == 1


def test_a_dashboard_prints_on_a4_landscape_and_the_print_is_audited(veterans, login_as):
    answer = login_as("decheng").get(reverse("reports:print", args=["overview"]))
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "print_roster" in text and "人员身份" in text and "商春旺" not in text
    assert AuditEvent.objects.filter(action="report.print", object_id="overview").count() == 1


def test_a_liaison_cannot_export_statistics(login_as):
    assert login_as("xinhu_village").get(reverse("reports:export", args=["identities"])).status_code == 404


def _device(kind: str) -> str:
    _device, token = issue_device(actor=None, region_code="371402001000", kind=kind, name="大屏")
    return token


def test_the_leaders_screen_shows_the_stations_counts_and_no_name(veterans, client):
    client.cookies[COOKIE] = _device("dashboard")
    answer = client.get(reverse("reports:screen"))
    text = answer.content.decode()
    assert answer.status_code == 200
    assert "新湖街道 · " in text and "数据读取时间" in text and "every 60s" in text
    assert "商春旺" not in text and "李建国" not in text
    assert '<span data-testid="screen-total">3</span>' in text  # the three veterans


def test_the_leaders_screen_needs_a_dashboard_token(world, client):
    assert client.get(reverse("reports:screen")).status_code == 403
    client.cookies[COOKIE] = _device("kiosk")
    assert client.get(reverse("reports:screen")).status_code == 403

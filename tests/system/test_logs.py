"""操作日志 and 登录日志: scoped by region, filtered by person, user, action and dates, exported
as xlsx; nothing in the app deletes a row."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from yizhan.audit.models import AppendOnlyError, AuditEvent


def _login(username: str, password: str = "yizhan-demo") -> Client:
    client = Client(HTTP_USER_AGENT="Mozilla/5.0 Firefox/140")
    client.post(reverse("accounts:login"), {"username": username, "password": password})
    return client


def _rows(response) -> list[list[str]]:
    return response.context["rows"]


def test_the_login_log_shows_success_failure_account_address_and_browser(world):
    _login("xinhu_clerk", "wrong")
    _login("xinhu_clerk")
    _login("nobody-here", "wrong")
    head = _login("xinhu_head")
    rows = _rows(head.get(reverse("system:logins")))
    results = {(row[1], row[3]) for row in rows}
    assert ("xinhu_clerk", "密码错误") in results and ("xinhu_clerk", "登录成功") in results
    assert all("Firefox/140" in row[5] for row in rows)
    assert all(row[4] == "127.0.0.1" for row in rows)
    # An unknown name belongs to no station: the administrator sees it, the head does not.
    assert "nobody-here" not in {row[1] for row in rows}
    admin_rows = _rows(_login("admin").get(reverse("system:logins")))
    assert ("nobody-here", "账号不存在") in {(row[1], row[3]) for row in admin_rows}


def test_a_station_head_sees_no_login_of_another_township(world):
    _login("huaqiao_clerk")
    rows = _rows(_login("xinhu_head").get(reverse("system:logins")))
    assert "huaqiao_clerk" not in {row[1] for row in rows}
    officer_rows = _rows(_login("decheng").get(reverse("system:logins")))
    assert "huaqiao_clerk" not in {row[1] for row in officer_rows}
    assert "xinhu_head" in {row[1] for row in officer_rows}  # 新湖 lies in 德城区


def test_the_login_log_filters_by_account_and_result(world):
    _login("xinhu_clerk", "wrong")
    _login("xinhu_clerk")
    head = _login("xinhu_head")
    rows = _rows(head.get(reverse("system:logins"), {"account": "xinhu_clerk", "result": "login_failed"}))
    assert rows and {(row[1], row[3]) for row in rows} == {("xinhu_clerk", "密码错误")}
    rows = _rows(head.get(reverse("system:logins"), {"account": "xinhu_clerk", "result": "login"}))
    assert rows and {(row[1], row[3]) for row in rows} == {("xinhu_clerk", "登录成功")}


def test_the_operation_log_filters_by_person_user_action_and_dates(make_person, persona):
    from yizhan.people.services import update_person

    head = persona("xinhu_head")
    shang = make_person(name="商春旺", actor=head)
    make_person(name="李建华", actor=persona("xinhu_clerk"))
    update_person(actor=head, person=shang, expected_version=shang.version, phone="13800001111")
    client = Client()
    client.force_login(head)
    url = reverse("system:operations")

    posted = client.post(url, {"person": "商春旺"})
    assert posted.status_code == 302 and "商春旺" not in posted["Location"] and "?s=" in posted["Location"]
    by_person = _rows(client.get(posted["Location"]))
    assert by_person and all(row[1] == "宋立军" for row in by_person)
    assert {row[3] for row in by_person} == {"登记人员", "修改信息"}
    by_user = _rows(client.get(url, {"actor": "xinhu_clerk"}))
    assert {row[1] for row in by_user} == {"韩晓东"}
    by_action = _rows(client.get(url, {"action": "person.update"}))
    assert {row[3] for row in by_action} == {"修改信息"}
    today = timezone.localdate()
    assert _rows(client.get(url, {"since": today.isoformat(), "until": today.isoformat()}))
    yesterday = (today - datetime.timedelta(days=1)).isoformat()
    assert _rows(client.get(url, {"until": yesterday})) == []
    reversed_range = client.get(url, {"since": today.isoformat(), "until": yesterday})
    assert "截止日期不能早于起始日期。" in reversed_range.content.decode()
    # No trail lies ahead: a future day is refused beside its field, and what was typed stays.
    tomorrow = (today + datetime.timedelta(days=1)).isoformat()
    ahead = client.get(url, {"since": tomorrow}).content.decode()
    assert "不能晚于" in ahead and f'value="{tomorrow}"' in ahead


def test_no_name_or_id_number_of_the_person_filter_reaches_an_address(make_person, persona):
    from urllib.parse import unquote

    head = persona("xinhu_head")
    shang = make_person(name="商春旺", actor=head)
    client = Client()
    client.force_login(head)
    url = reverse("system:operations")
    form = client.get(url).content.decode()
    assert 'data-testid="log-filter"' in form and 'method="post"' in form
    # Posted with the other filters: they stay in the address, the person goes behind a token.
    posted = client.post(url, {"person": shang.id_number, "action": "person.create"}, follow=True)
    (address, _), *_ = posted.redirect_chain
    assert shang.id_number not in unquote(address) and "action=person.create" in address
    assert {row[3] for row in _rows(posted)} == {"登记人员"}
    assert shang.id_number in posted.content.decode()  # kept in the box, in the page only
    # A link or bookmark naming a person is moved behind a token, too.
    linked = client.get(url, {"person": "商春旺"})
    assert linked.status_code == 302 and "商春旺" not in unquote(linked["Location"])
    paged = client.get(linked["Location"]).content.decode()
    assert "商春旺" not in "".join(unquote(href) for href in re.findall(r'href="([^"]*)"', paged))
    # The export of what the filter shows names the filter in its audit row, not in an address.
    exported = client.post(url, {"person": "商春旺", "export": "xlsx"})
    assert "商春旺" not in unquote(exported["Location"])
    client.get(exported["Location"])
    assert (
        AuditEvent.objects.filter(action="audit.export").latest("id").changes["filters"]["person"] == "商春旺"
    )


def test_the_operation_log_of_a_station_shows_nothing_of_another(make_person, persona, login_as):
    make_person(name="钱外乡", village="320583400001", actor=persona("huaqiao_clerk"))
    body = login_as("xinhu_head").get(reverse("system:operations")).content.decode()
    assert "钱佳怡" not in body


@pytest.mark.parametrize("name", ["system:operations", "system:logins"])
def test_an_export_is_an_xlsx_of_what_the_filter_shows_and_is_audited(world, name):
    _login("xinhu_clerk", "wrong")
    head = _login("xinhu_head")
    shown = len(_rows(head.get(reverse(name))))
    response = head.get(reverse(name), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    values = list(sheet.values)
    assert values[0][0] == "时间"
    assert len(values) - 1 == shown
    assert all(isinstance(cell, str | type(None)) for row in values for cell in row)
    assert AuditEvent.objects.filter(action="audit.export", actor__username="xinhu_head").exists()


def test_clerks_and_liaisons_open_neither_log(login_as):
    for username in ["xinhu_clerk", "xinhu_village"]:
        for name in ["system:operations", "system:logins"]:
            assert login_as(username).get(reverse(name)).status_code == 403


def test_nothing_in_the_app_deletes_or_edits_an_audit_row(world, login_as):
    event = AuditEvent.objects.first()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        event.save()
    admin = login_as("admin")
    count = AuditEvent.objects.count()
    for name in ["system:operations", "system:logins"]:
        assert admin.delete(reverse(name)).status_code == 405
    assert admin.post(reverse("system:logins")).status_code == 405
    assert admin.post(reverse("system:operations")).status_code == 302  # a filter, kept in the session
    assert AuditEvent.objects.count() == count

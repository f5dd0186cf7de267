"""The 参数设置 pages: by topic for one region, the history of a value, its change with a reason;
county officers change their county's, administrators the levels above, station heads read."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from yizhan.audit.models import AuditEvent
from yizhan.core.models import PolicyValue
from yizhan.core.policy_values import REGISTRY, policy_value

DECHENG, KUNSHAN, SHANDONG = "371402000000", "320583000000", "370000000000"
INDEX = reverse("system:policy")


def detail(name="checkin.days", region=DECHENG) -> str:
    return f"{reverse('system:policy_detail', args=[name])}?region_code={region}"


def change(client, name="checkin.days", region=DECHENG, **data):
    body = {
        "region_code": region,
        "value": "45",
        "effective_from": "2026-01-01",
        "reason": "区政府文件",
        **data,
    }
    return client.post(detail(name, region), body)


def test_the_page_lists_every_value_by_topic_with_the_links_to_the_pages_of_the_rates(login_as):
    page = login_as("decheng").get(INDEX).content.decode()
    for spec in REGISTRY.values():
        assert f'data-testid="value-{spec.name}"' in page
    for url in (
        "conscription:settings",
        "conscription:index",
        "benefits:allowance_rates",
        "benefits:bonus_rates",
        "lifecycle:calendar",
    ):
        assert f'href="{reverse(url)}"' in page


def test_the_county_officer_changes_his_county_with_a_reason_and_the_page_says_who_and_when(
    login_as, persona
):
    client = login_as("decheng")
    response = change(client)
    assert response.status_code == 302
    row = PolicyValue.objects.get()
    assert (row.region_code, row.value, row.changed_by, row.reason) == (
        DECHENG,
        45,
        persona("decheng"),
        "区政府文件",
    )
    assert AuditEvent.objects.filter(object_type="policy_value", region_code=DECHENG).count() == 1
    history = client.get(detail()).content.decode()
    assert "区政府文件" in history and "郑国栋" in history and "现行" in history
    line = (
        client.get(f"{INDEX}?region_code={DECHENG}")
        .content.decode()
        .split('data-testid="value-checkin.days"')[1]
    )
    assert "45 天" in line.split("</tr>")[0] and "本地区" in line.split("</tr>")[0]


def test_the_change_is_refused_beside_the_field_without_a_reason_and_out_of_bounds(login_as):
    client = login_as("decheng")
    page = change(client, value="120", reason="  ").content.decode()
    assert 'data-testid="error-reason"' in page
    page = change(client, value="120").content.decode()
    assert 'data-testid="error-value"' in page and "不能大于 90 天" in page
    assert not PolicyValue.objects.exists()


def test_the_county_officer_reads_the_values_above_him_and_may_not_change_them(login_as):
    client = login_as("decheng")
    page = client.get(detail(region=SHANDONG)).content.decode()
    assert 'data-testid="policy-form"' not in page
    assert change(client, region=SHANDONG).status_code == 403
    assert not PolicyValue.objects.exists()


def test_another_county_answers_like_a_region_that_does_not_exist(login_as):
    client = login_as("decheng")
    foreign, missing = client.get(detail(region=KUNSHAN)), client.get(detail(region="999999000000"))
    assert foreign.status_code == missing.status_code == 404
    assert foreign.content == missing.content
    assert change(client, region=KUNSHAN).status_code == 404


def test_the_administrator_changes_the_national_and_provincial_values(login_as):
    client = login_as("admin")
    assert change(client, region="").status_code == 302
    assert change(client, region=SHANDONG, value="40").status_code == 302
    assert policy_value("checkin.days", region_code="371402001001", on=datetime.date(2026, 6, 1)) == 40
    assert client.get(detail(region=DECHENG)).status_code == 404  # a county's is its officers'


def test_a_county_can_go_back_to_the_value_above(login_as):
    client = login_as("decheng")
    change(client, value="60")
    change(client, value="", inherits="on", effective_from="2026-02-01")
    assert policy_value("checkin.days", region_code=DECHENG, on=datetime.date(2026, 3, 1)) == 30
    assert "沿用上级" in client.get(detail()).content.decode()


def test_the_station_head_reads_what_governs_his_station_and_changes_nothing(login_as):
    client = login_as("xinhu_head")
    assert 'data-testid="policy-form"' not in client.get(detail()).content.decode()
    assert "参数设置" in client.get(reverse("system:index")).content.decode()
    assert change(client).status_code == 403


@pytest.mark.parametrize("username", ["xinhu_clerk", "xinhu_village", "huaqiao_clerk"])
def test_clerks_and_liaisons_have_no_policy_pages(login_as, username):
    client = login_as(username)
    assert client.get(INDEX).status_code == 404
    assert client.get(detail()).status_code == 404


def test_an_unknown_value_is_missing(login_as):
    assert login_as("decheng").get(reverse("system:policy_detail", args=["no.such"])).status_code == 404

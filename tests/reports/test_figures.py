"""Every figure equals the count of the list it links to, read the same way, for a station head
(新湖) and a county officer (德城区) over the demo station's data; and the scope holds."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yizhan.regions.models import Region
from yizhan.reports.figures import FIGURES, Period, cell, table
from yizhan.reports.pages import DASHBOARDS, cell_url

YEAR = timezone.localdate().year
COUNT = re.compile(r'data-testid="rows-count">(\d+)<')


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 — silence the listing


def _listed(client, url: str) -> int:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return int(COUNT.search(answer.content.decode()).group(1))


# The demo is seeded once for the figures (about a minute): one test walks both personas.
PERSONAS = [("xinhu_head", "371402001000"), ("decheng", "371402000000")]


def test_every_figure_equals_the_count_of_its_list_and_drills_down_to_the_same_numbers(
    demo, persona, login_as
):
    counted = 0
    for username, region_code in PERSONAS:
        user, client = persona(username), login_as(username)
        region = Region.objects.get(code=region_code)
        for figure in FIGURES.values():
            t = table(figure, user=user, region=region, period=Period(YEAR))
            assert t.totals.total == cell(figure, user=user, region=region, period=Period(YEAR)).count()
            assert _listed(client, cell_url(t)) == t.totals.total, figure.key
            for key, _label in t.columns:
                assert _listed(client, cell_url(t, by=key)) == t.totals.counts[key], (figure.key, key)
            for row in t.rows:
                assert _listed(client, cell_url(t, area=row.area)) == row.total, (figure.key, row.area)
                for key, n in row.counts.items():
                    assert _listed(client, cell_url(t, area=row.area, by=key)) == n, (
                        figure.key,
                        row.area,
                        key,
                    )
            counted += t.totals.total
    assert counted > 0, "the demo should give the figures something to count"
    county, xinhu = Region.objects.get(code="371402000000"), Region.objects.get(code="371402001000")
    officer = persona("decheng")
    for figure in FIGURES.values():
        row = next((r for r in table(figure, user=officer, region=county, period=Period(YEAR)).rows
                    if r.area == "371402001"), None)  # fmt: skip
        assert (row.total if row else 0) == table(
            figure, user=officer, region=xinhu, period=Period(YEAR)
        ).totals.total


def test_a_station_head_sees_only_his_township(login_as):
    client = login_as("xinhu_head")
    assert (
        client.get(reverse("reports:dashboard", args=["overview"]) + "?region=371402000000").status_code
        == 404
    )
    assert (
        client.get(reverse("reports:dashboard", args=["overview"]) + "?region=320583400000").status_code
        == 404
    )
    url = reverse("reports:rows", args=["identities"]) + "?region=320583400000"
    assert client.get(url).status_code == 404


def test_a_clerk_has_no_statistics(login_as):
    assert login_as("xinhu_clerk").get(reverse("reports:index")).status_code == 404


def test_every_dashboard_says_when_it_was_read_and_draws_a_chart_per_table(login_as):
    client = login_as("decheng")
    for page, *_ in DASHBOARDS:
        answer = client.get(reverse("reports:dashboard", args=[page]) + f"?year={YEAR}")
        text = answer.content.decode()
        assert answer.status_code == 200, page
        assert "数据读取时间" in text
        assert text.count('class="report-chart"') == text.count('data-testid="table-') > 0


def test_a_bad_year_or_area_is_told_in_chinese_not_a_500(login_as):
    client = login_as("decheng")
    answer = client.get(reverse("reports:dashboard", args=["overview"]) + "?year=abc")
    assert answer.status_code == 200 and "年度“abc”无效" in answer.content.decode()
    assert client.get(reverse("reports:rows", args=["identities"]) + "?area=x1").status_code == 404
    assert client.get(reverse("reports:rows", args=["identities"]) + "?by=nope").status_code == 404
    assert client.get(reverse("reports:dashboard", args=["nope"])).status_code == 404

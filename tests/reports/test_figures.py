"""Every figure equals the count of the list it links to, read the same way, for a station head
(新湖) and a county officer (德城区) over the demo station's data; and the scope holds."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from yizhan.conscription.models import Campaign, TownshipQuota
from yizhan.regions.models import Region
from yizhan.reports.figures import FIGURES, Period, cell, read, table
from yizhan.reports.pages import DASHBOARDS, cell_url

YEAR = timezone.localdate().year
COUNT = re.compile(r'data-testid="rows-count">(\d+)<')
MEAN = re.compile(r'data-testid="rows-mean">([\d.]+)<')


@pytest.fixture
def demo(db):
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115 — silence the listing


def _listed(client, url: str) -> int:
    answer = client.get(url)
    assert answer.status_code == 200, url
    return int(COUNT.search(answer.content.decode()).group(1))


def _listed_mean(client, url: str) -> float | None:
    found = MEAN.search(client.get(url).content.decode())
    return float(found.group(1)) if found else None


# The demo is seeded once for the figures (about a minute): one test walks both personas.
PERSONAS = [("xinhu_head", "371402001000"), ("decheng", "371402000000")]


def test_every_figure_equals_the_count_of_its_list_and_drills_down_to_the_same_numbers(
    demo, persona, login_as
):
    counted, totals = 0, {}
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
            totals[figure.key] = totals.get(figure.key, 0) + t.totals.total
    assert counted > 0, "the demo should give the figures something to count"
    # The 优待证 figures count from the regions the database keeps on the card and each stay
    # (core/derived.py): they must have cards to count for the comparison to mean anything.
    assert totals["cards"] > 0 and totals["card_steps"] > 0, totals
    # A figure of averages is checked as an average: each cell's mean is the one its list shows,
    # of the same rows (the counts beside them were compared above).
    averaged = 0
    for username, region_code in PERSONAS:
        user, client = persona(username), login_as(username)
        region = Region.objects.get(code=region_code)
        for figure in [f for f in FIGURES.values() if f.mean]:
            t = read(figure, user=user, region=region, period=Period(YEAR))
            for area in ["", *[r.area for r in t.rows]]:
                for by in ["", *figure.labels]:
                    listed = _listed_mean(client, cell_url(t, area=area, by=by))
                    assert listed == t.means.get((area, by)), (figure.key, area, by)
                    averaged += listed is not None
    assert averaged > 0, "the demo's cards should give the averages something to average"
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


def test_the_intake_task_stands_beside_the_approved_with_its_share(demo, persona):
    county, xinhu = Region.objects.get(code="371402000000"), Region.objects.get(code="371402001000")
    figure, officer = FIGURES["intake"], persona("decheng")
    for year in (YEAR, YEAR - 1):
        t = read(figure, user=officer, region=county, period=Period(year))
        shares = TownshipQuota.objects.filter(campaign__year=year, township__code__startswith="371402")
        expected = {q.township_id[:9]: 0 for q in shares}
        for q in shares:
            expected[q.township_id[:9]] += q.quota
        assert expected or year != YEAR, "the demo splits this year's task among the townships"
        whole = sum(Campaign.objects.filter(county=county, year=year).values_list("quota", flat=True))
        assert t.targets == expected | {"": whole}
        assert {r.area for r in t.rows} >= set(expected), "a township with a task has its row"
        for r in [*t.rows, t.totals]:
            target = t.targets.get(r.area)
            assert r.rate == (round(100 * r.total / target, 1) if target else None)
        head = read(figure, user=persona("xinhu_head"), region=xinhu, period=Period(year))
        assert head.targets.get("") == expected.get("371402001", 0)
        assert set(head.targets) <= {""}, "a village has no task of its own"

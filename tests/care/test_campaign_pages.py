"""The campaign pages: opening one, its coverage and households by grid, the visit form with the
reason beside the field, and the campaign's 走访慰问登记表."""

from __future__ import annotations

import io

import openpyxl

from tests.care.test_campaigns import MARTYR, PRIORITY
from yizhan.care.groups import GROUPS
from yizhan.care.models import CampaignVisit, VisitCampaign

INDEX = {value: n for n, (value, _) in enumerate(GROUPS)}


def open_by_page(client, region="371402001000", **extra):
    data = {
        "region": region, "name": "2027年春节走访慰问", "occasion": "spring_festival",
        "starts_on": "2027-01-20", "ends_on": "2027-02-10", "targets": [PRIORITY, MARTYR],
        f"money_{INDEX[PRIORITY]}": "500", f"goods_{INDEX[PRIORITY]}": "米面油", **extra,
    }  # fmt: skip
    return client.post("/care/campaigns/new/", data)


def test_the_station_head_opens_a_campaign_and_sees_its_households_by_grid(registry, login_as):
    client = login_as("xinhu_head")
    answer = open_by_page(client)
    campaign = VisitCampaign.objects.get()
    assert answer.status_code == 302 and answer.url == f"/care/campaigns/{campaign.pk}/"
    assert campaign.groups.get(target=PRIORITY).goods == "米面油"
    page = client.get(answer.url).content.decode()
    assert "第一网格" in page and "商老兵户" in page and "李桂兰" in page
    assert "0/2（0%）" in page


def test_a_campaign_without_groups_is_refused_beside_the_field_and_keeps_the_name(registry, login_as):
    answer = open_by_page(login_as("xinhu_head"), targets=[])
    assert answer.status_code == 400
    body = answer.content.decode()
    assert "请至少选择一类慰问对象" in body and "2027年春节走访慰问" in body
    assert not VisitCampaign.objects.exists()


def test_a_clerk_has_no_open_button_and_may_not_open(registry, login_as):
    client = login_as("xinhu_clerk")
    assert "发起活动" not in client.get("/care/campaigns/").content.decode()
    assert client.get("/care/campaigns/new/").status_code == 403


def test_a_liaison_records_a_visit_and_coverage_counts_it(registry, login_as):
    open_by_page(login_as("xinhu_head"))
    visit = CampaignVisit.objects.get(person=registry["widow"])
    client = login_as("xinhu_village")
    refused = client.post(f"/care/campaign-visits/{visit.pk}/", {
        "outcome": "unreachable", "visited_on": "2026-11-30", "follow_up": "none",
    })  # fmt: skip
    assert refused.status_code == 400 and "请填写原因" in refused.content.decode()
    done = client.post(f"/care/campaign-visits/{visit.pk}/", {
        "outcome": "visited", "visited_on": "2026-11-30", "participants": "联络员", "money": "800",
        "follow_up": "task", "needs": "需要代办医保",
    })  # fmt: skip
    assert done.status_code == 302
    assert "1/2（50%）" in client.get(done.url).content.decode()


def test_the_campaign_ledger_exports_its_households(registry, login_as):
    client = login_as("xinhu_head")
    open_by_page(client)
    campaign = VisitCampaign.objects.get()
    answer = client.post(f"/ledgers/exports/campaigns/{campaign.pk}/")
    assert answer.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(answer.streaming_content))).active
    cells = [c for row in sheet.iter_rows(values_only=True) for c in row if c]
    assert "2027年春节走访慰问走访慰问登记表" in "".join(str(c) for c in cells)
    assert "商老兵" in cells and "李桂兰" in cells and "待走访" in cells


def test_a_county_officer_sees_coverage_by_township_first_and_a_station_by_village(registry, login_as):
    open_by_page(login_as("xinhu_head"))
    campaign = VisitCampaign.objects.get()
    county = login_as("decheng").get(f"/care/campaigns/{campaign.pk}/").content.decode()
    station = login_as("xinhu_head").get(f"/care/campaigns/{campaign.pk}/").content.decode()
    assert 'nav-link active" href="?by=township"' in county and "<td>新湖街道</td>" in county
    assert 'nav-link active" href="?by=village"' in station

"""Issue 15's walk: decheng opens 统计; the county overview draws its charts (a canvas each, no
console error, no request leaving the server), he drills into 新湖, and a figure's number leads
to a list of the same count."""

import datetime
from urllib.parse import urlparse

from playwright.sync_api import expect

from yizhan.core.idnumber import make
from yizhan.people.models import IdentityKind
from yizhan.people.services import create_person, grant_identity
from yizhan.regions.models import Region

VETERANS = [("商春旺", "371402001001"), ("李建国", "371402001002"), ("王卫东", "371402001002")]


def _veterans():
    for sequence, (name, village) in enumerate(VETERANS, start=1):
        someone = create_person(
            actor=None, name=name, region=Region.objects.get(code=village),
            id_number=make(area_code="371402", birth_date=datetime.date(1990, 3, 1), sex="M", sequence=sequence),
        )  # fmt: skip
        grant_identity(
            actor=None,
            person=someone,
            kind=IdentityKind.VETERAN,
            since=datetime.date(2020, 1, 1),
            source="manual",
        )


def test_decheng_reads_the_county_drills_into_xinhu_and_follows_a_figure_to_its_list(
    page, live_server, sign_in
):
    _veterans()
    errors, outside = [], []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    server = urlparse(live_server.url).netloc
    page.on(
        "request",
        lambda request: outside.append(request.url) if urlparse(request.url).netloc != server else None,
    )
    sign_in(page, "decheng")
    page.locator('[data-area="reports"]').click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("德城区")
    expect(page.get_by_test_id("read-at")).to_contain_text("数据读取时间")
    charts = page.locator(".report-chart")
    count = charts.count()
    assert count >= 4
    for n in range(count):
        expect(charts.nth(n).locator("canvas")).to_have_count(1)
    # Drill: the county's table lists 新湖街道; its name opens the township's overview.
    page.get_by_test_id("table-identities").get_by_role("link", name="新湖街道").click()
    expect(page.get_by_test_id("dashboard-title")).to_contain_text("新湖街道")
    expect(page.locator("#chart-identities canvas")).to_have_count(1)
    # The township's veterans figure is 3: its number opens the list of the same three.
    table = page.get_by_test_id("table-identities")
    total = table.get_by_test_id("figure-total")
    expect(total).to_have_text("3")
    total.click()
    expect(page.get_by_test_id("rows-count")).to_have_text("3")
    expect(page.get_by_test_id("row-person")).to_have_count(3)
    assert errors == [], errors
    assert outside == [], outside

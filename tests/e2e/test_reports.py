"""Issue 15's walk: decheng opens 统计; the county overview draws its charts (a canvas each, no
console error, no request leaving the server), he drills into 新湖, and a figure's number leads
to a list of the same count."""

import datetime
from urllib.parse import urlparse

from django.utils import timezone
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


def _intake_and_card_steps():
    """This year's intake with its task split to 新湖, and one 优待证 that spent 5 days in 受理."""
    year = timezone.localdate().year
    from yizhan.conscription.models import Campaign, TownshipQuota
    from yizhan.people.models import Document, Person
    from yizhan.veterans.models import CardStep, PreferentialCard

    campaign = Campaign.objects.create(
        county_id="371402000000", year=year, half="H2", quota=6,
        opens_on=datetime.date(year, 5, 1), approval_on=datetime.date(year, 9, 1),
    )  # fmt: skip
    TownshipQuota.objects.create(campaign=campaign, township_id="371402001000", quota=4)
    person = Person.objects.get(name="商春旺")
    photo = Document.objects.create(
        person=person,
        kind="photo",
        title="照片",
        path="x",
        sha256="0" * 64,
        size=1,
        content_type="image/jpeg",
    )
    card = PreferentialCard.objects.create(
        person=person, card_type="veteran", photo=photo, applicant="本人", accepted_on=datetime.date(year, 3, 1),
        status="county_review", previous_status="accepted",
    )  # fmt: skip
    CardStep.objects.create(
        card=card,
        status="accepted",
        entered_on=datetime.date(year, 3, 1),
        left_on=datetime.date(year, 3, 6),
        days=5,
    )
    CardStep.objects.create(card=card, status="county_review", entered_on=datetime.date(year, 3, 6))


def test_the_intake_task_and_the_card_days_draw_their_charts_without_an_error(page, live_server, sign_in):
    _veterans()
    _intake_and_card_steps()
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    sign_in(page, "decheng")
    year = timezone.localdate().year
    page.goto(f"{live_server.url}/reports/conscription/?year={year}")
    expect(page.locator("#chart-intake canvas")).to_have_count(1)
    expect(page.get_by_test_id("table-intake").get_by_test_id("target-total")).to_have_text("6")
    page.goto(f"{live_server.url}/reports/benefits/?year={year}")
    expect(page.locator("#chart-card_steps canvas")).to_have_count(1)
    page.get_by_test_id("table-card_steps").get_by_role("link", name="5.0").first.click()
    expect(page.get_by_test_id("rows-mean")).to_have_text("5.0")
    assert errors == [], errors

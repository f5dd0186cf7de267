"""Issue 14's militia and send-off, in a real browser: the station head draws up next year's roster
of 新湖 from the candidates (veterans first, a 66-year-old not among them and refused when picked
by hand), and at a send-off records every recruit's 入伍礼包 as delivered in one action."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from yizhan.conscription.models import Campaign, Candidate, CandidateStatus
from yizhan.core.idnumber import make
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.militia import selectors
from yizhan.militia.services import create_unit
from yizhan.people.services import create_household, create_person, grant_identity
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind, TaskStatus

VILLAGE = "371402001001"


def man(name: str, born: datetime.date, sequence: int):
    number = make(area_code="371402", birth_date=born, sex="M", sequence=sequence)
    return create_person(actor=None, name=name, id_number=number, region=Region.objects.get(code=VILLAGE))


def test_next_years_roster_lists_only_eligible_men_veterans_first(page, sign_in, live_server):
    year = selectors.default_year()
    # Born on 31 December: the age on 1 January of the roster year holds all year long.
    man("韩青年", datetime.date(year - 21, 12, 31), 21)
    veteran = man("商退役", datetime.date(year - 27, 12, 31), 23)
    grant_identity(
        actor=None, person=veteran, kind="veteran", since=datetime.date(2022, 12, 1), source="manual"
    )
    man("魏老汉", datetime.date(year - 67, 12, 31), 25)
    create_unit(
        actor=None, township=Region.objects.get(code="371402001000"), name="新湖民兵应急连", level="company"
    )

    sign_in(page, "xinhu_head")
    page.goto(f"{live_server.url}/militia/candidates/?year={year}")
    rows = page.get_by_test_id("candidate-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("商退役")
    expect(rows.nth(0)).to_contain_text("基干民兵")
    expect(rows.nth(1)).to_contain_text("韩青年")
    expect(page.get_by_test_id("militia-candidates")).not_to_contain_text("魏老汉")

    for row_name in ("韩青年", "商退役"):
        page.goto(f"{live_server.url}/militia/candidates/?year={year}")
        page.get_by_test_id("candidate-row").filter(has_text=row_name).get_by_role(
            "link", name="编入"
        ).click()
        page.get_by_label("编组单位").select_option(label="新湖民兵应急连（连）")
        page.get_by_role("button", name="编入").click()
        expect(page.get_by_test_id("militia-roster")).to_contain_text(row_name)

    page.goto(f"{live_server.url}/militia/join/?year={year}")
    box = page.get_by_test_id("picker-person")
    box.fill("魏老汉")
    page.get_by_test_id("picker-option").click()
    page.get_by_label("编组单位").select_option(label="新湖民兵应急连（连）")
    page.get_by_role("button", name="编入").click()
    expect(page.get_by_test_id("person-error")).to_contain_text("超过普通民兵的年龄上限35周岁")

    page.goto(f"{live_server.url}/militia/?year={year}")
    roster = page.get_by_test_id("roster-row")
    expect(roster).to_have_count(2)
    expect(roster.nth(0)).to_contain_text("商退役")
    expect(roster.nth(1)).to_contain_text("韩青年")


def test_the_send_off_delivers_every_recruits_gift_pack_in_one_action(page, sign_in, live_server):
    today = timezone.localdate()
    approval = today - datetime.timedelta(days=2)
    intake = Campaign.objects.create(
        county_id="371402000000", year=approval.year, half="H2", opens_on=approval - datetime.timedelta(days=90),
        approval_on=approval, quota=3,
    )  # fmt: skip
    recruits = []
    for sequence, name in ((31, "商春旺"), (33, "韩立新"), (35, "宋志强")):
        person = man(name, datetime.date(today.year - 19, 3, 1), sequence)
        create_household(
            actor=None, region=person.region, address="运河路 1 号", members=[person], head=person
        )
        candidate = Candidate.objects.create(
            campaign=intake, person=person, region_code=VILLAGE, applied_on=intake.opens_on,
            stage="enlistment_approval", status=CandidateStatus.ENLISTED,
        )  # fmt: skip
        emit(kind=EventKind.ENLISTMENT_APPROVED, key=f"candidate:{candidate.pk}", person=person,
             occurred_on=approval, payload={"branch": "army"})  # fmt: skip
        recruits.append(person)

    sign_in(page, "xinhu_head")
    page.goto(f"{live_server.url}/station/")
    page.get_by_test_id("new-send-off").click()
    page.get_by_label("活动名称").fill("新兵欢送仪式")
    page.get_by_label("活动日期").fill(today.isoformat())
    page.get_by_label("地点", exact=True).fill("新湖街道武装部")
    page.get_by_label("征兵批次（欢送新兵）").select_option(label=str(intake))
    page.get_by_role("button", name="保存").click()

    expect(page.get_by_test_id("send-off-recruits").locator("li")).to_have_count(3)
    rows = page.get_by_test_id("gift-pack-row")
    expect(rows).to_have_count(3)
    for person in recruits:
        page.get_by_label(f"{person.name}家签收家属").fill(f"{person.name[0]}家长")
    page.get_by_test_id("deliver-all").click()
    expect(page.get_by_test_id("gift-packs-done")).to_be_visible()
    statuses = set(
        Task.objects.filter(kind=TaskKind.GIFT_PACK, person__in=recruits).values_list("status", flat=True)
    )
    assert statuses == {TaskStatus.DONE}

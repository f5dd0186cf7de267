"""Done when (#4): as xinhu_head, a registered young man of 新湖街道 goes through every stage to
批准入伍 in the browser; his parents show 军属; the three tasks are on the station's 工作台; approving
again changes nothing."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from yizhan.conscription import services
from yizhan.conscription.models import Campaign, Candidate, CandidateStatus, Half, Stage
from yizhan.conscription.workflow import NEXT
from yizhan.core.idnumber import make
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import RelationKind
from yizhan.people.services import add_relation, create_person
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind

VILLAGE = "371402001001"  # 新湖社区
DAY = datetime.timedelta(days=1)


def person(name: str, born: datetime.date, sex: str, sequence: int):
    number = make(area_code=VILLAGE[:6], birth_date=born, sex=sex, sequence=sequence)
    return create_person(actor=None, name=name, id_number=number, region=Region.objects.get(code=VILLAGE))


def setting_up_a_registered_young_man_and_an_open_intake(today: datetime.date):
    """Registered 40 days ago; the intake opened then and its 批准入伍 date is today (an approval
    takes effect on that date), so every stage can be dated in the past and the public notice can
    start well over five days before today."""
    registered_on = today - 40 * DAY
    services.set_registration_year(
        actor=None,
        region_code="",
        year=registered_on.year,
        window_start=datetime.date(registered_on.year, 1, 1),
        window_end=datetime.date(registered_on.year, 12, 31),
    )
    approval = today
    Campaign.objects.create(
        county_id="371402000000",
        year=approval.year,
        half=Half.FIRST if approval.month <= 6 else Half.SECOND,
        opens_on=registered_on,
        approval_on=approval,
        quota=3,
    )
    recruit = person("孟凡卫", datetime.date(registered_on.year - 18, 3, 1), "M", 11)
    services.record_registration(actor=None, person=recruit, on=registered_on, conclusion="liable")
    parents = [
        person("孟庆林", datetime.date(1975, 4, 2), "M", 12),
        person("赵玉兰", datetime.date(1977, 8, 9), "F", 13),
    ]
    for parent in parents:
        add_relation(actor=None, person=recruit, relative=parent, kind=RelationKind.PARENT)
    return recruit, parents


def test_a_young_man_goes_from_registration_to_enlistment_and_his_family_becomes_military(
    page, sign_in, live_server
):
    today = timezone.localdate()
    recruit, parents = setting_up_a_registered_young_man_and_an_open_intake(today)
    sign_in(page, "xinhu_head")

    # 应征报名: found through the registration search, entered into the open intake.
    page.get_by_test_id("menu").get_by_role("link", name="征兵").click()
    page.get_by_role("link", name="办理兵役登记").click()
    page.get_by_test_id("registration-search").fill("孟凡卫")
    page.get_by_test_id("registration-search").press("Enter")
    page.get_by_test_id("registration-results").get_by_role("link", name="查看").click()
    apply_form = page.get_by_test_id("apply-form")
    apply_form.get_by_label("报名日期").fill((today - 30 * DAY).isoformat())
    apply_form.get_by_role("button", name="应征报名").click()
    expect(page.get_by_test_id("current-stage")).to_have_text("应征报名")
    candidate = Candidate.objects.get(person=recruit)

    # 初审初检 for the group on the township board.
    page.goto(f"{live_server.url}/conscription/campaigns/{candidate.campaign_id}/board/")
    board = page.get_by_test_id("advance-form")
    board.get_by_label("选择 孟凡卫").check()
    board.get_by_label("办理环节").select_option(label="初审初检")
    board.get_by_label("日期").fill((today - 29 * DAY).isoformat())
    board.get_by_role("button", name="记录").click()
    expect(page.get_by_role("alert").filter(has_text="已为 1 人记录通过")).to_be_visible()

    # Every further stage on his own page; the notice starts six days before the approval.
    dates = {
        Stage.MEDICAL: today - 25 * DAY,
        Stage.POLITICAL: today - 20 * DAY,
        Stage.HOME_CHECK: today - 15 * DAY,
        Stage.TRAINING: today - 10 * DAY,
        Stage.PROVISIONAL: today - 8 * DAY,
        Stage.NOTICE: today - 6 * DAY,
        Stage.APPROVAL: today,
    }
    page.get_by_test_id("candidates-table").get_by_role("link", name="孟凡卫").click()
    stage = Stage.PRESCREEN
    while stage != Stage.APPROVAL:
        stage = NEXT[stage]
        form = page.get_by_test_id("stage-form")
        expect(form.get_by_role("button", name=f"记录{stage.label}")).to_be_visible()
        form.get_by_label("通过", exact=True).check()
        form.get_by_label("日期").fill(dates[stage].isoformat())
        form.get_by_role("button", name=f"记录{stage.label}").click()
        expect(page.get_by_test_id("stage-results")).to_contain_text(stage.label)
    expect(page.get_by_test_id("status")).to_have_text("已批准入伍")
    results = page.get_by_test_id("stage-results").locator("tbody tr")
    expect(results).to_have_count(9)  # 应征报名 … 批准入伍, each with its date and who recorded it
    expect(results.last).to_contain_text("宋立军")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ENLISTED

    # His parents are 军属 now.
    for parent in parents:
        page.goto(f"{live_server.url}/people/{parent.pk}/")
        expect(page.get_by_test_id("identity-badge").filter(has_text="军属")).to_be_visible()

    # The three joint tasks, for the 新湖 station, on its 工作台.
    approvals = DomainEvent.objects.filter(kind=EventKind.ENLISTMENT_APPROVED, person=recruit)
    assert approvals.count() == 1
    tasks = Task.objects.filter(cause__in=approvals)
    assert sorted(tasks.values_list("kind", flat=True)) == sorted(
        [TaskKind.GIFT_PACK, TaskKind.HONOR_PLAQUE, TaskKind.ALLOWANCE_RECIPIENT]
    )
    assert all(t.region_code.startswith("371402001") for t in tasks)
    page.goto(f"{live_server.url}/")
    station = page.get_by_test_id("station-tasks")
    for kind in (TaskKind.GIFT_PACK, TaskKind.HONOR_PLAQUE, TaskKind.ALLOWANCE_RECIPIENT):
        expect(station.locator(f'[data-testid="task-row"][data-kind="{kind}"]')).to_have_count(1)

    # Approving again, from the board, is refused and changes nothing.
    counts = (DomainEvent.objects.count(), Task.objects.count())
    page.goto(f"{live_server.url}/conscription/campaigns/{candidate.campaign_id}/board/")
    board = page.get_by_test_id("advance-form")
    board.get_by_label("选择 孟凡卫").check()
    board.get_by_label("办理环节").select_option(label="批准入伍")
    board.get_by_label("日期").fill(today.isoformat())
    board.get_by_role("button", name="记录").click()
    expect(
        page.get_by_role("alert").filter(has_text="孟凡卫：该应征人员状态为“已批准入伍”，不能继续办理")
    ).to_be_visible()
    assert (DomainEvent.objects.count(), Task.objects.count()) == counts
    assert approvals.count() == 1

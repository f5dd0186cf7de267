"""The 工作台 as a station works it: a task from 批准入伍 is opened from the workbench, its link
leads to the form that does the work, and recording the work closes the task."""

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from yizhan.core.idnumber import make
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.services import create_person
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind, TaskStatus


def test_a_gift_pack_task_is_done_from_the_workbench_through_its_form(page, sign_in, live_server):
    today = timezone.localdate()
    number = make(area_code="371402", birth_date=datetime.date(2006, 5, 6), sex="M", sequence=21)
    soldier = create_person(
        actor=None, name="商春旺", id_number=number, region=Region.objects.get(code="371402001001")
    )
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:wb",
        person=soldier,
        occurred_on=today - datetime.timedelta(days=2),
    )

    sign_in(page, "xinhu_head")
    station = page.get_by_test_id("station-tasks")
    expect(station).to_contain_text("送入伍礼包")
    station.get_by_role("link", name="送入伍礼包（光荣牌＋优待服务指南＋安置政策手册）").click()
    expect(page.get_by_test_id("task-cause")).to_contain_text("批准入伍")
    page.get_by_test_id("work-link").click()

    page.get_by_label("签收家属").fill("商建国")
    page.get_by_label("光荣之家牌").check()
    page.get_by_label("军人军属优待服务指南").check()
    page.get_by_role("button", name="登记并办结").click()
    expect(page.get_by_text("尚缺")).to_be_visible()  # one visit brings all three, or nothing
    assert Task.objects.get(kind=TaskKind.GIFT_PACK).status == TaskStatus.OPEN

    page.get_by_label("退役安置政策法规手册").check()
    page.get_by_label("家属已在回执上签字").check()
    page.get_by_role("button", name="登记并办结").click()
    page.goto(f"{live_server.url}/")
    expect(page.get_by_test_id("station-tasks")).not_to_contain_text("送入伍礼包")
    assert Task.objects.get(kind=TaskKind.GIFT_PACK).status == TaskStatus.DONE

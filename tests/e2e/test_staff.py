"""系统 · 人员与岗位 as a station runs it: the administrator creates an account for a new 新湖 clerk
with his post; the clerk signs in with the first password, must change it, sees 新湖's 工作台 and
takes a task; the station head ends his post and the task returns to the station's queue.
(Administrators' TOTP is added to this walk with the 等保 part.)"""

import datetime
import re

from playwright.sync_api import expect

from yizhan.core.idnumber import make
from yizhan.people.services import create_person
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind, TaskStatus
from yizhan.worklist.services import ensure_task


def test_a_new_clerk_is_given_a_post_works_and_his_post_is_ended_by_the_station_head(
    browser, page, sign_in, live_server
):
    number = make(area_code="371402", birth_date=datetime.date(1998, 5, 6), sex="M", sequence=31)
    veteran = create_person(
        actor=None, name="商春旺", id_number=number, region=Region.objects.get(code="371402001001")
    )
    task, _ = ensure_task(
        kind=TaskKind.PROFILE_RECORD, rule="e2e:profile", department="veterans",
        due_on=datetime.date.today() + datetime.timedelta(days=20), region_code=veteran.region_id, person=veteran,
    )  # fmt: skip

    # The administrator creates the account and its post, picking 新湖街道 in the region tree.
    sign_in(page, "admin")
    page.get_by_test_id("menu").get_by_role("link", name="系统").click()
    page.get_by_role("link", name="人员与岗位").click()
    page.get_by_role("link", name="新建账号").click()
    page.get_by_label("用户名").fill("xinhu_feng")
    page.get_by_label("姓名").fill("冯新民")
    page.get_by_label("角色").select_option(label="干事")
    page.get_by_label("部门").select_option(label="退役军人服务站")
    page.get_by_role("link", name="山东省的下一级").click()
    page.get_by_role("link", name="德州市的下一级").click()
    page.get_by_role("link", name="德城区的下一级").click()
    page.get_by_role("radio", name="新湖街道").check()
    page.get_by_label("职务").fill("服务站干事")
    page.get_by_role("button", name="建立账号").click()
    password = page.get_by_test_id("one-time-password").inner_text().strip()
    assert len(password) >= 10

    # The clerk signs in, must change the password first, then sees 新湖's 工作台 and takes the task.
    clerk = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    sign_in(clerk, "xinhu_feng", password)
    expect(clerk.get_by_role("heading", name="修改密码")).to_be_visible()
    clerk.goto(f"{live_server.url}/people/")
    expect(clerk.get_by_role("heading", name="修改密码")).to_be_visible()
    clerk.get_by_label("原密码").fill(password)
    clerk.get_by_label(re.compile("^新密码")).fill("Hubin-desk-2027")
    clerk.get_by_label("再次输入新密码").fill("Hubin-desk-2027")
    clerk.get_by_role("button", name="修改密码").click()
    expect(clerk.get_by_test_id("whoami")).to_contain_text("新湖街道 服务站干事")
    clerk.get_by_test_id("station-tasks").get_by_role("link", name="建档立卡").click()
    clerk.get_by_role("button", name="认领").click()
    task.refresh_from_db()
    assert task.assignee.username == "xinhu_feng" and task.status == TaskStatus.IN_PROGRESS

    # The station head ends the post: the preview names the task, and it goes back to the station.
    head = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai").new_page()
    sign_in(head, "xinhu_head")
    head.goto(f"{live_server.url}/system/staff/")
    head.get_by_role("link", name="xinhu_feng").click()
    head.get_by_role("link", name="结束岗位").click()
    expect(head.get_by_test_id("handed-back")).to_contain_text("建档立卡")
    expect(head.get_by_test_id("handed-back")).to_contain_text("商春旺")
    head.once("dialog", lambda dialog: dialog.accept())
    head.get_by_role("button", name="结束岗位并退回待办").click()
    expect(head.get_by_role("alert")).to_contain_text("已结束岗位")
    task.refresh_from_db()
    assert (task.assignee_id, task.status) == (None, TaskStatus.OPEN)
    assert Task.objects.filter(status=TaskStatus.OPEN, assignee__isnull=True, pk=task.pk).exists()

"""Issue #12's Done-when, as a station runs it (two-factor login required, as in production): the
administrator enrols his authenticator, then creates an account for a new 新湖 clerk with his
post; the clerk signs in with the first password, must change it, sees 新湖's 工作台 and takes a
task; the station head, after his own second factor, ends the post with its preview and the task
returns to the station's queue. (The 2027 registration window is tests/e2e/test_policy.py.)"""

import datetime
import re

from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex
from playwright.sync_api import expect

from tests.otp import code_for, code_for_key
from yizhan.accounts.models import User
from yizhan.core.idnumber import make
from yizhan.people.services import create_person
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind, TaskStatus
from yizhan.worklist.services import ensure_task


def test_a_new_clerk_is_given_a_post_works_and_his_post_is_ended_by_the_station_head(
    browser, page, sign_in, live_server, settings
):
    settings.REQUIRE_OTP = True  # on in production; the clerk's role does not need it
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    head_key = random_hex(20)
    TOTPDevice.objects.create(user=User.objects.get(username="xinhu_head"), key=head_key, confirmed=True)
    number = make(area_code="371402", birth_date=datetime.date(1998, 5, 6), sex="M", sequence=31)
    veteran = create_person(
        actor=None, name="商春旺", id_number=number, region=Region.objects.get(code="371402001001")
    )
    task, _ = ensure_task(
        kind=TaskKind.PROFILE_RECORD, rule="e2e:profile", department="veterans",
        due_on=datetime.date.today() + datetime.timedelta(days=20), region_code=veteran.region_id, person=veteran,
    )  # fmt: skip

    # The administrator must enrol an authenticator before anything else; then he creates the
    # account and its post, picking 新湖街道 in the region tree.
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="启用双因素登录")).to_be_visible()
    page.goto(f"{live_server.url}/system/staff/")
    expect(page.get_by_role("heading", name="启用双因素登录")).to_be_visible()
    page.get_by_label("验证码").fill(code_for(page.get_by_test_id("otp-secret").inner_text()))
    page.get_by_role("button", name="启用").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="进入工作台").click()
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
    clerk.get_by_label("当前密码").fill(password)
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
    expect(head.get_by_role("heading", name="双因素验证")).to_be_visible()
    head.get_by_label("验证码").fill(code_for_key(head_key))
    head.get_by_role("button", name="验证").click()
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

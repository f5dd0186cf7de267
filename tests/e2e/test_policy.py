"""Done when (#12): a county officer changes the 2027 registration window for 德城区 from 系统 →
参数设置, and 昆山 keeps its own; then he changes a named rule value (报到期限) with a reason and
sees it in force, with its history."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from yizhan.conscription import services
from yizhan.conscription.models import RegistrationYear
from yizhan.core.policy_values import policy_value

D = datetime.date
DECHENG, KUNSHAN = "371402000000", "320583000000"


def test_a_county_officer_changes_the_2027_registration_window_for_decheng_and_kunshan_keeps_its_own(
    page, live_server, sign_in
):
    services.set_registration_year(
        actor=None, region_code=KUNSHAN, year=2027, window_start=D(2027, 1, 1), window_end=D(2027, 6, 30)
    )
    sign_in(page, "decheng")
    page.get_by_role("link", name="系统").first.click()
    page.get_by_role("link", name="参数设置").click()
    expect(page.get_by_role("heading", name="参数设置")).to_contain_text("德城区")
    page.get_by_test_id("page-conscription:settings").get_by_test_id("year-2027").click()

    form = page.get_by_test_id("settings-form")
    form.get_by_label("登记开始").fill("2027-02-01")
    form.get_by_label("登记截止").fill("2027-09-30")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_role("alert").or_(page.locator(".alert-success")).first).to_contain_text(
        "德城区 2027 年"
    )

    decheng = RegistrationYear.objects.get(region_code=DECHENG, year=2027)
    kunshan = RegistrationYear.objects.get(region_code=KUNSHAN, year=2027)
    assert (decheng.window_start, decheng.window_end) == (D(2027, 2, 1), D(2027, 9, 30))
    assert (kunshan.window_start, kunshan.window_end) == (D(2027, 1, 1), D(2027, 6, 30))

    # The change is listed under 兵役登记 on the 参数设置 page, with who made it.
    page.goto(f"{live_server.url}/system/policy/")
    expect(page.get_by_test_id("page-conscription:settings")).to_contain_text("郑国栋")

    # A named rule value: 报到期限 for 德城区, with a reason; its history shows it in force.
    page.get_by_test_id("value-checkin.days").get_by_role("link", name="历史与修改").click()
    form = page.get_by_test_id("policy-form")
    form.get_by_label("退役报到期限（天）").fill("45")
    form.get_by_label("修改原因").fill("区退役军人事务局通知")
    form.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("in-force")).to_contain_text("45 天（本地区设置）")
    expect(page.get_by_test_id("history")).to_contain_text("区退役军人事务局通知")
    today = timezone.localdate()
    assert policy_value("checkin.days", region_code="371402001001", on=today) == 45
    assert policy_value("checkin.days", region_code="320583400001", on=today) == 30

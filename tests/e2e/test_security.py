"""In a browser: an administrator, required to use a second factor, enrols an authenticator
from the QR page, keeps his recovery codes, and signs in again with a code; a clerk whose
password must change goes to the change page and, once changed, to his 工作台."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.otp import code_for
from yizhan.accounts.models import User


def test_the_administrator_enrols_an_authenticator_and_signs_in_with_it(page, sign_in, settings):
    settings.REQUIRE_OTP = True
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="启用双因素登录")).to_be_visible()
    qr = page.get_by_test_id("otp-qr")
    expect(qr).to_be_visible()
    assert page.evaluate("document.querySelector('[data-testid=otp-qr]').naturalWidth") > 100
    secret = page.get_by_test_id("otp-secret").inner_text()
    field = page.get_by_label("验证码")
    assert field.get_attribute("autocomplete") == "one-time-code"
    field.fill(code_for(secret))
    page.get_by_role("button", name="启用").click()
    expect(page.get_by_test_id("recovery-codes").locator("li")).to_have_count(10)
    page.get_by_role("link", name="进入工作台").click()
    page.get_by_role("button", name="退出").click()

    sign_in(page, "admin")
    expect(page.get_by_role("heading", name="双因素验证")).to_be_visible()
    page.get_by_label("验证码").fill(code_for(secret, ahead=1))  # the enrolment's own code is spent
    page.get_by_role("button", name="验证").click()
    page.get_by_test_id("menu").get_by_role("link", name="系统").click()
    expect(page.get_by_test_id("area-links")).to_contain_text("在线用户")
    page.get_by_role("link", name="登录日志").click()
    expect(page.get_by_test_id("log-table")).to_contain_text("登录成功")


def test_a_clerk_who_must_change_his_password_changes_it_and_reaches_his_workbench(page, sign_in):
    User.objects.filter(username="xinhu_clerk").update(must_change_password=True)
    sign_in(page, "xinhu_clerk")
    expect(page.get_by_test_id("password-why")).to_be_visible()
    page.goto(page.url.replace("/accounts/password/", "/people/"))
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    page.get_by_label("当前密码").fill("yizhan-demo")
    page.get_by_label("新密码", exact=True).fill("xinhu")  # too short, and the rules say why
    page.get_by_label("再次输入新密码").fill("xinhu")
    page.get_by_role("button", name="修改密码").click()
    expect(page.locator(".invalid-feedback").first).to_contain_text("至少 10 位")
    page.get_by_label("当前密码").fill("yizhan-demo")
    page.get_by_label("新密码", exact=True).fill("Hongqi-2027x")
    page.get_by_label("再次输入新密码").fill("Hongqi-2027x")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("alert")).to_contain_text("密码已修改")
    page.get_by_role("link", name="工作台").first.click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

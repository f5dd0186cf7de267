from playwright.sync_api import expect


def test_the_clerk_signs_in_and_sees_his_workbench_with_name_and_post(page, sign_in, live_server):
    sign_in(page, "xinhu_clerk")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()
    expect(page.get_by_test_id("whoami")).to_contain_text("韩晓东")
    expect(page.get_by_test_id("whoami")).to_contain_text("新湖街道 服务站干事")
    expect(page.get_by_test_id("menu")).to_contain_text("退役军人")
    expect(page.get_by_test_id("menu")).not_to_contain_text("征兵")
    # Every asset came from this server.
    assert page.evaluate(
        "[...document.querySelectorAll('script[src],link[href]')].every(e => (e.src || e.href).startsWith(location.origin))"
    )


def test_a_wrong_password_shows_a_chinese_error(page, sign_in):
    sign_in(page, "xinhu_clerk", password="not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")


def test_at_phone_width_the_menu_opens_from_a_button(page, sign_in):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "xinhu_head")
    menu = page.get_by_test_id("menu")
    expect(menu).not_to_be_visible()
    page.get_by_role("button", name="菜单").click()
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("征兵")


def test_logout_returns_to_the_login_page(page, sign_in):
    sign_in(page, "xinhu_clerk")
    page.get_by_role("button", name="退出").click()
    expect(page.get_by_role("button", name="登录")).to_be_visible()

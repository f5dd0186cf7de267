import datetime

from playwright.sync_api import expect

from yizhan.core.idnumber import make
from yizhan.people.models import Person
from yizhan.people.services import create_person
from yizhan.regions.models import Region


def register(name: str, village: str, sequence: int, phone: str = "") -> Person:
    number = make(area_code=village[:6], birth_date=datetime.date(1998, 4, 5), sex="M", sequence=sequence)
    return create_person(
        actor=None, name=name, id_number=number, phone=phone, region=Region.objects.get(code=village)
    )


def test_a_stale_save_is_refused_without_losing_either_edit(browser, sign_in, live_server):
    person = register("商春旺", "371402001001", 1)
    head = browser.new_context(locale="zh-CN").new_page()
    clerk = browser.new_context(locale="zh-CN").new_page()
    for page, username in ((head, "xinhu_head"), (clerk, "xinhu_clerk")):
        sign_in(page, username)
        page.goto(f"{live_server.url}/people/{person.pk}/edit/")

    head.get_by_label("现住址").fill("新湖社区1号楼")
    head.get_by_role("button", name="保存").click()
    expect(head.get_by_test_id("person-header")).to_contain_text("新湖社区1号楼")

    clerk.get_by_label("现住址").fill("运河社区9号")
    clerk.get_by_label("备注").fill("电话核实过")
    clerk.get_by_role("button", name="保存").click()
    conflict = clerk.get_by_test_id("conflict")
    expect(conflict).to_contain_text("已被他人修改")
    expect(conflict).to_contain_text("新湖社区1号楼")  # what the head changed, shown to the clerk
    expect(clerk.get_by_label("现住址")).to_have_value("运河社区9号")  # the clerk's edit is kept
    expect(clerk.get_by_label("备注")).to_have_value("电话核实过")
    assert Person.objects.get(pk=person.pk).address == "新湖社区1号楼"  # nothing overwritten

    clerk.get_by_role("button", name="保存").click()  # after reading, the clerk saves on the new version
    expect(clerk.get_by_test_id("person-header")).to_contain_text("运河社区9号")
    saved = Person.objects.get(pk=person.pk)
    assert (saved.address, saved.notes, saved.version) == ("运河社区9号", "电话核实过", 3)


def test_the_clerk_finds_a_person_by_pinyin_initials_from_the_top_search_box(page, sign_in, live_server):
    register("商春旺", "371402001002", 2)
    register("商春旺", "320583400001", 3)  # same name in 花桥: never shown to a 新湖 clerk
    sign_in(page, "xinhu_clerk")
    page.get_by_test_id("top-search").fill("scw")
    page.get_by_test_id("top-search").press("Enter")
    rows = page.get_by_test_id("people-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("湖滨社区")
    rows.first.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("商春旺")


def test_revealing_the_full_phone_needs_a_reason_and_shows_it_in_place(page, sign_in, live_server):
    person = register("商春旺", "371402001001", 4, phone="13912345678")
    sign_in(page, "xinhu_clerk")
    page.goto(f"{live_server.url}/people/{person.pk}/")
    expect(page.get_by_test_id("person-header")).to_contain_text("139****5678")
    expect(page.get_by_test_id("person-header")).not_to_contain_text("13912345678")
    form = page.get_by_test_id("reveal-form")
    form.get_by_label("查看项目").select_option("phone")
    form.get_by_role("button", name="查看完整信息").click()
    expect(form).to_contain_text("请填写查看事由")
    form.get_by_label("查看事由").fill("回访核实")
    form.get_by_role("button", name="查看完整信息").click()
    expect(page.get_by_test_id("revealed-value")).to_have_text("13912345678")


def test_a_foreign_persons_page_answers_not_found(page, sign_in, live_server):
    foreign = register("钱外乡", "320583400001", 5)
    sign_in(page, "xinhu_clerk")
    response = page.goto(f"{live_server.url}/people/{foreign.pk}/")
    assert response.status == 404
    expect(page.locator("body")).not_to_contain_text("钱外乡")


def test_a_search_by_id_number_stays_out_of_the_address_bar_and_the_history(page, sign_in, live_server):
    person = register("商春旺", "371402001001", 5)
    sign_in(page, "xinhu_clerk")
    visited = []
    page.on("framenavigated", lambda frame: visited.append(frame.url) if frame == page.main_frame else None)

    page.get_by_test_id("top-search").fill(person.id_number)  # the box on every page
    page.get_by_test_id("top-search").press("Enter")
    rows = page.get_by_test_id("people-table").locator("tbody tr")
    expect(rows).to_have_count(1)
    assert "/people/?s=" in page.url and person.id_number not in page.url

    page.get_by_test_id("people-search").fill(person.id_number)  # the list's own box (htmx)
    page.get_by_test_id("people-search").press("Enter")
    expect(page.get_by_text(f"检索“{person.id_number}”")).to_be_visible()
    page.wait_for_function("() => location.search.startsWith('?s=')")
    assert person.id_number not in page.url

    # Every address the tab has shown, and each one its history goes back through.
    assert visited and not [url for url in visited if person.id_number in url]
    while page.evaluate("history.length") > 1 and page.url != "about:blank":
        before = page.url
        page.go_back()
        if page.url == before:
            break
        assert person.id_number not in page.url

"""The family tab in a real browser: a relative is found with the person picker (keyboard only),
the relation recorded, then removed with a reason — and the 军属 badge follows each step."""

import datetime

from playwright.sync_api import expect

from tests.e2e.test_people import register
from yizhan.lifecycle.services import emit
from yizhan.people.models import Sex
from yizhan.people.services import create_person
from yizhan.regions.models import Region


def badges(page):
    return page.get_by_test_id("person-header").get_by_test_id("identity-badge")


def test_a_relation_added_through_the_picker_and_removed_moves_the_military_family_badge(
    page, sign_in, live_server
):
    soldier = register("商春旺", "371402001001", 11)
    emit(
        kind="enlistment_approved", key="candidate:e2e", person=soldier, occurred_on=datetime.date(2020, 9, 1)
    )
    wife = create_person(
        actor=None, name="李芳", sex=Sex.FEMALE, birth_date=datetime.date(2001, 6, 1),
        region=Region.objects.get(code="371402001001"),
    )  # fmt: skip
    sign_in(page, "xinhu_clerk")
    page.goto(f"{live_server.url}/people/{wife.pk}/")
    expect(badges(page)).to_have_count(0)

    page.goto(f"{live_server.url}/people/{soldier.pk}/")
    page.get_by_text("添加亲属关系").click()
    form = page.get_by_test_id("relation-add")
    box = form.get_by_test_id("picker-relative")
    box.fill("lf")  # pinyin initials of 李芳
    option = form.get_by_test_id("picker-option")
    expect(option).to_have_count(1)
    expect(option).to_contain_text("李芳")
    box.press("ArrowDown")
    expect(option).to_be_focused()
    page.keyboard.press("Enter")
    expect(form).to_contain_text("已选择：李芳")
    form.get_by_label("关系").select_option("spouse")
    form.get_by_role("button", name="添加").click()
    relation = page.get_by_test_id("relation").filter(has_text="李芳")
    expect(relation).to_contain_text("配偶")

    relation.get_by_role("link", name="李芳").click()
    expect(badges(page)).to_have_text(["军属"])

    page.goto(f"{live_server.url}/people/{soldier.pk}/")
    relation = page.get_by_test_id("relation").filter(has_text="李芳")
    relation.get_by_text("更正或删除").click()
    relation.get_by_label("删除原因").fill("录入错误")
    relation.get_by_test_id("relation-remove").click()
    expect(page.get_by_test_id("family")).to_contain_text("暂无亲属关系记录")
    page.goto(f"{live_server.url}/people/{wife.pk}/")
    expect(badges(page)).to_have_count(0)


def test_the_merge_page_offers_same_name_records_through_the_picker_and_a_click_opens_the_check(
    page, sign_in, live_server
):
    keep = register("商春旺", "371402001001", 12)
    twin = create_person(
        actor=None, name="商春旺", sex=Sex.MALE, region=Region.objects.get(code="371402001002")
    )
    sign_in(page, "xinhu_head")
    page.goto(f"{live_server.url}/people/{keep.pk}/merge/")
    option = page.get_by_test_id("picker-option")
    expect(option).to_have_count(1)  # searched by his name at once; himself left out
    expect(option).to_contain_text("湖滨社区")
    option.click()
    expect(page).to_have_url(f"{live_server.url}/people/{keep.pk}/merge/?duplicate={twin.pk}")
    expect(page.get_by_text("并入后停用")).to_be_visible()

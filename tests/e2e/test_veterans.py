"""Issue 5's walk: discharge → 报到 → 建档立卡 → 优待证 (only what the system cannot know) →
county approval → handed out, each step on the veteran's timeline."""

import datetime
import io

from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from yizhan.core.idnumber import make
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.services import create_person
from yizhan.regions.models import Region
from yizhan.veterans.models import CardStatus, PreferentialCard


def submit_with_a_white_photo(form) -> None:
    """The one thing the clerk adds to the card form: a photo on a white background."""
    buffer = io.BytesIO()
    Image.new("RGB", (352, 440), "white").save(buffer, "JPEG")
    form.get_by_label("白底证件照").set_input_files(
        {"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": buffer.getvalue()}
    )
    form.get_by_role("button", name="受理并提交").click()


def test_a_discharged_member_gets_his_card_with_only_the_photo_typed(
    browser, sign_in, live_server, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    today = timezone.localdate()
    enlisted = today.replace(year=today.year - 2) - datetime.timedelta(days=10)
    number = make(area_code="371402", birth_date=datetime.date(2004, 5, 6), sex="M", sequence=11)
    soldier = create_person(
        actor=None,
        name="商春旺",
        id_number=number,
        phone="13912345678",
        region=Region.objects.get(code="371402001001"),
        address="新湖社区3号楼",
    )
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:e2e",
        person=soldier,
        occurred_on=enlisted,
        payload={"branch": "army"},
    )

    clerk = browser.new_context(locale="zh-CN").new_page()
    sign_in(clerk, "xinhu_clerk")
    clerk.goto(f"{live_server.url}/people/{soldier.pk}/?tab=service")
    clerk.get_by_role("link", name="退出现役").click()
    clerk.get_by_label("退役日期").fill((today - datetime.timedelta(days=3)).isoformat())
    clerk.get_by_label("安置方式").select_option(label="自主就业")
    clerk.get_by_label("退役证号").fill("退字2026001")
    clerk.get_by_role("button", name="保存").click()
    expect(clerk.get_by_test_id("identity-badge").first).to_have_text("退役军人")

    clerk.get_by_role("link", name="退役报到").click()
    clerk.get_by_label("退役证").check()
    clerk.get_by_role("button", name="保存").click()
    clerk.get_by_role("link", name="建档立卡").click()
    clerk.get_by_label("类别").select_option(label="退役士兵")
    clerk.get_by_role("button", name="保存").click()

    clerk.get_by_role("link", name="办理优待证").first.click()
    known = clerk.get_by_test_id("known")
    expect(known).to_contain_text("商春旺")
    expect(known).to_contain_text("退字2026001")
    expect(known).to_contain_text(f"{enlisted.year}年{enlisted.month}月{enlisted.day}日")
    form = clerk.get_by_test_id("card-form")
    expect(form.get_by_label("联系电话（登记中缺失时填写）")).to_have_count(0)  # known already: not asked
    submit_with_a_white_photo(form)
    expect(clerk.get_by_test_id("card-status")).to_have_text("受理")
    clerk.get_by_role("button", name="报县级审核").click()
    expect(clerk.get_by_test_id("card-status")).to_have_text("县级审核")
    card = PreferentialCard.objects.get(person=soldier)

    county = browser.new_context(locale="zh-CN").new_page()
    sign_in(county, "decheng")
    county.goto(f"{live_server.url}/veterans/cards/?status=county_review")
    county.get_by_role("link", name="商春旺").click()
    county.get_by_role("button", name="审核通过，制卡").click()
    expect(county.get_by_test_id("card-status")).to_have_text("制卡中")
    county.get_by_role("button", name="证件已到县").click()
    expect(county.get_by_test_id("card-status")).to_have_text("已到县")

    clerk.goto(f"{live_server.url}/veterans/cards/{card.pk}/")
    clerk.get_by_label("签收人").fill("商春旺")
    clerk.get_by_role("button", name="发放（签收）").click()
    expect(clerk.get_by_test_id("card-status")).to_have_text("已发放")
    assert PreferentialCard.objects.get(pk=card.pk).status == CardStatus.ISSUED

    clerk.goto(f"{live_server.url}/people/{soldier.pk}/?tab=timeline")
    timeline = clerk.get_by_test_id("timeline")
    for step in [
        "业务事件：退出现役",
        "退役报到",
        "建档立卡",
        "优待证受理",
        "优待证报县级审核",
        "优待证审核通过，制卡",
        "优待证已到县",
        "优待证已发放",
    ]:
        expect(timeline).to_contain_text(step)
    expect(clerk.get_by_test_id("events")).to_contain_text("退役报到")  # the discharge's tasks, traced


def test_a_veteran_without_a_profile_gets_his_card_from_the_search_box_touching_only_photo_and_category(
    browser, sign_in, live_server, settings, tmp_path
):
    """Issue 11's walk: search → person → 办理优待证; the missing 建档立卡 is done on the way with
    the category proposed from his service record, then the card form; nothing typed but the
    photo, nothing clicked away from the flow."""
    from yizhan.veterans.services import record_discharge

    settings.DOCUMENTS_DIR = tmp_path
    today = timezone.localdate()
    number = make(area_code="371402", birth_date=datetime.date(today.year - 26, 5, 6), sex="M", sequence=13)
    veteran = create_person(
        actor=None, name="商春旺", id_number=number, phone="13912345678",
        region=Region.objects.get(code="371402001001"), address="新湖社区3号楼",
    )  # fmt: skip
    emit(
        kind=EventKind.ENLISTMENT_APPROVED, key="candidate:e2e-flow", person=veteran,
        occurred_on=today.replace(year=today.year - 6), payload={"branch": "army"},
    )  # fmt: skip
    record_discharge(
        actor=None, person=veteran, on=today.replace(year=today.year - 1), settlement_type="demobilized"
    )

    clerk = browser.new_context(locale="zh-CN").new_page()
    sign_in(clerk, "xinhu_clerk")
    clerk.get_by_test_id("top-search").fill("scw")
    clerk.get_by_test_id("top-search").press("Enter")
    clerk.get_by_test_id("people-table").get_by_role("link", name="商春旺").click()
    clerk.get_by_role("tab", name="服役").click()
    clerk.get_by_role("link", name="办理优待证").click()

    profile = clerk.get_by_test_id("profile-form")
    expect(profile.get_by_label("类别")).to_have_value("demobilized")  # 复员: from his service record
    profile.get_by_label("类别").select_option(label="复员军人")
    profile.get_by_role("button", name="保存建档立卡，继续申领").click()

    assert clerk.url.endswith(f"/veterans/people/{veteran.pk}/card/")  # the same page, next step
    expect(clerk.get_by_test_id("known")).to_contain_text("退役军人优待证")
    form = clerk.get_by_test_id("card-form")
    submit_with_a_white_photo(form)

    expect(clerk.get_by_test_id("card-status")).to_have_text("受理")
    card = PreferentialCard.objects.get(person=veteran)
    assert card.status == CardStatus.ACCEPTED and card.person.profile_record.category == "demobilized"
    # His office's steps only: the county's review is not offered to the station.
    clerk.get_by_role("button", name="报县级审核").click()
    expect(clerk.get_by_test_id("card-status")).to_have_text("县级审核")
    expect(clerk.get_by_role("button", name="审核通过，制卡")).to_have_count(0)
    expect(clerk.get_by_test_id("card-waiting")).to_contain_text("县级退役军人事务部门")

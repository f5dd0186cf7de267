"""Issue 14's campaign walk: decheng opens the 2027 春节 campaign for 重点优抚对象 and 烈属; the
worker makes one task per household, grouped by grid; the village liaison, on his phone, records
two visits, one with a need that opens a hardship case; coverage shows 2 of 3; the ledger exports."""

import datetime

from playwright.sync_api import expect

from yizhan.accounts.models import User
from yizhan.accounts.services import save_grid
from yizhan.care.groups import GROUPS
from yizhan.core.idnumber import make
from yizhan.ledgers.jobs import work
from yizhan.people.services import create_household, create_person, grant_identity
from yizhan.regions.models import Region
from yizhan.veterans.models import AssistanceCase
from yizhan.worklist.models import Task, TaskKind

INDEX = {value: n for n, (value, _) in enumerate(GROUPS)}


def person(name, village, sequence, kind, subtype="", sex="M"):
    born = datetime.date(1950, 3, 1)
    someone = create_person(
        actor=None, name=name, sex=sex, region=Region.objects.get(code=village),
        id_number=make(area_code="371402", birth_date=born, sex=sex, sequence=sequence),
    )  # fmt: skip
    grant_identity(
        actor=None,
        person=someone,
        kind=kind,
        subtype=subtype,
        since=datetime.date(2020, 1, 1),
        source="manual",
    )
    return someone


def test_a_county_campaign_is_visited_on_a_phone_and_covered(
    browser, page, sign_in, live_server, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    save_grid(
        actor=None, village=Region.objects.get(code="371402001001"), name="第一网格",
        liaison=User.objects.get(username="xinhu_village"),
    )  # fmt: skip
    old = person("商老兵", "371402001001", 11, "priority_entitled")
    wife = person("王秀英", "371402001001", 12, "priority_entitled", sex="F")
    create_household(actor=None, region=old.region, address="运河路 1 号", members=[old, wife], head=old)
    person("李桂兰", "371402001001", 13, "bereaved_family", subtype="martyr", sex="F")
    person("赵重点", "371402001004", 14, "priority_entitled")  # a village without a grid

    sign_in(page, "decheng")
    page.goto(f"{live_server.url}/care/campaigns/new/")
    form = page.get_by_test_id("campaign-form")
    form.get_by_label("活动名称").fill("2027年春节走访慰问")
    form.get_by_label("活动类别").select_option("spring_festival")
    form.get_by_label("开始日期").fill("2027-01-20")
    form.get_by_label("结束日期").fill("2027-02-10")
    form.get_by_test_id(f"target-{INDEX['identity:priority_entitled']}").check()
    form.get_by_test_id(f"target-{INDEX['bereaved:martyr']}").check()
    form.get_by_role("button", name="发起并生成走访对象").click()
    expect(page.get_by_test_id("campaign-run")).to_contain_text("排队中")

    assert work(once=True) == 1  # the worker beside the web server
    assert Task.objects.filter(kind=TaskKind.CAMPAIGN_VISIT).count() == 3  # per household, not per person
    page.reload()
    blocks = page.get_by_test_id("grid-block")
    expect(blocks).to_have_count(2)
    expect(blocks.nth(0)).to_contain_text("第一网格")
    expect(blocks.nth(0)).to_contain_text("商老兵户")
    expect(blocks.nth(1)).to_contain_text("未划网格")
    expect(page.get_by_test_id("coverage-summary")).to_contain_text("0/3")
    campaign_url = page.url

    phone = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", timezone_id="Asia/Shanghai"
    )
    phone.set_default_timeout(10_000)
    liaison = phone.new_page()
    sign_in(liaison, "xinhu_village")
    liaison.goto(campaign_url)
    liaison.get_by_role("link", name="李桂兰").click()
    visit = liaison.get_by_test_id("campaign-visit-form")
    visit.get_by_label("走访人员").fill("站长 宋某；联络员 魏某")
    visit.get_by_label("走访情况").fill("老人身体尚好")
    visit.get_by_label("发现的需求").fill("房屋漏雨需修缮")
    visit.get_by_label("需求后续办理").select_option("hardship")
    visit.get_by_test_id("campaign-visit-save").click()
    expect(liaison.get_by_test_id("coverage-summary")).to_contain_text("1/2")  # his village only
    liaison.get_by_role("link", name="商老兵户").click()
    liaison.get_by_test_id("campaign-visit-form").get_by_label("走访人员").fill("联络员 魏某")
    liaison.get_by_test_id("campaign-visit-save").click()
    expect(liaison.get_by_test_id("coverage-summary")).to_contain_text("2/2")
    assert AssistanceCase.objects.get(person__name="李桂兰").description == "房屋漏雨需修缮"
    phone.close()

    page.reload()
    expect(page.get_by_test_id("coverage-summary")).to_contain_text("2/3")
    with page.expect_download() as download:
        page.get_by_test_id("campaign-export").click()
    assert download.value.suggested_filename.endswith("2027年春节走访慰问走访慰问登记表.xlsx")

"""The standard ledgers as xlsx: title, unit, date and Chinese headers; only rows in the exporter's
jurisdiction; personal numbers masked without the reveal permission; every export audited.

The data lives in two townships — 新湖街道 (德城区, 371402001xxx) and 花桥 (昆山市, 320583400xxx) —
and every ledger is read back with openpyxl."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tests.benefits.factories import benefits_of
from tests.files import png
from yizhan.accounts.roles import ROLE_PERMISSIONS, Perm, Role
from yizhan.audit.models import AuditEvent
from yizhan.benefits.models import HonorPlaque, PlaqueCategory, PlaqueStatus
from yizhan.care import services as care_services
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    CandidateStatus,
    Registration,
    Stage,
    StageResult,
    TownshipQuota,
)
from yizhan.core.masking import mask_bank_account, mask_id_number, mask_phone
from yizhan.ledgers.exports import service
from yizhan.ledgers.exports.registry import LEDGERS, find_ledger
from yizhan.people import services as people
from yizhan.people.models import IdentityKind, RelationKind, ServiceRecord
from yizhan.regions.models import Region
from yizhan.veterans.models import PreferentialCard, ProfileRecord
from yizhan.worklist.services import ensure_task

XINHU = "371402001000"
XINHU_VILLAGE = "371402001001"
HUBIN_VILLAGE = "371402001002"
DECHENG = "371402000000"
HUAQIAO = "320583400000"
HUAQIAO_VILLAGE = "320583400001"
YEAR = 2026
DAY = datetime.date(2026, 10, 9)


def veteran(make_person, name: str, village: str, phone: str):
    person = make_person(name=name, village=village, born=datetime.date(1995, 4, 2), phone=phone)
    people.grant_identity(
        actor=None, person=person, kind=IdentityKind.VETERAN, since=datetime.date(2019, 9, 1), source="manual"
    )
    ServiceRecord.objects.create(
        person=person, enlisted_on=datetime.date(2015, 9, 1), discharged_on=datetime.date(2019, 9, 1),
        branch="army", settlement_type="self_employed",
    )  # fmt: skip
    ProfileRecord.objects.create(
        person=person, category="discharged_soldier", created_on=datetime.date(2019, 10, 8)
    )
    household = people.create_household(
        actor=None, region=person.region, address=f"{name}家", members=[person], head=person
    )
    photo = people.attach_document(
        actor=None,
        person=person,
        kind="photo",
        title="照片",
        content=png(name),
        filename="p.png",
    )
    PreferentialCard.objects.create(
        person=person, card_type="veteran", photo=photo, applicant="本人", accepted_on=DAY
    )
    HonorPlaque.objects.create(
        household=household, category=PlaqueCategory.VETERAN, status=PlaqueStatus.HUNG, hung_on=DAY,
        hung_by="区退役军人事务局、街道武装部", signed=True,
    )  # fmt: skip
    care_services.record_visit(
        actor=None, person=person, reason="spring_festival", visited_on=DAY, participants="站长",
        money=Decimal("500"), goods="米、油",
    )  # fmt: skip
    person.refresh_from_db()
    return person


def merit_notice(person) -> None:
    award = people.add_award(actor=None, person=person, level="third_class", awarded_on=DAY)
    task, _ = ensure_task(
        kind="merit_notice", rule="test:merit", department="joint", due_on=DAY, region_code=person.region_id,
        person=person,
    )  # fmt: skip
    care_services.record_merit_notice(
        actor=None, task=task, award=award, family_address="新湖路1号", delivered_on=DAY, participants="站长",
        logged_on=DAY, family_signed=True, signer_name="商父",
    )  # fmt: skip


@pytest.fixture
def townships(make_person, _private_data_dir):
    """Veterans (with card, plaque and visit) in two 新湖 villages and in 花桥; 18-year-olds, one
    registered, in both townships; a 喜报 delivered in each."""
    found = {
        "xinhu": veteran(make_person, "商春旺", XINHU_VILLAGE, "13800001234"),
        "hubin": veteran(make_person, "李湖滨", HUBIN_VILLAGE, "13800005678"),
        "huaqiao": veteran(make_person, "钱花桥", HUAQIAO_VILLAGE, "13900009999"),
        "unregistered": make_person(name="赵应登", village=XINHU_VILLAGE, born=datetime.date(2008, 4, 1)),
        "unregistered_there": make_person(
            name="孙应登", village=HUAQIAO_VILLAGE, born=datetime.date(2008, 6, 1)
        ),
        "registered": make_person(name="周已登", village=XINHU_VILLAGE, born=datetime.date(2008, 2, 1)),
    }
    Registration.objects.create(
        person=found["registered"], year=YEAR, registered_on=datetime.date(2026, 3, 1), kind="initial",
        conclusion="liable", wants_to_enlist=True,
    )  # fmt: skip
    merit_notice(found["xinhu"])
    merit_notice(found["huaqiao"])
    return found


def read(content: bytes) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def export(user, slug: str, region: str, year: int | None = None, *, full: bool = False) -> list[list]:
    """The ledger as `user` exports it, read back: [title row, unit/date row, headers, *rows];
    `full` asks for full numbers, with a purpose."""
    target = io.BytesIO()
    service.export_ledger(
        actor=user, ledger=LEDGERS[slug], region=Region.objects.get(code=region), year=year, target=target,
        full=full, reason="报送上级" if full else "",
    )  # fmt: skip
    return read(target.getvalue())


def column(sheet: list[list], header: str) -> list:
    index = sheet[2].index(header)
    return [row[index] for row in sheet[3:]]


def today_text() -> str:
    today = timezone.localdate()
    return f"导出日期：{today.year}年{today.month}月{today.day}日"


@pytest.fixture
def without_reveal(monkeypatch):
    """Station clerks lose REVEAL_PII (every demo persona with EXPORT holds it)."""
    monkeypatch.setitem(
        ROLE_PERMISSIONS, Role.STATION_CLERK, ROLE_PERMISSIONS[Role.STATION_CLERK] - {Perm.REVEAL_PII}
    )


# --- the sheet ---------------------------------------------------------------------------------


def test_the_veterans_roster_opens_with_title_unit_date_and_the_chinese_headers(townships, persona):
    sheet = export(persona("xinhu_clerk"), "veterans", XINHU)
    assert sheet[0][0] == "德城区新湖街道退役军人花名册"
    assert sheet[1][0] == "填报单位：德州市德城区新湖街道"
    assert today_text() in sheet[1]
    assert sheet[2] == [
        "序号", "村（社区）", "姓名", "性别", "出生日期", "公民身份号码", "民族", "联系电话", "入伍时间",
        "退役时间", "军兵种", "人员类别", "安置方式", "建档立卡类别", "现住址",
    ]  # fmt: skip
    first = dict(zip(sheet[2], sheet[3], strict=True))
    assert first["序号"] == 1
    assert first["姓名"] == "商春旺" and first["村（社区）"] == "新湖社区"
    assert first["入伍时间"] == datetime.datetime(2015, 9, 1)
    assert (first["军兵种"], first["安置方式"], first["建档立卡类别"]) == ("陆军", "自主就业", "退役士兵")


def test_a_station_clerk_exports_only_his_townships_veterans(townships, persona):
    sheet = export(persona("xinhu_clerk"), "veterans", XINHU)
    assert column(sheet, "姓名") == ["商春旺", "李湖滨"]


def test_the_county_officer_exports_his_county_and_never_another(townships, persona):
    county_officer = persona("decheng")
    assert column(export(county_officer, "veterans", DECHENG), "姓名") == ["商春旺", "李湖滨"]
    assert export(county_officer, "veterans", DECHENG)[0][0] == "德城区退役军人花名册"
    with pytest.raises(Http404):
        export(county_officer, "veterans", HUAQIAO)


def test_a_clerk_cannot_export_another_township_by_naming_it(townships, persona):
    with pytest.raises(Http404):
        export(persona("xinhu_clerk"), "visits", HUAQIAO)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_a_village_narrows_the_roster_to_that_village(townships, persona):
    sheet = export(persona("xinhu_head"), "veterans", HUBIN_VILLAGE)
    assert sheet[0][0] == "德城区新湖街道湖滨社区退役军人花名册"
    assert column(sheet, "姓名") == ["李湖滨"]


# --- masking and audit ---------------------------------------------------------------------------


def test_personal_numbers_are_masked_for_an_exporter_without_the_reveal_permission(
    townships, persona, without_reveal
):
    sheet = export(persona("xinhu_clerk"), "veterans", XINHU)
    veteran = townships["xinhu"]
    assert column(sheet, "公民身份号码")[0] == mask_id_number(veteran.id_number) != veteran.id_number
    assert column(sheet, "联系电话")[0] == "138****1234"
    assert AuditEvent.objects.get(action="export").changes["full"] is False


def test_personal_numbers_are_masked_for_every_role_unless_asked_for(townships, persona):
    sheet = export(persona("xinhu_head"), "veterans", XINHU)
    assert column(sheet, "公民身份号码") == [
        mask_id_number(townships["xinhu"].id_number),
        mask_id_number(townships["hubin"].id_number),
    ]
    assert column(sheet, "联系电话") == ["138****1234", "138****5678"]


def test_personal_numbers_are_in_full_when_a_holder_of_reveal_asks_with_a_purpose(townships, persona):
    with pytest.raises(ValidationError, match="须填写用途"):
        service.export_ledger(
            actor=persona("xinhu_head"), ledger=LEDGERS["veterans"], region=Region.objects.get(code=XINHU),
            year=None, target=io.BytesIO(), full=True, reason="",
        )  # fmt: skip
    sheet = export(persona("xinhu_head"), "veterans", XINHU, full=True)
    assert AuditEvent.objects.get(action="export").reason == "报送上级"
    assert column(sheet, "公民身份号码") == [townships["xinhu"].id_number, townships["hubin"].id_number]
    assert column(sheet, "联系电话") == ["13800001234", "13800005678"]


def test_the_village_liaison_may_not_export(townships, persona):
    with pytest.raises(PermissionDenied):
        export(persona("xinhu_village"), "veterans", XINHU_VILLAGE)
    assert not AuditEvent.objects.filter(action="export").exists()


def test_every_export_is_audited_with_the_ledger_the_row_count_and_whether_in_full(townships, persona):
    head = persona("xinhu_head")
    export(head, "veterans", XINHU, full=True)
    export(head, "unregistered", XINHU, year=YEAR)
    events = list(AuditEvent.objects.filter(action="export").order_by("id"))
    assert [(e.actor, e.object_type, e.object_id, e.region_code) for e in events] == [
        (head, "ledger", "veterans", XINHU),
        (head, "ledger", "unregistered", XINHU),
    ]
    assert events[0].changes == {"ledger": "退役军人花名册", "rows": 2, "full": True}
    assert events[1].changes == {"ledger": "应登未登名单", "rows": 1, "full": False, "year": YEAR}


# --- the ledgers one by one ---------------------------------------------------------------------


def test_the_unregistered_list_names_only_the_townships_unregistered_18_year_olds(townships, persona):
    sheet = export(persona("xinhu_head"), "unregistered", XINHU, year=YEAR)
    assert sheet[0][0] == "德城区新湖街道2026年应登未登名单"
    assert sheet[2] == [
        "序号",
        "村（社区）",
        "姓名",
        "性别",
        "出生日期",
        "公民身份号码",
        "联系电话",
        "现住址",
    ]
    assert column(sheet, "姓名") == ["赵应登"]


def test_the_registration_roster_lists_the_townships_registrations(townships, persona):
    sheet = export(persona("xinhu_head"), "registrations", XINHU, year=YEAR)
    assert column(sheet, "姓名") == ["周已登"]
    assert (column(sheet, "初步结论"), column(sheet, "应征意向")) == (["应服兵役"], ["是"])


def test_a_veterans_clerk_is_not_offered_the_conscription_ledgers(townships, persona):
    clerk = persona("xinhu_clerk")  # 服务站干事: the veterans department only
    offered = {ledger.slug for ledger in service.ledgers_for(clerk)}
    assert {"veterans", "preferential-cards", "visits"} <= offered
    assert not {"registrations", "unregistered", "conscription-progress"} & offered
    with pytest.raises(PermissionDenied):
        export(clerk, "unregistered", XINHU, year=YEAR)


def test_the_card_ledger_lists_the_townships_applications_masked_without_reveal(
    townships, persona, without_reveal
):
    sheet = export(persona("xinhu_clerk"), "preferential-cards", XINHU, year=YEAR)
    assert sheet[0][0] == "德城区新湖街道2026年优待证办理台账"
    assert column(sheet, "姓名") == ["商春旺", "李湖滨"]
    assert column(sheet, "证件类型") == ["退役军人优待证"] * 2
    assert column(sheet, "办理状态") == ["受理"] * 2
    assert column(sheet, "公民身份号码") == [
        mask_id_number(townships[k].id_number) for k in ("xinhu", "hubin")
    ]
    assert column(sheet, "联系电话") == [mask_phone("13800001234"), mask_phone("13800005678")]


def test_the_card_ledger_shows_full_numbers_to_an_exporter_with_reveal(townships, persona):
    sheet = export(persona("decheng"), "preferential-cards", DECHENG, full=True)
    assert column(sheet, "公民身份号码") == [townships["xinhu"].id_number, townships["hubin"].id_number]


def test_the_plaque_register_lists_the_townships_households(townships, persona):
    sheet = export(persona("xinhu_clerk"), "honor-plaques", XINHU)
    assert sheet[0][0] == "德城区新湖街道光荣牌悬挂登记表"
    assert sheet[2][:7] == ["序号", "村（社区）", "户主", "家庭成员", "家庭住址", "类别", "状态"]
    assert column(sheet, "户主") == ["商春旺", "李湖滨"]
    assert column(sheet, "类别") == ["退役军人家庭"] * 2
    assert column(sheet, "悬挂日期") == [datetime.datetime(2026, 10, 9)] * 2
    assert column(sheet, "家属签收") == ["是"] * 2


def test_the_visit_register_lists_the_townships_visits_with_the_money(townships, persona):
    sheet = export(persona("xinhu_clerk"), "visits", XINHU, year=YEAR)
    assert sheet[0][0] == "德城区新湖街道2026年走访慰问登记表"
    assert column(sheet, "慰问对象") == ["商春旺", "李湖滨"]
    assert column(sheet, "走访类别") == ["春节走访慰问"] * 2
    assert column(sheet, "慰问金（元）") == [500] * 2
    assert export(persona("xinhu_clerk"), "visits", XINHU, year=2025)[3:] == []


def test_the_merit_notice_register_lists_the_townships_deliveries(townships, persona):
    sheet = export(persona("xinhu_clerk"), "merit-notices", XINHU)
    assert column(sheet, "立功受奖人员") == ["商春旺"]
    assert (column(sheet, "奖励等级"), column(sheet, "签收人")) == (["三等功"], ["商父"])


def test_the_families_roster_names_each_relative_beside_the_serving_member(make_person, persona):
    soldier = make_person(name="吴现役", village=XINHU_VILLAGE, born=datetime.date(2006, 3, 1))
    father = make_person(
        name="吴建国", village=XINHU_VILLAGE, born=datetime.date(1976, 3, 1), phone="13700002222"
    )
    mother = make_person(name="王秀英", village=XINHU_VILLAGE, born=datetime.date(1978, 5, 1), sex="F")
    ServiceRecord.objects.create(person=soldier, enlisted_on=datetime.date(2025, 9, 1))
    people.add_relation(actor=None, person=soldier, relative=father, kind=RelationKind.PARENT)
    people.add_relation(actor=None, person=mother, relative=soldier, kind=RelationKind.CHILD)  # other side
    for relative in (father, mother):
        people.grant_identity(
            actor=None, person=relative, kind=IdentityKind.MILITARY_FAMILY, since=datetime.date(2025, 9, 1),
            source="test", through=soldier,
        )  # fmt: skip
    sheet = export(persona("xinhu_clerk"), "families", XINHU, full=True)
    assert sheet[0][0] == "德城区新湖街道现役军人家庭名册"
    assert column(sheet, "现役军人") == ["吴现役", "吴现役"]
    assert column(sheet, "家属姓名") == ["吴建国", "王秀英"]
    assert column(sheet, "与军人关系") == ["父母", "父母"]
    assert column(sheet, "入伍时间") == [datetime.datetime(2025, 9, 1)] * 2
    assert column(sheet, "联系电话")[0] == "13700002222"


def test_the_allowance_sheet_keeps_to_the_township_and_masks_bank_accounts_without_reveal(
    make_person, persona, without_reveal
):
    here = make_person(name="商春旺", village=XINHU_VILLAGE, born=datetime.date(2006, 3, 1))
    there = make_person(name="钱花桥", village=HUAQIAO_VILLAGE, born=datetime.date(2006, 3, 1))
    benefits_of(here)
    benefits_of(there)
    sheet = export(persona("xinhu_clerk"), "allowance", XINHU)
    assert column(sheet, "军人姓名") == ["商春旺"]
    assert column(sheet, "银行账号") == [mask_bank_account("6228480000000000001")]
    assert column(sheet, "领取人身份证号") == [mask_id_number(here.id_number)]
    assert column(sheet, "金额（元）") == [10000]
    full = export(persona("xinhu_head"), "allowance", XINHU, full=True)
    assert column(full, "银行账号") == ["6228480000000000001"]


def test_the_conscription_progress_counts_candidates_through_each_stage_against_the_quota(
    make_person, persona
):
    campaign = Campaign.objects.create(
        county_id=DECHENG, year=YEAR, half="H2", opens_on=datetime.date(2026, 5, 1),
        approval_on=datetime.date(2026, 9, 1), quota=10,
    )  # fmt: skip
    TownshipQuota.objects.create(campaign=campaign, township_id=XINHU, quota=3)
    passed = make_person(name="甲", village=XINHU_VILLAGE, born=datetime.date(2006, 1, 1))
    failed = make_person(name="乙", village=XINHU_VILLAGE, born=datetime.date(2006, 2, 1))
    applied = datetime.date(2026, 6, 1)
    ok = Candidate.objects.create(
        campaign=campaign,
        person=passed,
        region_code=passed.region_id,
        applied_on=applied,
        stage=Stage.MEDICAL,
    )
    out = Candidate.objects.create(
        campaign=campaign, person=failed, region_code=failed.region_id, applied_on=applied,
        stage=Stage.PRESCREEN, status=CandidateStatus.FAILED, failed_stage=Stage.MEDICAL,
    )  # fmt: skip
    for candidate, stage, result in [
        (ok, Stage.PRESCREEN, True), (ok, Stage.MEDICAL, True), (out, Stage.PRESCREEN, True), (out, Stage.MEDICAL, False),
    ]:  # fmt: skip
        StageResult.objects.create(candidate=candidate, stage=stage, passed=result, on=applied)
    sheet = export(persona("xinhu_head"), "conscription-progress", XINHU, year=YEAR)
    assert sheet[0][0] == "德城区新湖街道2026年征兵进度表"
    row = dict(zip(sheet[2], sheet[3], strict=True))
    assert (row["乡镇（街道）"], row["任务数"], row["报名人数"]) == ("新湖街道", 3, 2)
    assert (row["初审初检通过"], row["体格检查通过"], row["政治考核通过"]) == (2, 1, 0)
    assert (row["未通过"], row["已批准入伍"], row["任务完成率"]) == (1, 0, "0.0%")
    assert len(sheet) == 4, "one township, one campaign"


@pytest.mark.parametrize("slug", list(LEDGERS))
def test_every_ledger_writes_title_unit_date_and_headers_even_when_empty(slug, persona):
    ledger = LEDGERS[slug]
    sheet = export(persona("decheng"), slug, DECHENG, year=YEAR)
    assert sheet[0][0].startswith("德城区") and sheet[0][0].endswith(ledger.name)
    assert sheet[1][0] == "填报单位：德州市德城区"
    assert today_text() in sheet[1]
    assert sheet[2] == ledger.headers
    assert sheet[3:] == []


def test_a_ledger_is_found_by_its_chinese_name_or_its_slug():
    assert find_ledger("应登未登名单") is find_ledger("unregistered") is LEDGERS["unregistered"]
    assert find_ledger("花名册") is None

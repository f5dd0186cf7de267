"""The other four kinds: veterans (service records), families (relations), registrations, awards."""

from __future__ import annotations

import datetime

import pytest

from tests.ledgers.messy import id_of
from yizhan.conscription.models import Registration, RegistrationKind, RegistrationYear
from yizhan.core import crypto
from yizhan.ledgers.importing.report import errors_of
from yizhan.people.models import ID_CONTEXT, Award, Identity, Person, Relation, ServiceRecord
from yizhan.people.services import create_person
from yizhan.regions.models import Region

D = datetime.date


def person(number: str) -> Person:
    return Person.objects.get(id_number_bidx=crypto.blind_index(number, context=ID_CONTEXT))


def errors(run) -> list[tuple[int, str]]:
    return [(e["row"], e["column"]) for e in errors_of(run)]


def current(person_, kind: str) -> Identity | None:
    return person_.identities.filter(Identity.current_q(), kind=kind).first()


VETERAN = id_of(D(1996, 4, 4), "M", 20)
RECRUIT = id_of(D(2005, 6, 6), "M", 21)
BACKWARDS = id_of(D(1997, 7, 7), "M", 22)


def test_veterans_get_their_service_record_and_identity_from_the_ledger(sheet_file, run_import):
    path = sheet_file(
        [
            "序号",
            "姓名",
            "身份证号码",
            "入伍年月",
            "退役时间",
            "安置方式",
            "人员类别",
            "军兵种",
            "村（社区）",
        ],
        [
            [1, "退役甲", VETERAN, "2015.09", "2017年9月", "自主就业", "义务兵", "陆军", "新湖"],
            [2, "现役乙", RECRUIT, datetime.datetime(2024, 9, 1), None, None, "义务兵", "海军", ""],
            [3, "倒序丙", BACKWARDS, "2016-09", "2015-09", None, None, None, None],
        ],
    )

    run = run_import(path, kind="veterans")

    assert run.counts() == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 1,
        "ignored_blank": 0,
    }
    assert errors(run) == [(4, "退役时间")]
    veteran = person(VETERAN)
    service = veteran.service_records.get()
    assert (service.enlisted_on, service.discharged_on, service.settlement_type, service.branch) == (
        D(2015, 9, 1),
        D(2017, 9, 1),
        "self_employed",
        "army",
    )
    assert current(veteran, "veteran").since == D(2017, 9, 1)
    recruit = person(RECRUIT)
    assert recruit.service_records.get().discharged_on is None
    assert current(recruit, "active_servicemember").since == D(2024, 9, 1)
    assert not Person.objects.filter(name="倒序丙").exists()


def test_a_service_record_differing_from_the_registry_is_reported_not_rewritten(sheet_file, run_import):
    header = ["姓名", "身份证号", "入伍时间", "退役时间", "安置方式"]
    run_import(sheet_file(header, [["退役甲", VETERAN, "2015-09", "2017-09", "自主就业"]]), kind="veterans")

    again = run_import(
        sheet_file(header, [["退役甲", VETERAN, "2015-09", "2017-09", "安排工作"]], name="b.xlsx"),
        kind="veterans",
    )

    assert (again.created, again.unchanged, again.rejected) == (0, 0, 1)
    assert (
        next(errors_of(again))["reason"]
        == "系统中已有该服役记录，其安置方式为“自主就业”，与表中不一致，请核对"
    )
    assert ServiceRecord.objects.get().settlement_type == "self_employed"


FATHER = id_of(D(1975, 3, 1), "M", 30)
MOTHER = id_of(D(1977, 3, 1), "F", 31)
STRANGER = id_of(D(1960, 1, 1), "M", 32)


def test_families_are_linked_to_the_serving_member_and_become_military_family(
    serving, sheet_file, run_import
):
    village = Region.objects.get(code="371402001001")
    create_person(actor=None, name="王秀英", id_number=MOTHER, region=village)
    civilian = create_person(actor=None, name="平民", id_number=STRANGER, region=village)
    unknown_member = id_of(D(2004, 1, 1), "M", 33)
    path = sheet_file(
        ["姓名", "身份证号", "与军人关系", "军人姓名", "军人身份证号", "联系电话"],
        [
            ["商建国", FATHER, "父亲", "商春旺", serving.id_number, "13811112222"],
            ["王秀英", MOTHER, "母亲", "商春旺", serving.id_number, ""],
            ["某某", id_of(D(1980, 1, 1), "F", 34), "母亲", "", unknown_member, ""],
            ["某乙", id_of(D(1981, 1, 1), "F", 35), "配偶", "", civilian.id_number, ""],
        ],
    )

    run = run_import(path, kind="families")

    assert run.counts() == {
        "rows": 4,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 2,
        "ignored_blank": 0,
    }
    assert errors(run) == [(4, "军人身份证号"), (5, "军人身份证号")]
    father = person(FATHER)
    assert Relation.objects.get(person=serving, relative=father).kind == "parent"
    assert current(father, "military_family").through == serving
    assert current(person(MOTHER), "military_family").through == serving

    again = run_import(path, kind="families")
    assert (again.created, again.unchanged, again.rejected) == (0, 2, 2)


DAUGHTER = id_of(D(2000, 2, 2), "F", 36)
SON = id_of(D(2001, 3, 3), "M", 37)


def test_the_import_counts_an_adult_child_as_military_family_only_when_unable_to_live_independently(
    serving, sheet_file, run_import
):
    village = Region.objects.get(code="371402001001")
    create_person(actor=None, name="商小红", id_number=DAUGHTER, region=village, dependent_adult=True)
    path = sheet_file(
        ["姓名", "身份证号", "与军人关系", "军人身份证号"],
        [["商小红", DAUGHTER, "女儿", serving.id_number], ["商小军", SON, "儿子", serving.id_number]],
    )
    run = run_import(path, kind="families")
    assert run.rejected == 0
    assert current(person(DAUGHTER), "military_family").through == serving
    assert current(person(SON), "military_family") is None


@pytest.fixture
def registration_year(db):
    """The national default shipped for 2026 (1 January – 31 October)."""
    return RegistrationYear.objects.get(region_code="", year=2026)


YOUNG = id_of(D(2008, 5, 5), "M", 40)
GIRL = id_of(D(2008, 6, 6), "F", 41)
LATE = id_of(D(2008, 7, 7), "M", 42)


def test_registrations_are_recorded_through_the_registration_service(
    registration_year, sheet_file, run_import
):
    path = sheet_file(
        ["姓名", "身份证号", "登记日期", "初步结论", "是否大学生"],
        [
            ["青年甲", YOUNG, "2026-03-01", "应服兵役", "否"],
            ["青年乙", GIRL, "2026-03-01", "应服", ""],
            ["青年丙", LATE, "2026-11-15", "应服", ""],
        ],
    )

    run = run_import(path, kind="registrations")

    # After the window closes a man of registration age is recorded as 补登 (no dead ends, #11).
    assert (run.created, run.rejected) == (2, 1)
    assert [(e["row"], e["column"], e["reason"]) for e in errors_of(run)] == [
        (3, "登记日期", "兵役登记对象为男性公民"),
    ]
    assert set(Registration.objects.filter(person__name="青年丙").values_list("kind", flat=True)) == {
        RegistrationKind.LATE
    }
    registration = Registration.objects.get(person__name="青年甲")
    assert (registration.person.name, registration.kind, registration.conclusion) == (
        "青年甲",
        "initial",
        "liable",
    )
    assert current(registration.person, "registrant") is not None
    assert not Person.objects.filter(name="青年乙").exists(), "a refused row leaves no person"

    again = run_import(path, kind="registrations")
    assert (again.created, again.unchanged, again.rejected) == (0, 2, 1)


def test_awards_are_added_once_and_an_unknown_level_is_refused(serving, sheet_file, run_import):
    path = sheet_file(
        ["姓名", "身份证号", "奖励等级", "授予时间", "文号"],
        [
            ["商春旺", serving.id_number, "三等功", "2025-08-01", "〔2025〕12号"],
            ["商春旺", serving.id_number, "四等功", "2025-09-01", ""],
        ],
    )

    run = run_import(path, kind="awards")

    assert (run.created, run.rejected) == (1, 1)
    assert [(e["row"], e["column"]) for e in errors_of(run)] == [(3, "奖励等级")]
    award = Award.objects.get()
    assert (award.person, award.level, award.awarded_on, award.notice_number) == (
        serving,
        "third_class",
        D(2025, 8, 1),
        "〔2025〕12号",
    )
    assert (run_import(path, kind="awards").unchanged, Award.objects.count()) == (1, 1)

    other_notice = sheet_file(
        ["姓名", "身份证号", "奖励等级", "授予时间", "文号"],
        [["商春旺", serving.id_number, "个人三等功", "2025-08-01", "〔2025〕99号"]],
        name="b.xlsx",
    )
    conflict = run_import(other_notice, kind="awards")
    assert [(e["column"], e["reason"]) for e in errors_of(conflict)] == [
        ("文号", "系统中该奖励的通知文号为“〔2025〕12号”，与表中不一致")
    ]


def test_two_awards_of_one_person_are_two_facts_but_the_same_award_twice_is_a_repeat(
    world, sheet_file, run_import
):
    number = id_of(D(2003, 3, 3), "M", 50)
    path = sheet_file(
        ["姓名", "身份证号", "奖励等级", "授予时间"],
        [
            ["新兵丁", number, "优秀士兵", "2024-12"],
            ["新兵丁", number, "三等功", "2025-08-01"],
            ["新兵丁", number, "优秀士兵", "2024.12"],
        ],
    )

    run = run_import(path, kind="awards")

    assert (run.created, run.rejected) == (2, 1)
    assert next(errors_of(run))["reason"] == "与第 2 行是同一人的同一条记录，请删除重复行"
    assert person(number).awards.count() == 2

"""兵役登记: who registers as what, the window, duplicates, the yearly 核验, and 应登未登."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from yizhan.conscription import selectors, services
from yizhan.conscription.models import Candidate, Conclusion, RegistrationKind
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import Education, IdentityKind

from .conftest import HUAQIAO_VILLAGE, XINHU_VILLAGE

D = datetime.date
ON = D(2026, 4, 1)


def register(person, **extra):
    values = {"actor": None, "person": person, "on": ON, "conclusion": Conclusion.LIABLE, **extra}
    return services.record_registration(**values)


def refusal(person, **extra) -> str:
    with pytest.raises(ValidationError) as caught:
        register(person, **extra)
    return " ".join(caught.value.messages)


def test_a_man_turning_18_this_year_registers_initially(make_person, year_2026):
    registration = register(make_person(name="王初登", born=D(2008, 12, 31)))
    assert (registration.kind, registration.year, registration.registered_on) == (
        RegistrationKind.INITIAL,
        2026,
        ON,
    )


def test_a_seventeen_year_old_may_volunteer(make_person, year_2026):
    assert register(make_person(name="王自愿", born=D(2009, 1, 1))).kind == RegistrationKind.VOLUNTEER


@pytest.mark.parametrize(
    ("born", "education", "university"),
    [
        (D(2006, 1, 1), "", False),  # 20 at the end of 2026: the general limit
        (D(2004, 1, 1), Education.SENIOR, False),  # 22 with senior school
        (D(2002, 1, 1), "", True),  # 24 as a university student
        (D(2002, 6, 1), Education.BACHELOR, False),  # 24 as a graduate
    ],
)
def test_an_older_man_registers_late_up_to_the_limit_of_his_education(
    make_person, year_2026, born, education, university
):
    person = make_person(name="王补登", born=born, education=education)
    assert register(person, is_university_student=university).kind == RegistrationKind.LATE


@pytest.mark.parametrize(
    ("born", "sex", "education", "message"),
    [
        (D(2010, 1, 1), "M", "", "未满 17 周岁，不能登记"),
        (D(2005, 1, 1), "M", "", "已超过补登年龄上限（20 周岁）"),
        (D(2003, 1, 1), "M", Education.SENIOR, "已超过补登年龄上限（22 周岁）"),
        (D(2008, 5, 1), "F", "", "兵役登记对象为男性公民"),
    ],
)
def test_registration_is_refused_with_the_reason_in_chinese(
    make_person, year_2026, born, sex, education, message
):
    person = make_person(name="王不登", born=born, sex=sex, education=education)
    assert message in refusal(person)
    assert not hasattr(person, "registration")


def test_a_man_who_missed_the_window_registers_late_after_it_closes(make_person, year_2026):
    registration = register(make_person(name="王迟到", born=D(2008, 5, 1)), on=D(2026, 11, 2))
    assert (registration.kind, registration.year) == (RegistrationKind.LATE, 2026)


def test_late_registration_after_the_window_keeps_the_age_limit_of_his_education(make_person, year_2026):
    assert "已超过补登年龄上限（20 周岁）" in refusal(
        make_person(name="王超龄", born=D(2005, 1, 1)), on=D(2026, 12, 1)
    )
    graduate = make_person(name="王硕士", born=D(2002, 1, 1), education=Education.BACHELOR)
    assert register(graduate, on=D(2026, 12, 1)).kind == RegistrationKind.LATE


def test_a_seventeen_year_old_volunteers_only_inside_the_window(make_person, year_2026):
    message = refusal(make_person(name="王早到", born=D(2009, 6, 1)), on=D(2026, 11, 2))
    assert "2026 年兵役登记时间为 1月1日 至 10月31日" in message
    assert "17 周岁自愿登记须在此期间办理" in message


def test_a_man_turning_18_waits_for_a_window_that_has_not_opened(make_person, world):
    services.set_registration_year(
        actor=None, region_code="", year=2026, window_start=D(2026, 3, 1), window_end=D(2026, 6, 30)
    )
    assert "尚未开始" in refusal(make_person(name="王未开", born=D(2008, 5, 1)), on=D(2026, 2, 1))
    assert (
        register(make_person(name="王去年", born=D(2007, 5, 1)), on=D(2026, 2, 1)).kind
        == RegistrationKind.LATE
    )


def test_registration_in_a_year_without_settings_is_refused(make_person, year_2026):
    person = make_person(name="王无设", born=D(2010, 5, 1))
    assert "尚未设置 2028 年兵役登记" in refusal(person, on=D(2028, 3, 1))


def test_a_second_registration_is_refused(make_person, year_2026):
    person = make_person(name="王重复", born=D(2008, 5, 1))
    register(person)
    assert "已进行过兵役登记" in refusal(person, on=D(2026, 5, 1))


def test_exempt_or_disqualified_needs_a_reason(make_person, year_2026):
    person = make_person(name="王免服", born=D(2008, 5, 1))
    assert "须填写原因" in refusal(person, conclusion=Conclusion.EXEMPT)
    registration = register(person, conclusion=Conclusion.EXEMPT, reason="独生子女且父母残疾")
    assert (registration.conclusion, registration.reason) == (Conclusion.EXEMPT, "独生子女且父母残疾")


def test_registering_makes_him_a_registrant_once(make_person, year_2026):
    person = make_person(name="王登记", born=D(2008, 5, 1))
    registration = register(person)
    assert person.identities.filter(kind=IdentityKind.REGISTRANT, until__isnull=True).count() == 1
    assert DomainEvent.objects.filter(
        kind=EventKind.REGISTRATION_RECORDED, key=f"registration:{registration.pk}"
    ).exists()


def test_a_registrant_who_wants_to_enlist_enters_the_open_campaign(make_person, year_2026, campaign):
    person = make_person(name="王应征", born=D(2008, 5, 1))
    register(person, on=D(2026, 6, 1), wants_to_enlist=True)
    candidate = Candidate.objects.get(person=person)
    assert (candidate.campaign, candidate.applied_on) == (campaign, D(2026, 6, 1))
    assert person.identities.filter(kind=IdentityKind.APPLICANT, until__isnull=True).exists()


def test_a_registrant_without_the_wish_stays_out_of_the_campaign(make_person, year_2026, campaign):
    person = make_person(name="王不征", born=D(2008, 5, 1))
    register(person, on=D(2026, 6, 1))
    assert not Candidate.objects.filter(person=person).exists()


def test_verification_is_yearly_from_the_year_after_registration(make_person, year_2026):
    registration = register(make_person(name="王核验", born=D(2008, 5, 1)))
    with pytest.raises(ValidationError, match="自 2027 年起每年核验"):
        services.verify_registration(
            actor=None, registration=registration, on=D(2026, 12, 1), conclusion="liable"
        )
    services.verify_registration(actor=None, registration=registration, on=D(2027, 3, 1), conclusion="liable")
    with pytest.raises(ValidationError, match="2027 年已核验"):
        services.verify_registration(
            actor=None, registration=registration, on=D(2027, 6, 1), conclusion="liable"
        )
    with pytest.raises(ValidationError, match="须填写原因"):
        services.verify_registration(
            actor=None, registration=registration, on=D(2028, 3, 1), conclusion="exempt"
        )
    assert registration.verifications.count() == 1


def test_must_register_lists_exactly_the_unregistered_18_year_old_males_in_scope(
    make_person, persona, year_2026
):
    hubin, xinhu = "371402001002", XINHU_VILLAGE
    expected = [
        make_person(name="乙未登", village=xinhu, born=D(2008, 12, 31)),
        make_person(name="甲未登", village=xinhu, born=D(2008, 1, 1)),
        make_person(name="丙未登", village=hubin, born=D(2008, 6, 1)),
    ]
    register(make_person(name="丁已登", village=xinhu, born=D(2008, 6, 1)))
    make_person(name="戊女子", village=xinhu, born=D(2008, 6, 1), sex="F")
    make_person(name="己十九", village=xinhu, born=D(2007, 12, 31))
    make_person(name="庚十七", village=xinhu, born=D(2009, 1, 1))
    make_person(name="辛花桥", village=HUAQIAO_VILLAGE, born=D(2008, 6, 1))

    listed = list(selectors.must_register(persona("xinhu_head"), 2026))

    assert [p.name for p in listed] == ["乙未登", "甲未登", "丙未登"]  # by village, then name
    assert {p.pk for p in listed} == {p.pk for p in expected}
    counts = [
        (v.code, v.name, v.count) for v in selectors.must_register_by_village(persona("xinhu_head"), 2026)
    ]
    assert counts == [(xinhu, "新湖社区", 2), (hubin, "湖滨社区", 1)]
    assert [p.name for p in selectors.must_register(persona("huaqiao_clerk"), 2026)] == ["辛花桥"]
    assert [p.name for p in selectors.must_register(persona("xinhu_village"), 2026)] == ["乙未登", "甲未登"]
    assert list(selectors.must_register(persona("admin"), 2026)) == []


def test_a_campaign_for_an_unknown_half_is_refused_in_chinese_before_the_database_is_asked(world):
    from yizhan.regions.models import Region

    with pytest.raises(ValidationError) as refused:
        services.create_campaign(
            actor=None, county=Region.objects.get(code="371402000000"), year=2026, half="second",
            opens_on=D(2026, 5, 1), approval_on=D(2026, 9, 1), quota=10,
        )  # fmt: skip
    assert refused.value.message_dict["half"] == ["请选择上半年或下半年批次。"]

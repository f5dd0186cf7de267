"""民兵整组: who may be on the year's roster is decided by militia.rules alone — the roster of 新湖
lists only eligible men, veterans first, and an ineligible assignment is refused with its reason,
from the militia pages and from anywhere else that could set the 民兵 identity."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.militia.conftest import DAY, YEAR, born_aged
from yizhan.audit.models import AuditEvent
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.militia import selectors, services
from yizhan.militia.models import Category, Membership, MilitiaPost, Specialty
from yizhan.people.models import Identity, IdentityKind
from yizhan.people.services import grant_identity


def join(person, unit, category=Category.ORDINARY, **extra):
    return services.join(
        actor=None, person=person, unit=unit, year=YEAR, category=category, joined_on=DAY, **extra
    )


def refusal_of(person, unit, category=Category.ORDINARY, **extra) -> str:
    with pytest.raises(ValidationError) as caught:
        join(person, unit, category, **extra)
    return " ".join(caught.value.message_dict["person"])


def test_a_sixty_six_year_old_is_refused_with_his_age_and_the_limit(company, make_person):
    old = make_person(name="商老汉", born=born_aged(66))
    assert refusal_of(old, company) == "编入时66周岁，超过普通民兵的年龄上限35周岁，不能编入普通民兵。"
    assert not old.identities.filter(kind=IdentityKind.MILITIA).exists()
    assert not Membership.objects.exists()


def test_the_person_page_no_longer_offers_militia_and_refuses_it_when_posted(company, make_person, login_as):
    old = make_person(name="商老汉", born=born_aged(66))
    client = login_as("xinhu_head")
    page = client.get(f"/people/{old.pk}/?tab=service").content.decode()
    assert 'value="militia"' not in page
    client.post(f"/people/{old.pk}/identities/", {"kind": "militia", "since": "2026-11-01"})
    assert not old.identities.filter(kind=IdentityKind.MILITIA).exists()


def test_the_militia_identity_cannot_be_granted_outside_the_militia_rules(company, make_person):
    old = make_person(name="商老汉", born=born_aged(66))
    with pytest.raises(ValidationError) as caught:
        grant_identity(actor=None, person=old, kind=IdentityKind.MILITIA, since=DAY, source="manual")
    assert "编入民兵组织" in " ".join(caught.value.messages)


def test_a_serving_man_and_a_woman_and_a_boy_are_refused(company, make_person):
    soldier = make_person(name="现役甲", born=born_aged(20))
    grant_identity(
        actor=None,
        person=soldier,
        kind="active_servicemember",
        since=datetime.date(2025, 9, 1),
        source="manual",
    )
    assert refusal_of(soldier, company) == "现役军人不编入民兵组织。"
    assert (
        refusal_of(make_person(name="女青年", born=born_aged(20), sex="F"), company)
        == "民兵整组对象为符合条件的男性公民。"
    )
    boy = make_person(name="少年", born=born_aged(17))
    assert refusal_of(boy, company) == "编入时17周岁，未满18周岁，不能编入民兵组织。"


def test_a_backbone_member_must_be_a_veteran_or_trained_and_young_enough(company, make_person, veteran_of):
    untrained = make_person(name="青年甲", born=born_aged(22))
    assert (
        refusal_of(untrained, company, Category.BACKBONE)
        == "基干民兵须为退役士兵或受过军事训练的人员，请编为普通民兵。"
    )
    assert join(veteran_of("退役乙", 27), company, Category.BACKBONE).is_veteran
    assert refusal_of(veteran_of("退役丙", 30), company, Category.BACKBONE) == (
        "编入时30周岁，超过基干民兵的年龄上限28周岁，不能编入基干民兵。"
    )


def test_cadres_and_specialists_may_be_older_but_never_beyond_the_widened_limit(
    company, make_person, veteran_of
):
    assert join(make_person(name="连长甲", born=born_aged(40)), company, post=MilitiaPost.COMMANDER)
    assert join(make_person(name="卫生员", born=born_aged(44)), company, specialty=Specialty.MEDICAL)
    assert join(veteran_of("老兵排长", 33), company, Category.BACKBONE, post=MilitiaPost.PLATOON_LEADER)
    assert refusal_of(make_person(name="战士甲", born=born_aged(40)), company) == (
        "编入时40周岁，超过普通民兵的年龄上限35周岁，不能编入普通民兵。"
    )
    assert refusal_of(
        make_person(name="连长乙", born=born_aged(46)), company, post=MilitiaPost.COMMANDER
    ) == ("编入时46周岁，超过民兵干部和专业技术民兵的年龄上限45周岁，不能编入普通民兵。")


@pytest.mark.parametrize(
    ("name", "value", "category", "age", "extra"),
    [
        ("militia.min_age", 19, Category.ORDINARY, 18, {}),
        ("militia.ordinary_max_age", 30, Category.ORDINARY, 32, {}),
        ("militia.backbone_max_age", 25, Category.BACKBONE, 26, {}),
        ("militia.backbone_max_age_widened", 30, Category.BACKBONE, 32, {"post": MilitiaPost.SQUAD_LEADER}),
        ("militia.ordinary_max_age_widened", 40, Category.ORDINARY, 42, {"specialty": Specialty.DRONE}),
    ],
)
def test_every_age_limit_is_the_countys_setting(
    company, veteran_of, county_sets, name, value, category, age, extra
):
    man = veteran_of("退役丁", age)
    assert join(man, company, category, **extra)  # the national default lets him in
    Membership.objects.all().delete()
    county_sets(name, value)
    assert refusal_of(man, company, category, **extra)


def test_a_county_setting_beyond_forty_five_is_refused(world):
    from yizhan.core.policy_values import spec_of

    for name in (
        "militia.backbone_max_age_widened",
        "militia.ordinary_max_age_widened",
        "militia.ordinary_max_age",
    ):
        with pytest.raises(ValidationError):
            spec_of(name).clean("46")


def test_joining_grants_the_identity_and_leaving_ends_it_both_audited(company, veteran_of):
    man = veteran_of("退役戊", 26)
    membership = join(man, company, Category.BACKBONE)
    militia = man.identities.get(kind=IdentityKind.MILITIA)
    assert militia.source == f"militia:{membership.pk}" and militia.until is None
    services.leave(actor=None, membership=membership, left_on=DAY, reason="外出务工")
    militia.refresh_from_db()
    assert militia.until == DAY
    actions = list(AuditEvent.objects.filter(object_id=str(man.pk)).values_list("action", flat=True))
    assert "militia.join" in actions and "militia.leave" in actions
    with pytest.raises(ValidationError) as caught:
        join(man, company, Category.BACKBONE)
    assert "已编入2027年度民兵组织" in caught.value.message_dict["person"][0]


def test_approved_enlistment_takes_a_member_off_the_roster(company, make_person):
    man = make_person(name="青年己", born=born_aged(19))
    membership = join(man, company)
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:militia",
        person=man,
        occurred_on=DAY,
        payload={"branch": "army"},
    )
    membership.refresh_from_db()
    assert (membership.left_on, membership.leave_reason) == (DAY, "批准入伍")
    assert not man.identities.filter(Identity.current_q(DAY), kind=IdentityKind.MILITIA).exists()


def test_the_candidates_are_the_eligible_men_veterans_first(company, make_person, veteran_of, persona):
    young, veteran = make_person(name="青年庚", born=born_aged(20)), veteran_of("退役辛", 30)
    make_person(name="商老汉", born=born_aged(66))
    make_person(name="女青年", born=born_aged(20), sex="F")
    serving = make_person(name="现役壬", born=born_aged(21))
    grant_identity(
        actor=None,
        person=serving,
        kind="active_servicemember",
        since=datetime.date(2025, 9, 1),
        source="manual",
    )
    on_roster = make_person(name="已编癸", born=born_aged(23))
    join(on_roster, company)
    found = selectors.candidates(user=persona("xinhu_head"), township=company.township, year=YEAR)
    assert [c.person for c in found] == [veteran, young]
    assert [c.category for c in found] == [
        Category.ORDINARY,
        Category.ORDINARY,
    ]  # a 30-year-old veteran is past 28


def test_the_roster_page_lists_veterans_first_and_the_join_page_shows_the_refusal(
    company, make_person, veteran_of, login_as
):
    join(make_person(name="青年庚", born=born_aged(20)), company)
    join(veteran_of("退役辛", 26), company, Category.BACKBONE)
    client = login_as("xinhu_head")
    page = client.get(f"/militia/?year={YEAR}").content.decode()
    assert page.index("退役辛") < page.index("青年庚")
    old = make_person(name="商老汉", born=born_aged(66))
    response = client.post(f"/militia/join/?year={YEAR}", {
        "person": old.pk, "unit": company.pk, "category": "ordinary", "post": "member", "specialty": "general",
        "joined_on": DAY.isoformat(),
    })  # fmt: skip
    assert response.status_code == 200
    assert "超过普通民兵的年龄上限35周岁" in response.content.decode()
    assert not Membership.objects.filter(person=old).exists()


def test_the_callout_list_masks_phones(company, make_person, login_as):
    join(make_person(name="青年庚", born=born_aged(20), phone="13912345678"), company)
    page = login_as("xinhu_head").get(f"/militia/callout/?year={YEAR}").content.decode()
    assert "139****5678" in page and "13912345678" not in page

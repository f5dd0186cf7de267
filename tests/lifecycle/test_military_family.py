"""军属 follows the family: a spouse married during service becomes one, a removed relation
revokes it, a child stops being one at 18 unless unable to live independently (tick)."""

import datetime

import pytest
from django.core.management import call_command

from yizhan.audit.models import AuditEvent
from yizhan.lifecycle import services as lifecycle_services
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services as people_services
from yizhan.people.models import Identity, IdentityKind, Person, RelationKind
from yizhan.people.selectors import relation_between

APPROVED = datetime.date(2025, 9, 1)


@pytest.fixture
def soldier(make_person):
    soldier = make_person(name="商春旺", born=datetime.date(2000, 3, 1))
    emit(kind=EventKind.ENLISTMENT_APPROVED, key="candidate:1", person=soldier, occurred_on=APPROVED)
    return soldier


def military_family(person: Person, on: datetime.date) -> Identity | None:
    return Identity.objects.filter(
        Identity.current_q(on), person=person, kind=IdentityKind.MILITARY_FAMILY
    ).first()


@pytest.mark.parametrize("recorded_from", ["soldier", "wife"])
def test_a_wife_married_during_service_becomes_military_family(soldier, make_person, recorded_from):
    wife = make_person(name="李芳", born=datetime.date(2001, 6, 1), sex="F")
    married = datetime.date(2026, 5, 1)
    person, relative = (soldier, wife) if recorded_from == "soldier" else (wife, soldier)
    lifecycle_services.record_relation(
        actor=None, person=person, relative=relative, kind=RelationKind.SPOUSE, on=married
    )
    held = military_family(wife, married)
    assert (held.through, held.since) == (soldier, married)
    assert military_family(soldier, married) is None


def test_removing_the_relation_revokes_the_military_family_status_it_gave(soldier, make_person):
    wife = make_person(name="李芳", born=datetime.date(2001, 6, 1), sex="F")
    lifecycle_services.record_relation(
        actor=None, person=soldier, relative=wife, kind=RelationKind.SPOUSE, on=datetime.date(2026, 5, 1)
    )
    lifecycle_services.remove_relation(
        actor=None, relation=relation_between(soldier, wife), reason="已离婚", on=datetime.date(2026, 8, 1)
    )
    assert military_family(wife, datetime.date(2026, 8, 1)) is None
    assert Identity.objects.get(person=wife).until == datetime.date(2026, 8, 1)


def test_a_relation_of_someone_not_serving_grants_nothing(make_person):
    civilian = make_person(name="商建国", born=datetime.date(1975, 3, 1))
    wife = make_person(name="王秀英", born=datetime.date(1977, 3, 1), sex="F")
    lifecycle_services.record_relation(actor=None, person=civilian, relative=wife, kind=RelationKind.SPOUSE)
    assert not Identity.objects.exists()


def test_a_brother_recorded_during_service_does_not_become_military_family(soldier, make_person):
    brother = make_person(name="商春雨", born=datetime.date(2003, 1, 1))
    lifecycle_services.record_relation(
        actor=None, person=soldier, relative=brother, kind=RelationKind.SIBLING
    )
    assert not brother.identities.exists()


def test_the_family_tab_records_and_removes_a_spouse_through_the_rules(soldier, make_person, login_as):
    wife = make_person(name="李芳", born=datetime.date(2001, 6, 1), sex="F")
    client = login_as("xinhu_clerk")
    client.post(f"/people/{soldier.pk}/relations/", {"relative": wife.pk, "kind": "spouse"})
    assert wife.identities.get(until__isnull=True).kind == IdentityKind.MILITARY_FAMILY
    page = client.get(f"/people/{soldier.pk}/").content.decode()
    assert 'data-testid="relation-remove"' in page
    client.post(f"/people/{soldier.pk}/relations/remove/", {"relative": wife.pk, "reason": "录入错误"})
    assert relation_between(soldier, wife) is None
    assert not wife.identities.filter(until__isnull=True).exists()


def test_removing_a_relation_that_does_not_exist_is_refused_in_chinese(soldier, make_person, login_as):
    stranger = make_person(name="赵某", born=datetime.date(1990, 1, 1))
    response = login_as("xinhu_clerk").post(
        f"/people/{soldier.pk}/relations/remove/",
        {"relative": stranger.pk, "reason": "录入错误"},
        follow=True,
    )
    assert "两人之间没有亲属关系记录" in response.content.decode()


@pytest.fixture
def children(soldier, make_person):
    """A son turning 18 on 2026-07-01, and a daughter the same age unable to live independently."""
    son = make_person(name="商小宝", born=datetime.date(2008, 7, 1))
    daughter = make_person(name="商小红", born=datetime.date(2008, 7, 1), sex="F", dependent_adult=True)
    for child in (son, daughter):
        lifecycle_services.record_relation(
            actor=None, person=soldier, relative=child, kind=RelationKind.CHILD, on=datetime.date(2026, 1, 5)
        )
    return son, daughter


def test_tick_ends_a_childs_military_family_status_on_his_18th_birthday(children):
    son, daughter = children
    assert military_family(son, datetime.date(2026, 1, 5)) is not None
    call_command("tick", today="2026-06-30")
    assert military_family(son, datetime.date(2026, 6, 30)) is not None
    call_command("tick", today="2026-07-10")  # a tick run late still ends it on the birthday
    assert Identity.objects.get(person=son).until == datetime.date(2026, 7, 1)
    assert military_family(daughter, datetime.date(2026, 7, 10)) is not None


def test_tick_ending_military_family_at_18_is_idempotent(children):
    son, _ = children
    call_command("tick", today="2026-07-10")
    call_command("tick", today="2026-07-11")
    assert [i.until for i in Identity.objects.filter(person=son)] == [datetime.date(2026, 7, 1)]


def test_tick_leaves_the_parents_and_the_spouse_of_a_serving_member_alone(soldier, make_person):
    father = make_person(name="商建国", born=datetime.date(1975, 3, 1))
    wife = make_person(name="李芳", born=datetime.date(2001, 6, 1), sex="F")
    for relative, kind in ((father, RelationKind.PARENT), (wife, RelationKind.SPOUSE)):
        lifecycle_services.record_relation(
            actor=None, person=soldier, relative=relative, kind=kind, on=datetime.date(2026, 1, 5)
        )
    call_command("tick", today="2026-07-10")
    assert military_family(father, datetime.date(2026, 7, 10)) and military_family(
        wife, datetime.date(2026, 7, 10)
    )


def test_a_child_born_on_29_february_comes_of_age_on_1_march(soldier, make_person):
    son = make_person(name="商闰生", born=datetime.date(2008, 2, 29))
    lifecycle_services.record_relation(
        actor=None, person=soldier, relative=son, kind=RelationKind.CHILD, on=datetime.date(2026, 1, 5)
    )
    call_command("tick", today="2026-02-28")
    assert military_family(son, datetime.date(2026, 2, 28)) is not None
    call_command("tick", today="2026-03-01")
    assert Identity.objects.get(person=son).until == datetime.date(2026, 3, 1)


def test_enlistment_recorded_before_the_relation_change_keeps_one_identity_per_relative(soldier, make_person):
    father = make_person(name="商建国", born=datetime.date(1975, 3, 1))
    people_services.add_relation(actor=None, person=soldier, relative=father, kind=RelationKind.PARENT)
    wife = make_person(name="李芳", born=datetime.date(2001, 6, 1), sex="F")
    lifecycle_services.record_relation(actor=None, person=soldier, relative=wife, kind=RelationKind.SPOUSE)
    # the father, recorded without the rules, is brought in line too — and only once
    assert Identity.objects.filter(person=father, kind=IdentityKind.MILITARY_FAMILY).count() == 1
    lifecycle_services.record_relation(
        actor=None, person=soldier, relative=make_person(name="商春雨", born=datetime.date(2003, 1, 1)),
        kind=RelationKind.SIBLING,
    )  # fmt: skip
    assert Identity.objects.filter(person=father, kind=IdentityKind.MILITARY_FAMILY).count() == 1


@pytest.fixture
def adult_son(soldier, make_person):
    """The soldier's son, 20 years old, recorded as his child."""
    son = make_person(name="商大宝", born=datetime.date(2006, 1, 1))
    lifecycle_services.record_relation(actor=None, person=soldier, relative=son, kind=RelationKind.CHILD)
    assert not son.identities.exists()
    return son


def test_an_adult_child_recorded_as_unable_to_live_independently_becomes_military_family_and_back(
    adult_son, soldier
):
    son = lifecycle_services.update_person(
        actor=None, person=adult_son, expected_version=1, dependent_adult=True
    )
    assert son.identities.get(until__isnull=True).through == soldier
    lifecycle_services.update_person(
        actor=None, person=son, expected_version=son.version, dependent_adult=False
    )
    assert not son.identities.filter(until__isnull=True).exists()


def test_ticking_unable_to_live_independently_on_the_person_form_grants_military_family(
    adult_son, soldier, login_as
):
    form = {"name": "商大宝", "sex": "M", "region": "371402001001", "version": 1, "dependent_adult": "on"}
    assert login_as("xinhu_clerk").post(f"/people/{adult_son.pk}/edit/", form).status_code == 302
    assert adult_son.identities.get(until__isnull=True).kind == IdentityKind.MILITARY_FAMILY


def test_an_edit_that_leaves_the_family_facts_alone_records_no_event(adult_son):
    lifecycle_services.update_person(actor=None, person=adult_son, expected_version=1, address="新湖社区5号")
    assert not adult_son.events.filter(kind=EventKind.FAMILY_FACTS_CHANGED).exists()


def test_a_brother_corrected_to_father_becomes_military_family_and_both_timelines_say_why(
    soldier, make_person
):
    father = make_person(name="商建国", born=datetime.date(1975, 1, 1))
    lifecycle_services.record_relation(actor=None, person=soldier, relative=father, kind=RelationKind.SIBLING)
    assert not father.identities.exists()
    corrected_on = datetime.date(2026, 3, 1)
    lifecycle_services.correct_relation(
        actor=None, relation=relation_between(soldier, father), kind=RelationKind.PARENT,
        seen_from=soldier, reason="录入时选错关系", on=corrected_on,
    )  # fmt: skip
    held = military_family(father, corrected_on)
    assert (held.through, held.since) == (soldier, corrected_on)
    trails = AuditEvent.objects.filter(action="person.relation.correct")
    assert {(e.object_id, e.reason) for e in trails} == {
        (str(soldier.pk), "录入时选错关系"),
        (str(father.pk), "录入时选错关系"),
    }
    assert trails.get(object_id=str(soldier.pk)).changes["kind"] == ["兄弟姐妹", "父母"]
    assert trails.get(object_id=str(father.pk)).changes["kind"] == ["兄弟姐妹", "子女"]


def test_a_wife_corrected_to_sister_stops_being_military_family(soldier, make_person):
    sister = make_person(name="商春花", born=datetime.date(2003, 1, 1), sex="F")
    lifecycle_services.record_relation(
        actor=None, person=soldier, relative=sister, kind=RelationKind.SPOUSE, on=datetime.date(2026, 1, 1)
    )
    lifecycle_services.correct_relation(
        actor=None, relation=relation_between(soldier, sister), kind=RelationKind.SIBLING,
        seen_from=soldier, reason="录错", on=datetime.date(2026, 2, 1),
    )  # fmt: skip
    assert military_family(sister, datetime.date(2026, 2, 1)) is None


def test_a_correction_seen_from_the_relatives_side_is_stored_the_right_way_round(
    soldier, make_person, login_as
):
    mother = make_person(name="王秀英", born=datetime.date(1976, 1, 1), sex="F")
    lifecycle_services.record_relation(actor=None, person=soldier, relative=mother, kind=RelationKind.SIBLING)
    # On the mother's page the soldier shows as her sibling; the clerk corrects him to her child.
    login_as("xinhu_clerk").post(
        f"/people/{mother.pk}/relations/correct/", {"relative": soldier.pk, "kind": "child", "reason": "录错"}
    )
    assert relation_between(soldier, mother).kind == RelationKind.PARENT
    assert mother.identities.get(until__isnull=True).kind == IdentityKind.MILITARY_FAMILY


def test_a_correction_to_the_same_kind_or_without_a_reason_is_refused_in_chinese(
    soldier, make_person, login_as
):
    wife = make_person(name="李芳", born=datetime.date(2001, 6, 1), sex="F")
    lifecycle_services.record_relation(actor=None, person=soldier, relative=wife, kind=RelationKind.SPOUSE)
    client = login_as("xinhu_clerk")
    same = client.post(
        f"/people/{soldier.pk}/relations/correct/", {"relative": wife.pk, "kind": "spouse", "reason": "核对"},
        follow=True,
    ).content.decode()  # fmt: skip
    assert "关系与原记录相同" in same
    bare = client.post(
        f"/people/{soldier.pk}/relations/remove/", {"relative": wife.pk, "reason": ""}, follow=True
    ).content.decode()
    assert "删除原因" in bare and relation_between(soldier, wife) is not None

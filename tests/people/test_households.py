"""Households (户) on their own page: created around a person, renamed, the address set, the head
changed, people moved in and out — each audited, each scoped, none changing 军属 (which follows
relations, not who shares a household)."""

import datetime

import pytest
from django.urls import reverse

from yizhan.audit.models import AuditEvent
from yizhan.lifecycle import services as lifecycle_services
from yizhan.lifecycle.services import emit
from yizhan.people import services
from yizhan.people.models import Household, Identity, IdentityKind, Person, RelationKind


@pytest.fixture
def family(make_person):
    father = make_person(name="商建国", born=datetime.date(1972, 3, 1))
    son = make_person(name="商春旺", born=datetime.date(2001, 5, 1))
    household = services.create_household(
        actor=None, region=father.region, members=[father, son], head=father
    )
    return household, father, son


def fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


def test_a_person_without_a_household_gets_a_new_one_with_him_as_head(make_person, login_as):
    person = make_person(name="商春旺")
    response = login_as("xinhu_clerk").post(reverse("people:household_new", args=[person.pk]))
    household = fresh(person).household
    assert response["Location"] == reverse("people:household", args=[household.pk])
    assert fresh(person).is_household_head and household.region == person.region
    assert AuditEvent.objects.filter(action="household.create", object_id=str(household.pk)).exists()


def test_a_person_already_in_a_household_is_not_given_a_second_one(family, login_as):
    household, father, _ = family
    login_as("xinhu_clerk").post(reverse("people:household_new", args=[father.pk]))
    assert Household.objects.count() == 1 and fresh(father).household == household


def test_the_household_is_renamed_and_its_address_set_and_the_page_shows_both(family, login_as):
    household, _, _ = family
    client = login_as("xinhu_clerk")
    client.post(
        reverse("people:household_edit", args=[household.pk]), {"name": "商家大院", "address": "湖滨路8号"}
    )
    page = client.get(reverse("people:household", args=[household.pk])).content.decode()
    assert "商家大院" in page and "湖滨路8号" in page
    assert "修改户名或住址：户名 空 → 商家大院" in page  # the household's own record
    event = AuditEvent.objects.get(action="household.update")
    assert event.changes["fields"] == {"name": ["", "商家大院"], "address": ["", "湖滨路8号"]}


def test_an_unnamed_household_is_called_after_its_head(family, login_as):
    household, _, _ = family
    page = login_as("xinhu_clerk").get(reverse("people:household", args=[household.pk])).content.decode()
    assert "商建国户" in page


def test_a_new_head_replaces_the_old_one_who_stays_a_member(family, login_as):
    household, father, son = family
    login_as("xinhu_clerk").post(reverse("people:household_head", args=[household.pk]), {"head": son.pk})
    assert fresh(son).is_household_head and not fresh(father).is_household_head
    assert fresh(father).household == household


def test_the_head_must_be_a_member(family, make_person):
    household, _, _ = family
    stranger = make_person(name="赵某")
    with pytest.raises(Exception, match="户主须为本户成员"):
        services.set_household_head(actor=None, household=household, head=stranger)


def test_a_person_picked_into_the_household_leaves_the_one_he_was_in(family, make_person, login_as):
    household, _, _ = family
    wife = make_person(name="李芳", sex="F")
    her_parents = services.create_household(actor=None, region=wife.region, members=[wife], head=wife)
    client = login_as("xinhu_clerk")
    client.post(reverse("people:household_add", args=[household.pk]), {"member": wife.pk})
    assert fresh(wife).household == household and not fresh(wife).is_household_head
    assert not her_parents.members.exists()
    summary = (
        AuditEvent.objects.filter(action="person.household", object_id=str(wife.pk)).order_by("id").last()
    )
    assert summary.changes["summary"] == f"迁入{household}"  # the plain label: no member named


def test_a_member_is_moved_out_and_no_longer_listed(family, login_as):
    household, _, son = family
    client = login_as("xinhu_clerk")
    client.post(reverse("people:household_remove", args=[household.pk]), {"member": son.pk})
    assert fresh(son).household is None
    page = client.get(reverse("people:household", args=[household.pk])).content.decode()
    assert reverse("people:detail", args=[son.pk]) not in page


def test_someone_of_another_household_cannot_be_moved_out_of_this_one(family, make_person, login_as):
    household, _, _ = family
    other = make_person(name="王某")
    services.create_household(actor=None, region=other.region, members=[other], head=other)
    response = login_as("xinhu_clerk").post(
        reverse("people:household_remove", args=[household.pk]), {"member": other.pk}
    )
    assert response.status_code == 404 and fresh(other).household is not None


def test_a_foreign_household_and_a_foreign_person_answer_not_found(family, make_person, login_as):
    household, _, _ = family
    foreign = make_person(name="钱外乡", village="320583400001")
    theirs = services.create_household(actor=None, region=foreign.region, members=[foreign], head=foreign)
    client = login_as("xinhu_clerk")
    assert client.get(reverse("people:household", args=[theirs.pk])).status_code == 404
    moved = client.post(reverse("people:household_add", args=[household.pk]), {"member": foreign.pk})
    assert moved.status_code == 404 and fresh(foreign).household == theirs


def test_moving_between_households_leaves_military_family_as_the_relations_make_it(family):
    _, father, son = family
    emit(kind="enlistment_approved", key="candidate:1", person=son, occurred_on=datetime.date(2025, 9, 1))
    lifecycle_services.record_relation(actor=None, person=son, relative=father, kind=RelationKind.PARENT)
    held = Identity.objects.filter(person=father, kind=IdentityKind.MILITARY_FAMILY, until__isnull=True)
    assert held.count() == 1
    services.set_household(actor=None, person=father, household=None, head=False)
    elsewhere = services.create_household(actor=None, region=father.region, members=[fresh(father)])
    assert fresh(father).household == elsewhere
    assert held.count() == 1  # the father of a serving son stays 军属 wherever he lives


def test_the_family_tab_links_the_household_and_offers_a_new_one_when_there_is_none(
    family, make_person, login_as
):
    household, father, _ = family
    alone = make_person(name="孤某")
    client = login_as("xinhu_clerk")
    page = client.get(reverse("people:detail", args=[father.pk])).content.decode()
    assert reverse("people:household", args=[household.pk]) in page and "本人为户主" in page
    page = client.get(reverse("people:detail", args=[alone.pk])).content.decode()
    assert reverse("people:household_new", args=[alone.pk]) in page


def test_another_townships_clerk_does_not_find_the_household(family, login_as):
    household, _, _ = family
    response = login_as("huaqiao_clerk").get(reverse("people:household", args=[household.pk]))
    assert response.status_code == 404


def test_the_household_page_does_not_name_a_member_of_another_township(family, make_person, login_as):
    household, _, _ = family
    away = make_person(name="钱外乡", village="320583400001")
    services.set_household(actor=None, person=away, household=household, head=False)
    page = login_as("xinhu_clerk").get(reverse("people:household", args=[household.pk])).content.decode()
    assert "钱外乡" not in page

import datetime

import pytest
from django.urls import reverse

from yizhan.desk.person import TABS
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services
from yizhan.people.models import RelationKind


@pytest.fixture
def soldier(make_person):
    person = make_person(name="商春旺", born=datetime.date(2006, 3, 1))
    father = make_person(name="商建国", born=datetime.date(1976, 3, 1))
    services.add_relation(actor=None, person=person, relative=father, kind=RelationKind.PARENT)
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:1",
        person=person,
        occurred_on=datetime.date(2026, 9, 1),
    )
    return person


@pytest.mark.parametrize("tab", [key for key, _ in TABS])
def test_every_tab_of_the_person_page_renders_for_the_clerk(soldier, login_as, tab):
    client = login_as("xinhu_head")
    assert client.get(reverse("people:detail", args=[soldier.pk]), {"tab": tab}).status_code == 200
    partial = client.get(reverse("people:tab", args=[soldier.pk, tab]), headers={"HX-Request": "true"})
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()


def test_the_timeline_shows_the_enlistment_and_what_it_created(soldier, login_as):
    page = login_as("xinhu_head").get(reverse("people:tab", args=[soldier.pk, "timeline"])).content.decode()
    assert "批准入伍" in page
    assert "送入伍礼包" in page and "确定优待金领取人" in page
    assert "商建国：军属" in page


def test_the_tasks_tab_lists_the_persons_tasks(soldier, login_as):
    page = login_as("xinhu_head").get(reverse("people:tab", args=[soldier.pk, "tasks"])).content.decode()
    assert "送入伍礼包" in page


def test_the_edit_form_never_fills_in_the_id_number_or_phone(make_person, login_as):
    person = make_person(name="商春旺", phone="13912345678")
    page = login_as("xinhu_village").get(f"/people/{person.pk}/edit/").content.decode()
    assert person.id_number not in page and "13912345678" not in page
    assert "139****5678" in page  # said, masked, as what is on file


def test_saving_the_edit_form_with_the_numbers_left_blank_keeps_them(make_person, login_as):
    from yizhan.people.models import Person

    person = make_person(name="商春旺", phone="13912345678")
    form = {
        "name": "商春旺",
        "sex": "M",
        "region": "371402001001",
        "address": "新湖社区5号",
        "version": 1,
        "ethnicity": "汉族",
    }
    assert login_as("xinhu_clerk").post(f"/people/{person.pk}/edit/", form).status_code == 302
    saved = Person.objects.get(pk=person.pk)
    assert (saved.id_number, saved.phone, saved.address) == (person.id_number, "13912345678", "新湖社区5号")


def test_relatives_and_household_members_outside_the_jurisdiction_are_not_named(make_person, login_as):
    person = make_person(name="商春旺")
    stranger = make_person(name="钱外乡", village="320583400001")
    services.add_relation(actor=None, person=person, relative=stranger, kind=RelationKind.SIBLING)
    services.create_household(actor=None, region=person.region, members=[person, stranger], head=stranger)
    page = login_as("xinhu_head").get(f"/people/{person.pk}/?tab=family").content.decode()
    assert "钱外乡" not in page

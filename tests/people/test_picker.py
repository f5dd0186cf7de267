"""THE person picker: one partial and one view. It finds by name, pinyin initials or ID number,
only within jurisdiction, shows identity badges, leaves out the page's own person, and takes the
typed text only in a POST body."""

import datetime

import pytest
from django.urls import reverse

from yizhan.lifecycle.services import emit


def pick(client, query: str, exclude: str = "") -> str:
    return client.post(reverse("people:pick"), {"q": query, "exclude": exclude}).content.decode()


@pytest.mark.parametrize("how", ["name", "initials", "id_number"])
def test_it_finds_a_person_by_name_pinyin_initials_or_id_number(make_person, login_as, how):
    person = make_person(name="商春旺")
    query = {"name": "商春旺", "initials": "scw", "id_number": person.id_number}[how]
    found = pick(login_as("xinhu_clerk"), query)
    assert f'data-pick="{person.pk}"' in found and person.id_number_masked in found
    assert person.id_number not in found


def test_it_never_offers_someone_of_another_township(make_person, login_as):
    make_person(name="商春旺", village="320583400001")
    found = pick(login_as("xinhu_clerk"), "商春旺")
    assert "data-pick=" not in found and "仅检索您管辖范围内的人员" in found


def test_it_leaves_out_the_person_whose_page_it_is_on(make_person, login_as):
    person = make_person(name="商春旺")
    twin = make_person(name="商春旺")
    found = pick(login_as("xinhu_clerk"), "商春旺", exclude=str(person.pk))
    assert f'data-pick="{twin.pk}"' in found and f'data-pick="{person.pk}"' not in found


def test_its_results_carry_the_identity_badges(make_person, login_as):
    soldier = make_person(name="商春旺", born=datetime.date(2005, 3, 1))
    emit(kind="enlistment_approved", key="candidate:1", person=soldier, occurred_on=datetime.date(2025, 9, 1))
    assert "现役军人" in pick(login_as("xinhu_clerk"), "scw")


def test_it_refuses_a_query_in_the_address(make_person, login_as):
    person = make_person(name="商春旺")
    response = login_as("xinhu_clerk").get(reverse("people:pick"), {"q": person.id_number})
    assert response.status_code == 405


def test_every_form_that_names_a_person_uses_the_picker_and_none_asks_for_a_number(make_person, login_as):
    person = make_person(name="商春旺")
    client = login_as("xinhu_head")
    client.post(reverse("people:household_new", args=[person.pk]))
    person.refresh_from_db()
    pages = {
        reverse("people:detail", args=[person.pk]): "relative",
        reverse("people:merge", args=[person.pk]): "duplicate",
        reverse("people:household", args=[person.household_id]): "member",
    }
    for url, field in pages.items():
        page = client.get(url).content.decode()
        assert f'data-testid="picker-{field}"' in page, url
        assert "人员编号" not in page, url

import datetime

import pytest
from django.urls import reverse

from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people import services
from yizhan.people.models import RelationKind
from yizhan.people.views import TABS


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

"""常态化联系: the tick opens a contact-due task for the grid's liaison once per overdue spell, a
logged contact closes it, and the cadences come from 参数设置."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from yizhan.accounts.services import save_grid
from yizhan.care import campaigns
from yizhan.care.selectors import contacts_due
from yizhan.people import services as people_services
from yizhan.people.models import IdentityKind
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind

VILLAGE = "371402001001"
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def kept(make_person, persona):
    """A 重点优抚对象 phoned 40 days ago and a veteran phoned 40 days ago, in a grid of 新湖."""
    save_grid(
        actor=None, village=Region.objects.get(code=VILLAGE), name="一网格", liaison=persona("xinhu_village")
    )
    people = {}
    for name, kind in (("商重点", IdentityKind.PRIORITY_ENTITLED), ("赵老兵", IdentityKind.VETERAN)):
        person = make_person(name=name, born=datetime.date(1960, 1, 1))
        people_services.grant_identity(
            actor=None, person=person, kind=kind, since=datetime.date(2020, 1, 1), source="manual"
        )
        campaigns.log_contact(
            actor=None, person=person, channel="phone", on=TODAY - datetime.timedelta(days=40)
        )
        people[kind] = person
    return people


def contact_tasks():
    return Task.objects.filter(kind=TaskKind.CONTACT_DUE)


def test_tick_past_a_cadence_opens_contact_tasks_once_and_a_second_run_adds_nothing(kept, persona):
    assert campaigns.open_contact_tasks(today=TODAY) == 1  # monthly for 重点优抚对象; the other quarterly
    task = contact_tasks().get()
    assert (task.person, task.assignee) == (kept[IdentityKind.PRIORITY_ENTITLED], persona("xinhu_village"))
    assert campaigns.open_contact_tasks(today=TODAY) == 0
    assert campaigns.open_contact_tasks(today=TODAY + datetime.timedelta(days=1)) == 0
    assert contact_tasks().count() == 1


def test_the_tick_command_past_a_cadence_opens_contact_tasks_once(kept, persona):
    """The Done-when line as run at the station: `yizhan tick` twice, the same day and the next."""
    call_command("tick", today=TODAY.isoformat())
    assert list(contact_tasks().values_list("person__name", "assignee__username")) == [
        ("商重点", "xinhu_village")
    ]
    call_command("tick", today=TODAY.isoformat())
    call_command("tick", today=(TODAY + datetime.timedelta(days=1)).isoformat())
    assert contact_tasks().count() == 1


def test_a_logged_contact_closes_the_task_and_starts_a_new_spell(kept, persona):
    campaigns.open_contact_tasks(today=TODAY)
    person = kept[IdentityKind.PRIORITY_ENTITLED]
    campaigns.log_contact(actor=persona("xinhu_village"), person=person, channel="visit", on=TODAY)
    assert contact_tasks().get().status == "done"
    assert campaigns.open_contact_tasks(today=TODAY + datetime.timedelta(days=10)) == 0
    assert campaigns.open_contact_tasks(today=TODAY + datetime.timedelta(days=31)) == 1


def test_the_county_sets_the_cadence(kept, county_sets):
    county_sets("visits.contact_days", 30)
    county_sets("visits.priority_contact_days", 60)
    campaigns.open_contact_tasks(today=TODAY)
    assert list(contact_tasks().values_list("person__name", flat=True)) == ["赵老兵"]


def test_the_liaisons_week_lists_who_is_due_and_who_needs_a_home_visit(kept, persona, county_sets):
    county_sets("visits.visit_days", 30)
    due = contacts_due(user=persona("xinhu_village"), today=TODAY)
    assert [(d.person.name, d.needs_visit) for d in due] == [("商重点", True)]
    later = contacts_due(user=persona("xinhu_village"), today=TODAY + datetime.timedelta(days=50))
    assert {d.person.name for d in later} == {"商重点", "赵老兵"}


def test_one_tap_logs_todays_contact(kept, login_as):
    client = login_as("xinhu_village")
    page = client.get("/care/contacts/")
    assert "商重点" in page.content.decode()
    person = kept[IdentityKind.PRIORITY_ENTITLED]
    answer = client.post(f"/care/contacts/{person.pk}/", {"channel": "phone"})
    assert answer.status_code == 302
    assert "已登记与商重点的联系" in client.get(answer.url).content.decode()


def test_someone_never_contacted_is_due_a_cadence_after_he_came_into_the_group(make_person, persona):
    save_grid(
        actor=None, village=Region.objects.get(code=VILLAGE), name="一网格", liaison=persona("xinhu_village")
    )
    person = make_person(name="商新属", born=datetime.date(1970, 1, 1))
    people_services.grant_identity(
        actor=None, person=person, kind=IdentityKind.VETERAN, since=TODAY - datetime.timedelta(days=10),
        source="manual",
    )  # fmt: skip
    assert campaigns.open_contact_tasks(today=TODAY) == 0  # quarterly: not overdue after ten days
    assert [d.person for d in contacts_due(user=persona("xinhu_village"), today=TODAY)] == []
    later = TODAY + datetime.timedelta(days=81)
    assert campaigns.open_contact_tasks(today=later) == 1
    assert contact_tasks().get().period == ""  # never contacted: one spell until the first contact


def test_the_liaisons_week_reads_the_same_number_of_queries_however_many_are_due(kept, make_person, persona):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            due = contacts_due(user=persona("xinhu_village"), today=TODAY + datetime.timedelta(days=50))
        return len(due), len(captured)

    two, before = queries()
    for i in range(4):
        person = make_person(name=f"商老兵{i}", born=datetime.date(1960, 1, 1))
        people_services.grant_identity(
            actor=None,
            person=person,
            kind=IdentityKind.VETERAN,
            since=datetime.date(2020, 1, 1),
            source="manual",
        )
        campaigns.log_contact(
            actor=None, person=person, channel="visit", on=TODAY - datetime.timedelta(days=100 + i)
        )
    six, after = queries()
    assert (two, six) == (2, 6)
    assert after == before


def test_the_never_contacted_come_first_then_the_longest_since(kept, make_person, persona):
    for name, last in (("商未联系", None), ("商久未联系", 120)):
        person = make_person(name=name, born=datetime.date(1960, 1, 1))
        people_services.grant_identity(
            actor=None,
            person=person,
            kind=IdentityKind.VETERAN,
            since=datetime.date(2020, 1, 1),
            source="manual",
        )
        if last:
            campaigns.log_contact(
                actor=None, person=person, channel="phone", on=TODAY - datetime.timedelta(days=last)
            )
    due = contacts_due(user=persona("xinhu_village"), today=TODAY)
    assert [d.person.name for d in due] == ["商未联系", "商久未联系", "商重点"]


def test_a_township_clerk_without_a_grid_chooses_a_village_and_reads_its_week(kept, login_as):
    client = login_as("xinhu_clerk")
    first = client.get("/care/contacts/").content.decode()
    assert "请选择村（社区）" in first and "商重点" not in first and "新湖社区" in first
    chosen = client.get(f"/care/contacts/?village={VILLAGE}").content.decode()
    assert "商重点" in chosen
    person = kept[IdentityKind.PRIORITY_ENTITLED]
    answer = client.post(f"/care/contacts/{person.pk}/", {"channel": "phone", "village": VILLAGE})
    assert answer.url == f"/care/contacts/?village={VILLAGE}"


def test_a_village_outside_the_clerks_township_answers_404(kept, login_as):
    client = login_as("xinhu_clerk")
    assert client.get("/care/contacts/?village=320583400001").status_code == 404
    assert client.get("/care/contacts/?village=371402001000").status_code == 404  # a township, not a village

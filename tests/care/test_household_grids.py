"""Households placed in grids: a household's own grid decides who visits it in a campaign, who is
told its contact is due and whose phone page lists it; a household not placed falls to its
village's first grid. Placing is a correctable, audited write kept inside the village."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from yizhan.accounts.services import save_grid
from yizhan.audit.models import AuditEvent
from yizhan.care import campaigns
from yizhan.care.models import CampaignVisit
from yizhan.care.selectors import contacts_due
from yizhan.people import services as people_services
from yizhan.regions.models import Region
from yizhan.worklist.models import Task, TaskKind

from .test_campaigns import open_spring

VILLAGE, OTHER_VILLAGE = "371402001001", "371402001002"
TODAY = datetime.date(2026, 11, 30)


@pytest.fixture
def two_grids(two_grid_village, persona):
    """新湖社区 in two grids, each with its liaison; one 重点优抚对象 household in each (the second
    placed in the second grid, the first not placed) and one living alone."""
    home = two_grid_village["homes"][1]
    people_services.set_household_grid(
        actor=persona("xinhu_clerk"), household=home, grid=two_grid_village["second"]
    )
    return two_grid_village


def test_two_households_of_one_village_in_two_grids_get_tasks_for_two_liaisons(two_grids, persona):
    campaign = open_spring(persona)
    visits = CampaignVisit.objects.filter(campaign=campaign).select_related("task")
    by_household = {v.household_id: v for v in visits if v.household_id}
    unplaced, placed = (by_household[h.pk] for h in two_grids["homes"])
    assert (unplaced.grid, unplaced.task.assignee) == (two_grids["first"], persona("xinhu_village"))
    assert (placed.grid, placed.task.assignee) == (two_grids["second"], two_grids["second_liaison"])
    alone = visits.get(person=two_grids["alone"])
    assert alone.grid == two_grids["first"]  # no household: the village's first grid


def test_a_contact_due_task_goes_to_the_liaison_of_the_households_grid(two_grids, persona):
    assert campaigns.open_contact_tasks(today=TODAY) == 3  # never contacted, in the group since 2020
    assignees = {t.household_id: t.assignee for t in Task.objects.filter(kind=TaskKind.CONTACT_DUE)}
    unplaced, placed = two_grids["homes"]
    assert assignees[unplaced.pk] == persona("xinhu_village")
    assert assignees[placed.pk] == two_grids["second_liaison"]


def test_each_liaisons_phone_page_lists_the_people_of_his_own_grid(two_grids, persona):
    first = {d.person.name for d in contacts_due(user=persona("xinhu_village"), today=TODAY)}
    second = {d.person.name for d in contacts_due(user=two_grids["second_liaison"], today=TODAY)}
    assert (first, second) == ({"商老兵", "钱独居"}, {"赵老兵"})


def test_a_household_cannot_be_placed_in_another_villages_grid(two_grids, persona):
    elsewhere = save_grid(
        actor=None, village=Region.objects.get(code=OTHER_VILLAGE), name="外村网格", liaison=None
    )
    with pytest.raises(ValidationError) as refused:
        people_services.set_household_grid(actor=None, household=two_grids["homes"][0], grid=elsewhere)
    assert "本户所在村（社区）" in refused.value.messages[0]


def test_placing_is_audited_once_and_can_be_taken_back(two_grids, persona):
    household = two_grids["homes"][1]
    people_services.set_household_grid(
        actor=persona("xinhu_clerk"), household=household, grid=two_grids["second"]
    )
    people_services.set_household_grid(actor=persona("xinhu_clerk"), household=household, grid=None)
    rows = AuditEvent.objects.filter(action="household.grid", object_id=str(household.pk)).order_by("id")
    assert [r.changes["fields"]["grid"] for r in rows] == [["", "第二网格"], ["第二网格", ""]]
    household.refresh_from_db()
    assert household.grid is None


def test_the_household_page_places_the_household_in_a_grid(two_grids, login_as):
    household = two_grids["homes"][0]
    client = login_as("xinhu_clerk")
    page = client.get(f"/people/households/{household.pk}/")
    assert "划入网格" in page.content.decode() and "第二网格" in page.content.decode()
    client.post(f"/people/households/{household.pk}/grid/", {"grid": two_grids["second"].pk})
    household.refresh_from_db()
    assert household.grid == two_grids["second"]
    page = client.get(f"/people/households/{household.pk}/").content.decode()
    assert "划入网格" in page and "网格 空 → 第二网格" in page


def test_a_grid_of_another_village_posted_by_hand_is_refused_in_chinese(two_grids, login_as):
    elsewhere = save_grid(
        actor=None, village=Region.objects.get(code=OTHER_VILLAGE), name="外村网格", liaison=None
    )
    household = two_grids["homes"][0]
    client = login_as("xinhu_clerk")
    response = client.post(f"/people/households/{household.pk}/grid/", {"grid": elsewhere.pk}, follow=True)
    assert response.status_code == 200
    assert "网格" in response.content.decode() and "选择一个有效的选项" in response.content.decode()
    household.refresh_from_db()
    assert household.grid is None

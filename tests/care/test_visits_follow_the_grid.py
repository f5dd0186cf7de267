"""A campaign visit follows its household's grid: when the household goes into another grid —
placed on the household page, by an import's 网格 column, or back by that import's undo — its
visit still due moves to the new grid and its open task to the new grid's liaison; a visit already
done keeps the grid it was done in. Visits without a household follow their person's village
(a move, a merge), and a village's first grid, once added, takes its unplaced households' visits.
After every path the stored grids equal a fresh computation (core/derived.py "visit_grid")."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection

from tests.ledgers.messy import id_of
from yizhan.accounts.roles import Role
from yizhan.accounts.services import create_user, grant_post, save_grid
from yizhan.audit.models import AuditEvent
from yizhan.care import campaigns
from yizhan.care.models import CampaignVisit
from yizhan.core.derived import differences
from yizhan.ledgers.importing.report import errors_of
from yizhan.ledgers.importing.services import import_file
from yizhan.ledgers.importing.undo import undo_run
from yizhan.people import services as people_services
from yizhan.people.models import IdentityKind, Person
from yizhan.regions.models import Region
from yizhan.worklist import services as task_services
from yizhan.worklist.models import Task, TaskKind, TaskStatus

from .test_campaigns import open_spring

VILLAGE, OTHER_VILLAGE = "371402001001", "371402001002"
TODAY = datetime.date(2026, 11, 30)


def assert_exact() -> None:
    """The visits' grids, and the coverage tally that counts them by grid."""
    for key in ("visit_grid", "coverage_tally"):
        assert differences(connection, key) == [], key


@pytest.fixture
def canal(two_grid_village, persona):
    """新湖社区 in two grids with their liaisons; two 重点优抚对象 households not placed (so in the
    first grid) and one living alone; the campaign generated."""
    return {**two_grid_village, "campaign": open_spring(persona)}


def visit_of(household) -> CampaignVisit:
    return CampaignVisit.objects.select_related("task").get(household=household)


def test_a_due_visit_and_its_task_follow_the_household_into_its_new_grid(canal, persona):
    home = canal["homes"][0]
    assert (visit_of(home).grid, visit_of(home).task.assignee) == (canal["first"], persona("xinhu_village"))
    people_services.set_household_grid(actor=persona("xinhu_clerk"), household=home, grid=canal["second"])
    visit = visit_of(home)
    assert (visit.grid, visit.task.assignee) == (canal["second"], canal["second_liaison"])
    assert visit.task.status == TaskStatus.OPEN
    assert AuditEvent.objects.filter(action="task.follow_grid", object_id=str(visit.task.pk)).count() == 1
    placed = AuditEvent.objects.get(action="household.grid", object_id=str(home.pk))
    assert placed.changes["tasks_reassigned"] == 1
    assert_exact()
    # and back: the village's first grid covers a household no longer placed
    people_services.set_household_grid(actor=persona("xinhu_clerk"), household=home, grid=None)
    visit = visit_of(home)
    assert (visit.grid, visit.task.assignee) == (canal["first"], persona("xinhu_village"))
    assert_exact()


def test_a_visit_already_done_keeps_the_grid_it_was_done_in(canal, persona):
    home, other = canal["homes"]
    campaigns.record_campaign_visit(
        actor=persona("xinhu_village"), visit=visit_of(home), outcome="visited",
        visited_on=TODAY, participants="商站长",
    )  # fmt: skip
    campaigns.record_campaign_visit(
        actor=persona("xinhu_village"), visit=visit_of(other), outcome="refused",
        visited_on=TODAY, reason="外出务工",
    )  # fmt: skip
    for household in (home, other):
        people_services.set_household_grid(actor=None, household=household, grid=canal["second"])
        assert visit_of(household).grid == canal["first"]
        assert visit_of(household).task.assignee == persona("xinhu_village")
    assert_exact()


def test_coverage_by_grid_and_each_liaisons_tasks_count_the_household_where_it_now_is(canal, persona):
    people_services.set_household_grid(actor=None, household=canal["homes"][1], grid=canal["second"])
    from yizhan.care.selectors import coverage

    rows = {
        r.key: r.total for r in coverage(user=persona("xinhu_head"), campaign=canal["campaign"], by="grid")
    }
    assert rows == {canal["first"].pk: 2, canal["second"].pk: 1}
    open_visits = Task.objects.filter(kind=TaskKind.CAMPAIGN_VISIT, status=TaskStatus.OPEN)
    assert open_visits.filter(assignee=canal["second_liaison"]).count() == 1
    assert open_visits.filter(assignee=persona("xinhu_village")).count() == 2


def test_a_task_a_colleague_took_on_stays_with_him_but_an_unassigned_one_goes_to_the_new_liaison(
    canal, persona
):
    home, other = canal["homes"]
    task_services.claim(actor=persona("xinhu_clerk"), task=visit_of(home).task)
    Task.objects.filter(pk=visit_of(other).task.pk).update(assignee=None)
    for household in (home, other):
        people_services.set_household_grid(actor=None, household=household, grid=canal["second"])
    assert visit_of(home).grid == canal["second"]  # the visit moves; the clerk keeps his task
    assert (visit_of(home).task.assignee, visit_of(home).task.status) == (
        persona("xinhu_clerk"),
        TaskStatus.IN_PROGRESS,
    )
    assert visit_of(other).task.assignee == canal["second_liaison"]


def test_an_open_contact_due_task_follows_the_household_too(canal, persona):
    assert campaigns.open_contact_tasks(today=TODAY) == 3
    home = canal["homes"][0]
    people_services.set_household_grid(actor=None, household=home, grid=canal["second"])
    contact = Task.objects.get(kind=TaskKind.CONTACT_DUE, household=home)
    assert contact.assignee == canal["second_liaison"]


def test_the_import_places_a_household_and_its_undo_takes_it_back_with_the_visit(canal, persona, tmp_path):
    import openpyxl

    number = id_of(datetime.date(1950, 5, 5), "M", 41)
    village = Region.objects.get(code=VILLAGE)
    known = people_services.create_person(
        actor=None, name="孙老兵", id_number=number, region=village, birth_date=datetime.date(1950, 5, 5)
    )
    people_services.grant_identity(
        actor=None, person=known, kind=IdentityKind.PRIORITY_ENTITLED, since=datetime.date(2020, 1, 1),
        source="manual",
    )  # fmt: skip
    household = people_services.create_household(actor=None, region=village, members=[known], head=known)
    campaigns.generate_again(actor=persona("xinhu_head"), campaign=canal["campaign"])
    assert visit_of(household).grid == canal["first"]
    book = openpyxl.Workbook()
    book.active.append(["姓名", "身份证号码", "网格"])
    book.active.append(["孙老兵", number, "第二网格"])
    path = tmp_path / "网格.xlsx"
    book.save(path)
    run = import_file(actor=None, path=path, kind="people", region_code="371402001000")
    assert list(errors_of(run)) == []
    visit = visit_of(household)
    assert (visit.grid, visit.task.assignee) == (canal["second"], canal["second_liaison"])
    assert_exact()
    undo_run(actor=None, run=run)
    visit = visit_of(household)
    assert (visit.grid, visit.task.assignee) == (canal["first"], persona("xinhu_village"))
    assert_exact()


def test_a_visit_without_a_household_follows_its_person_to_another_village_and_through_a_merge(
    canal, persona, make_person
):
    other_village = Region.objects.get(code=OTHER_VILLAGE)
    elsewhere = save_grid(actor=None, village=other_village, name="湖滨网格", liaison=None)
    alone = canal["alone"]
    visit = CampaignVisit.objects.get(person=alone)
    assert visit.grid == canal["first"]
    Person.objects.filter(pk=alone.pk).update(region_id=OTHER_VILLAGE)  # moved (set SQL, as a bulk path)
    visit.refresh_from_db()
    assert (visit.region_code, visit.grid) == (OTHER_VILLAGE, elsewhere)
    assert_exact()
    # merged into a record of the same man back in 新湖社区: the visit follows the kept person
    Person.objects.filter(pk=alone.pk).update(region_id=VILLAGE)
    twin = people_services.create_person(  # recorded again without his ID number
        actor=None, name="钱独居", sex="M", region=other_village, birth_date=datetime.date(1952, 3, 1)
    )
    people_services.merge_people(actor=persona("xinhu_head"), keep=twin, duplicate=alone, reason="重复录入")
    visit.refresh_from_db()
    assert (visit.person, visit.grid) == (twin, elsewhere)
    assert_exact()


@pytest.fixture
def gridless(persona, make_person, grant):
    """湖滨社区 without a grid: one 重点优抚对象 household, the campaign generated."""
    village = Region.objects.get(code=OTHER_VILLAGE)
    head = make_person(name="周老兵", village=OTHER_VILLAGE, born=datetime.date(1950, 3, 1))
    grant(head, IdentityKind.PRIORITY_ENTITLED)
    home = people_services.create_household(actor=None, region=village, members=[head], head=head)
    open_spring(persona)
    return village, home


def test_a_villages_first_grid_added_later_takes_the_visits_of_its_unplaced_households(gridless):
    village, home = gridless
    assert visit_of(home).grid is None  # 未划网格
    grid = save_grid(actor=None, village=village, name="湖滨网格", liaison=None)
    assert visit_of(home).grid == grid
    assert_exact()


def test_the_generation_files_each_visit_in_the_grid_the_database_keeps(canal):
    assert CampaignVisit.objects.count() == 3
    assert_exact()


def test_the_coverage_count_equals_the_list_after_a_person_moves_away(canal, persona):
    from yizhan.care.selectors import campaign_page_visits, coverage, total_coverage

    Person.objects.filter(pk=canal["alone"].pk).update(region_id="320583400001")  # to 昆山
    head = persona("xinhu_head")
    total = total_coverage(coverage(user=head, campaign=canal["campaign"], by="village")).total
    assert total == campaign_page_visits(user=head, campaign=canal["campaign"]).count() == 2
    county = total_coverage(coverage(user=persona("decheng"), campaign=canal["campaign"], by="township"))
    assert county.total == 2
    assert_exact()


def liaison_of(village: str, username: str):
    user = create_user(actor=None, username=username, display_name="新网格员", password="x" * 12)
    grant_post(actor=None, user=user, role=Role.VILLAGE_LIAISON, department="both", region_code=village)
    return user


def test_a_grids_new_liaison_takes_its_open_work_but_not_another_grids_nor_a_colleagues(canal, persona):
    home, other = canal["homes"]
    people_services.set_household_grid(actor=None, household=other, grid=canal["second"])
    alone_task = CampaignVisit.objects.get(person=canal["alone"]).task
    task_services.claim(actor=persona("xinhu_clerk"), task=visit_of(home).task)
    assert campaigns.open_contact_tasks(today=TODAY) == 3
    contact = Task.objects.get(kind=TaskKind.CONTACT_DUE, person=canal["alone"])
    assert contact.assignee == persona("xinhu_village")
    successor = liaison_of(VILLAGE, "canal_three")
    task_services.save_grid_and_hand_over(
        actor=persona("xinhu_head"), village=canal["first"].village, name="第一网格", liaison=successor,
        grid=canal["first"],
    )  # fmt: skip
    # the first grid covers the one living alone: his visit and his contact go to the successor
    assert Task.objects.get(pk=alone_task.pk).assignee == successor
    assert Task.objects.get(pk=contact.pk).assignee == successor
    assert visit_of(home).task.assignee == persona("xinhu_clerk")  # he took it on
    assert visit_of(other).task.assignee == canal["second_liaison"]  # another grid's
    # and the contact of the household the clerk's visit is for: the first grid covers it too
    home_contact = Task.objects.get(kind=TaskKind.CONTACT_DUE, household=home)
    assert home_contact.assignee == successor
    moved = AuditEvent.objects.filter(action="task.follow_liaison")
    assert sorted(int(e.object_id) for e in moved) == sorted([alone_task.pk, contact.pk, home_contact.pk])
    assert AuditEvent.objects.filter(action="grid.update", object_id=str(canal["first"].pk)).count() == 1


def test_a_villages_first_grid_with_a_liaison_gives_him_the_unassigned_visits_of_its_households(
    gridless, persona
):
    village, home = gridless
    assert visit_of(home).task.assignee is None  # no grid, no liaison: the station's queue
    liaison = liaison_of(OTHER_VILLAGE, "hubin_one")
    grid = task_services.save_grid_and_hand_over(
        actor=persona("xinhu_head"), village=village, name="湖滨网格", liaison=liaison
    )
    assert (visit_of(home).grid, visit_of(home).task.assignee) == (grid, liaison)
    assert AuditEvent.objects.filter(action="task.follow_liaison").count() == 1
    assert_exact()

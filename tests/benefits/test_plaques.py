import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.benefits.conftest import approve, record_fact
from yizhan.audit.models import AuditEvent
from yizhan.benefits import services
from yizhan.benefits.effects import plaque_due
from yizhan.benefits.models import HonorPlaque, PlaqueCategory, PlaqueStatus
from yizhan.care.models import GIFT_PACK_ITEMS
from yizhan.care.services import record_gift_pack
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people import services as people_services
from yizhan.people.models import Person
from yizhan.worklist.models import Task, TaskKind, TaskStatus


def plaque_task(household) -> Task:
    return Task.objects.get(kind=TaskKind.HONOR_PLAQUE, household=household)


def hang(client, task, **changes):
    form = {
        "category": PlaqueCategory.ACTIVE,
        "hung_on": "2027-01-20",
        "hung_by": "区退役军人事务局 郑国栋、新湖街道武装部 宋立军",
        "signed": "on",
        "signature_note": "父亲商建国签收",
        **changes,
    }
    return client.post(f"/benefits/tasks/{task.pk}/plaque/", form)


def test_hanging_the_plaque_closes_the_households_task(family, login_as):
    approve(family["soldier"])
    task = plaque_task(family["household"])
    response = hang(login_as("xinhu_clerk"), task)
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and "已悬挂光荣牌（现役军人家庭）" in task.outcome
    plaque = HonorPlaque.objects.get(household=family["household"])
    assert (plaque.status, plaque.hung_on, plaque.signed) == (
        PlaqueStatus.HUNG,
        datetime.date(2027, 1, 20),
        True,
    )


def test_a_second_plaque_for_the_same_household_is_refused(family, persona, login_as):
    approve(family["soldier"])
    hang(login_as("xinhu_clerk"), plaque_task(family["household"]))
    with pytest.raises(ValidationError, match="光荣牌一户一块，退役或牺牲后也不更换"):
        services.hang_plaque(
            actor=persona("xinhu_clerk"), household=family["household"], category=PlaqueCategory.VETERAN,
            hung_on=datetime.date(2028, 9, 20), hung_by="服务站", signed=True,
        )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        HonorPlaque.objects.create(household=family["household"], category=PlaqueCategory.VETERAN)


def test_the_discharge_does_not_bring_a_new_plaque(family, login_as):
    approve(family["soldier"])
    hang(login_as("xinhu_clerk"), plaque_task(family["household"]))
    record_fact(family["soldier"], EventKind.DISCHARGED, datetime.date(2028, 9, 1))
    assert Task.objects.filter(kind=TaskKind.HONOR_PLAQUE).count() == 1
    assert HonorPlaque.objects.get().category == PlaqueCategory.ACTIVE


def test_the_plaque_form_says_so_when_the_plaque_is_already_hung(family, login_as, persona):
    approve(family["soldier"])
    services.hang_plaque(
        actor=persona("xinhu_clerk"), household=family["household"], category=PlaqueCategory.ACTIVE,
        hung_on=datetime.date(2027, 1, 20), hung_by="服务站", signed=True,
    )  # fmt: skip
    task = plaque_task(family["household"])
    assert task.status == TaskStatus.DONE  # the household's open task was found and closed
    page = login_as("xinhu_clerk").get(f"/benefits/tasks/{task.pk}/plaque/").content.decode()
    assert "已于2027年1月20日悬挂光荣牌" in page


def test_the_campaign_lists_due_households_by_village_for_the_users_scope(make_family, login_as):
    for name, village in [("商春旺", "371402001001"), ("湖一兵", "371402001002"), ("钱花桥", "320583400001")]:
        soldier, _, _ = make_family(name, village=village)
        approve(soldier)
    page = login_as("xinhu_clerk").get("/benefits/plaques/campaign/").content.decode()
    assert "商建国户" in page and "湖建国户" in page and "钱建国户" not in page
    assert (
        page.index("新湖社区（1 户）")
        < page.index("商建国户")
        < page.index("湖滨社区（1 户）")
        < page.index("湖建国户")
    )
    one_village = (
        login_as("xinhu_clerk")
        .get("/benefits/plaques/campaign/", {"village": "371402001002"}, headers={"HX-Request": "true"})
        .content.decode()
    )
    assert "湖建国户" in one_village and "商建国户" not in one_village and "<html" not in one_village


def test_the_plaque_due_effect_registers_the_household_once(family):
    event = approve(family["soldier"])
    plaque_due(event)
    plaque_due(event)
    discharged = record_fact(family["soldier"], EventKind.DISCHARGED, datetime.date(2028, 9, 1))
    plaque_due(discharged)
    plaque = HonorPlaque.objects.get()
    assert (plaque.status, plaque.category, plaque.due_on) == (
        PlaqueStatus.DUE,
        PlaqueCategory.ACTIVE,
        datetime.date(2027, 2, 6),
    )


def deliver_gift_pack(soldier, clerk, *, signed: bool = True):
    task = Task.objects.get(kind=TaskKind.GIFT_PACK, person=soldier, status=TaskStatus.OPEN)
    return record_gift_pack(
        actor=clerk, task=task, delivered_on=datetime.date(2026, 9, 3), received_by="商建国",
        items=[field for field, _ in GIFT_PACK_ITEMS], signed=signed,
    )  # fmt: skip


def test_delivering_the_gift_pack_hangs_its_plaque_on_the_register_and_closes_the_plaque_task(
    family, persona
):
    approve(family["soldier"])
    deliver_gift_pack(family["soldier"], persona("xinhu_clerk"))
    plaque = HonorPlaque.objects.get(household=family["household"])
    assert (plaque.status, plaque.hung_on, plaque.signed, plaque.category) == (
        PlaqueStatus.HUNG,
        datetime.date(2026, 9, 3),
        True,
        PlaqueCategory.ACTIVE,
    )
    assert "入伍礼包" in plaque.hung_by
    task = plaque_task(family["household"])
    assert task.status == TaskStatus.DONE and plaque.task == task
    assert DomainEvent.objects.filter(kind=EventKind.GIFT_PACK_DELIVERED).count() == 1


def test_a_gift_pack_for_a_household_whose_plaque_already_hangs_leaves_that_plaque_as_it_was(family, persona):
    approve(family["soldier"])
    services.hang_plaque(
        actor=persona("xinhu_clerk"), household=family["household"], category=PlaqueCategory.ACTIVE,
        hung_on=datetime.date(2026, 9, 2), hung_by="服务站", signed=True,
    )  # fmt: skip
    deliver_gift_pack(family["soldier"], persona("xinhu_clerk"))
    plaque = HonorPlaque.objects.get()
    assert (plaque.hung_on, plaque.hung_by) == (datetime.date(2026, 9, 2), "服务站")


def test_a_gift_pack_for_a_soldier_without_a_household_leaves_his_plaque_task_open(make_person, persona):
    soldier = make_person(name="商春旺", born=datetime.date(2006, 3, 1))
    approve(soldier)
    deliver_gift_pack(soldier, persona("xinhu_clerk"))
    assert not HonorPlaque.objects.exists()
    assert Task.objects.get(kind=TaskKind.HONOR_PLAQUE, person=soldier).status == TaskStatus.OPEN


def test_a_household_recorded_after_the_enlistment_gets_no_second_plaque_task(make_person, login_as):
    soldier = make_person(name="商春旺", born=datetime.date(2006, 3, 1))
    father = make_person(name="商建国", born=datetime.date(1976, 3, 1))
    approve(soldier)  # no household yet: the plaque task is keyed to him
    household = people_services.create_household(
        actor=None, region=soldier.region, members=[father, soldier], head=father
    )
    soldier.refresh_from_db()
    record_fact(soldier, EventKind.DISCHARGED, datetime.date(2028, 9, 1))
    [task] = Task.objects.filter(kind=TaskKind.HONOR_PLAQUE)
    assert (task.household, task.status) == (household, TaskStatus.OPEN)  # moved to the household
    assert HonorPlaque.objects.get().household == household
    page = login_as("xinhu_clerk").get("/benefits/plaques/campaign/").content.decode()
    assert page.count("商建国户") == 1 and "未设户" not in page


def test_a_members_plaque_task_from_before_the_household_was_recorded_counts_for_the_household(make_person):
    father = make_person(name="商建国", born=datetime.date(1976, 3, 1))
    son = make_person(name="商春旺", born=datetime.date(2006, 3, 1))
    record_fact(father, EventKind.DISCHARGED, datetime.date(2000, 9, 1))  # task keyed to the father
    people_services.create_household(actor=None, region=son.region, members=[father, son], head=father)
    son.refresh_from_db()
    approve(son)
    assert Task.objects.filter(kind=TaskKind.HONOR_PLAQUE).count() == 1


def test_a_returned_recruits_household_leaves_the_plaque_due_list(family, login_as):
    approve(family["soldier"])
    assert HonorPlaque.objects.filter(status=PlaqueStatus.DUE).exists()
    record_fact(family["soldier"], EventKind.RECRUIT_RETURNED, datetime.date(2026, 9, 20))
    assert not HonorPlaque.objects.exists()
    assert plaque_task(family["household"]).status == TaskStatus.CANCELLED
    page = login_as("xinhu_clerk").get("/benefits/plaques/campaign/").content.decode()
    assert "商建国户" not in page


def test_a_returned_recruits_plaque_already_hung_stays(family, persona):
    approve(family["soldier"])
    deliver_gift_pack(family["soldier"], persona("xinhu_clerk"))
    record_fact(family["soldier"], EventKind.RECRUIT_RETURNED, datetime.date(2026, 9, 20))
    assert HonorPlaque.objects.get().status == PlaqueStatus.HUNG


def test_a_returned_recruit_whose_brother_serves_leaves_the_household_due(family, make_person):
    brother = make_person(name="商春雨", born=datetime.date(2004, 3, 1))
    Person.objects.filter(pk=brother.pk).update(household=family["household"])
    brother.refresh_from_db()
    approve(brother, on=datetime.date(2025, 9, 1))
    approve(family["soldier"])
    record_fact(family["soldier"], EventKind.RECRUIT_RETURNED, datetime.date(2026, 9, 20))
    assert HonorPlaque.objects.get().status == PlaqueStatus.DUE
    assert plaque_task(family["household"]).status == TaskStatus.OPEN


def test_a_returned_recruit_who_enlists_again_brings_his_households_plaque_task_back(family):
    approve(family["soldier"])
    record_fact(family["soldier"], EventKind.RECRUIT_RETURNED, datetime.date(2026, 9, 20))
    record_fact(
        family["soldier"], EventKind.ENLISTMENT_APPROVED, datetime.date(2027, 3, 1), key="candidate:again"
    )
    [task] = Task.objects.filter(kind=TaskKind.HONOR_PLAQUE)
    assert (task.status, task.due_on, task.cause.key) == (
        TaskStatus.OPEN,
        datetime.date(2027, 8, 1),
        "candidate:again",
    )
    assert HonorPlaque.objects.get().status == PlaqueStatus.DUE


def _move(people, household=None):
    """The family moves: each person leaves his household (for `household`, or a new one)."""
    if household is None:
        household = people_services.create_household(actor=None, region=people[0].region, members=[])
    for person in people:
        people_services.set_household(actor=None, person=person, household=household, head=False)
    return household


def test_a_due_plaque_follows_the_family_to_the_household_it_moved_to(family):
    from yizhan.benefits.effects import plaques_follow_the_family

    approve(family["soldier"])
    old = family["household"]
    new = _move([family["father"], family["soldier"]])
    assert plaques_follow_the_family(today=datetime.date(2026, 10, 1)) == 1
    plaque = HonorPlaque.objects.get()
    assert plaque.household == new and plaque.status == PlaqueStatus.DUE
    task = Task.objects.get(kind=TaskKind.HONOR_PLAQUE)
    assert (
        task.household == new and task.status == TaskStatus.OPEN and task.subject_key == f"household:{new.pk}"
    )
    assert not HonorPlaque.objects.filter(household=old).exists()
    assert DomainEvent.objects.count() == 1  # the move is no fact of its own
    moved = AuditEvent.objects.filter(action__in=["benefits.plaque.move", "task.move_household"])
    assert sorted(moved.values_list("action", flat=True)) == ["benefits.plaque.move", "task.move_household"]
    assert plaques_follow_the_family(today=datetime.date(2026, 10, 2)) == 0  # once


def test_a_plaque_stays_while_the_soldiers_family_stays_and_a_hung_one_stays_for_good(family, persona):
    from yizhan.benefits.effects import plaques_follow_the_family

    approve(family["soldier"])
    old = family["household"]
    _move([family["soldier"]])  # he moves out alone: his father, 军属, keeps the household due
    assert plaques_follow_the_family(today=datetime.date(2026, 10, 1)) == 0
    assert HonorPlaque.objects.get().household == old
    services.hang_plaque(
        actor=persona("xinhu_clerk"), household=old, category=PlaqueCategory.ACTIVE,
        hung_on=datetime.date(2027, 1, 20), hung_by="服务站", signed=True,
    )  # fmt: skip
    _move([family["father"]], household=Person.objects.get(pk=family["soldier"].pk).household)
    assert plaques_follow_the_family(today=datetime.date(2027, 2, 1)) == 0
    assert HonorPlaque.objects.get().household == old  # on the door it was hung on


def test_a_family_moving_into_a_household_with_a_plaque_leaves_no_second_one(family, make_family):
    from yizhan.benefits.effects import plaques_follow_the_family

    approve(family["soldier"])
    brother, _, theirs = make_family("李春来")
    approve(brother)
    _move([family["father"], family["soldier"]], household=theirs)
    assert plaques_follow_the_family(today=datetime.date(2026, 10, 1)) == 1
    assert list(HonorPlaque.objects.values_list("household", flat=True)) == [theirs.pk]
    assert Task.objects.filter(kind=TaskKind.HONOR_PLAQUE, status=TaskStatus.OPEN).count() == 1

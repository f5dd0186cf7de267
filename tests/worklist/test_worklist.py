import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.worklist import selectors, services
from yizhan.worklist.models import Task, TaskDepartment, TaskKind, TaskStatus
from yizhan.worklist.services import end_post


@pytest.fixture
def tasks(make_person):
    soldier = make_person(name="商春旺", born=datetime.date(2006, 3, 1))
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:1",
        person=soldier,
        occurred_on=datetime.date(2026, 9, 1),
    )
    veteran = make_person(name="刘退伍", born=datetime.date(1990, 3, 1))
    services.ensure_task(
        kind=TaskKind.PROFILE_RECORD,
        rule="test:profile",
        department=TaskDepartment.VETERANS,
        due_on=datetime.date(2026, 12, 1),
        region_code=veteran.region_id,
        person=veteran,
    )
    services.ensure_task(
        kind=TaskKind.RESERVE_REGISTRATION,
        rule="test:reserve",
        department=TaskDepartment.ARMED_FORCES,
        due_on=datetime.date(2026, 12, 1),
        region_code=veteran.region_id,
        person=veteran,
    )
    foreign = make_person(name="钱外乡", village="320583400001")
    services.ensure_task(
        kind=TaskKind.PROFILE_RECORD,
        rule="test:profile",
        department=TaskDepartment.VETERANS,
        due_on=datetime.date(2026, 12, 1),
        region_code=foreign.region_id,
        person=foreign,
    )
    return Task.objects.all()


def kinds(queryset):
    return sorted(t.kind for t in queryset)


def test_each_department_sees_its_own_and_the_joint_tasks_of_its_station(tasks, persona):
    veterans_clerk = persona("xinhu_clerk")  # 服务站干事
    assert kinds(selectors.tasks_visible_to(veterans_clerk)) == sorted(
        ["gift_pack", "honor_plaque", "allowance_recipient", "profile_record"]
    )
    head = persona("xinhu_head")  # both departments
    assert len(selectors.tasks_visible_to(head)) == 5
    assert kinds(selectors.tasks_visible_to(persona("huaqiao_clerk"))) == ["profile_record"]
    assert selectors.tasks_visible_to(persona("admin")).count() == 0


def test_the_workbench_shows_my_tasks_and_the_stations_unassigned_ones_by_due_date(tasks, persona, login_as):
    clerk = persona("xinhu_clerk")
    gift = Task.objects.get(kind=TaskKind.GIFT_PACK)
    services.claim(actor=clerk, task=gift)
    bench = selectors.workbench(user=clerk)
    assert bench["mine"] == [gift]
    assert [t.due_on for t in bench["unassigned"]] == sorted(t.due_on for t in bench["unassigned"])
    assert {row["kind"]: row["n"] for row in bench["counts"]}["gift_pack"] == 1
    page = login_as("xinhu_clerk").get(reverse("core:home")).content.decode()
    assert "送入伍礼包" in page and "悬挂光荣牌" in page and "建档立卡" in page
    assert "钱外乡" not in page and "预备役登记" not in page


def test_a_task_is_assigned_only_within_the_station(tasks, persona):
    head = persona("xinhu_head")
    task = Task.objects.get(kind=TaskKind.GIFT_PACK)
    services.assign(actor=head, task=task, assignee=persona("xinhu_clerk"))
    with pytest.raises(PermissionDenied):
        services.assign(actor=head, task=task, assignee=persona("huaqiao_clerk"))


def test_completing_needs_an_outcome_and_closes_the_task_once(tasks, persona):
    clerk = persona("xinhu_clerk")
    task = Task.objects.get(kind=TaskKind.GIFT_PACK)
    with pytest.raises(ValidationError):
        services.complete(actor=clerk, task=task, outcome=" ")
    services.complete(actor=clerk, task=task, outcome="礼包已送达，家属签收")
    task.refresh_from_db()
    assert (task.status, task.completed_by, task.assignee) == (TaskStatus.DONE, clerk, clerk)
    with pytest.raises(ValidationError, match="已办结"):
        services.complete(actor=clerk, task=task, outcome="again")


def test_ending_a_post_hands_its_open_work_back_to_the_station(tasks, persona):
    clerk = persona("xinhu_clerk")
    for task in Task.objects.filter(kind__in=[TaskKind.GIFT_PACK, TaskKind.ALLOWANCE_RECIPIENT]):
        services.claim(actor=clerk, task=task)
    done = Task.objects.get(kind=TaskKind.HONOR_PLAQUE)
    services.complete(actor=clerk, task=done, outcome="已悬挂")
    end_post(actor=persona("xinhu_head"), post=clerk.active_posts[0])
    assert not Task.objects.filter(assignee=clerk, status__in=["open", "in_progress"]).exists()
    assert Task.objects.get(pk=done.pk).assignee == clerk  # finished work keeps its author
    assert Task.objects.filter(kind=TaskKind.GIFT_PACK, assignee=None, status=TaskStatus.OPEN).exists()


def test_bulk_claim_from_the_workbench(tasks, login_as, persona):
    client = login_as("xinhu_head")
    ids = list(Task.objects.filter(region_code__startswith="371402").values_list("pk", flat=True))
    client.post(reverse("worklist:bulk"), {"action": "claim", "tasks": ids})
    assert Task.objects.filter(pk__in=ids, assignee=persona("xinhu_head")).count() == len(ids)


def test_a_foreign_task_cannot_be_acted_on_in_bulk(tasks, login_as):
    foreign = Task.objects.get(region_code__startswith="320583")
    client = login_as("xinhu_head")
    client.post(reverse("worklist:bulk"), {"action": "claim", "tasks": [foreign.pk]})
    foreign.refresh_from_db()
    assert foreign.assignee is None


def test_each_task_links_to_the_form_that_does_its_work(tasks, login_as):
    from yizhan.worklist.links import work_url

    plaque = Task.objects.get(kind=TaskKind.HONOR_PLAQUE)
    profile = Task.objects.filter(kind=TaskKind.PROFILE_RECORD, region_code__startswith="371402").get()
    reserve = Task.objects.get(kind=TaskKind.RESERVE_REGISTRATION)
    assert work_url(plaque) == f"/benefits/tasks/{plaque.pk}/plaque/"
    assert work_url(profile) == f"/veterans/people/{profile.person_id}/profile/"
    assert work_url(reserve) is None
    page = login_as("xinhu_head").get(reverse("worklist:detail", args=[plaque.pk])).content.decode()
    assert f"/benefits/tasks/{plaque.pk}/plaque/" in page

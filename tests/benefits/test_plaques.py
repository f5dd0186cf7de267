import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.benefits.conftest import approve, record_fact
from yizhan.benefits import services
from yizhan.benefits.effects import plaque_due
from yizhan.benefits.models import HonorPlaque, PlaqueCategory, PlaqueStatus
from yizhan.lifecycle.models import EventKind
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

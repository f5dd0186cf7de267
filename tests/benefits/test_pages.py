"""Every benefits page renders for the people who use it, and answers 404 — exactly as for a
missing object — for an object of another township."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import URLPattern, get_resolver, reverse
from django.urls.converters import IntConverter

from tests.benefits.conftest import APPROVED, approve, record_fact
from tests.benefits.factories import benefits_of
from yizhan.benefits import demo, services
from yizhan.benefits.effects import plaque_due
from yizhan.benefits.models import AllowancePayment, AllowanceRate, HonorPlaque, PaymentBatch
from yizhan.lifecycle.models import EventKind
from yizhan.people.models import AwardLevel
from yizhan.worklist.models import Task, TaskKind

LIST_PAGES = [
    "benefits:index",
    "benefits:allowance_rates",
    "benefits:batches",
    "benefits:ledger",
    "benefits:bonuses",
    "benefits:bonus_rates",
    "benefits:plaques",
    "benefits:plaque_campaign",
]


def everything_of(soldier, father, household, clerk) -> dict:
    """A conscript's family with one of every benefits object."""
    event = approve(soldier)
    plaque_due(event)
    recipient = services.designate_recipient(
        actor=clerk, servicemember=soldier, recipient=father, bank_name="农行", account="6228480012345678901",
        on=APPROVED,
    )  # fmt: skip
    record_fact(soldier, EventKind.AWARD_RECORDED, datetime.date(2027, 6, 1), level=AwardLevel.THIRD_CLASS)
    rate, _ = AllowanceRate.objects.get_or_create(
        region_code=soldier.region_id[:2].ljust(12, "0"),
        year=2026,
        defaults={"annual_amount": Decimal("20000")},
    )
    batch = PaymentBatch.objects.create(county_code=soldier.region_id[:6] + "000000", as_of=APPROVED)
    period = soldier.allowance_periods.get(sequence=1)
    AllowancePayment.objects.create(
        batch=batch, period=period, recipient=recipient, rate=rate, amount=Decimal("10000"),
        region_code=period.region_code,
    )  # fmt: skip
    tasks = {t.kind: t for t in Task.objects.filter(cause=event)}
    return {
        "person": soldier,
        "recipient": recipient,
        "bonus": soldier.bonus_entitlements.get(),
        "batch": batch,
        "plaque": HonorPlaque.objects.get(household=household),
        "recipient_task": tasks[TaskKind.ALLOWANCE_RECIPIENT],
        "plaque_task": tasks[TaskKind.HONOR_PLAQUE],
    }


@pytest.fixture
def ours(family, persona):
    return everything_of(family["soldier"], family["father"], family["household"], persona("xinhu_clerk"))


@pytest.fixture
def foreign(make_person):
    """A 花桥 person with one of every benefits object (the same as the project-wide walk's)."""
    person = make_person(name="钱外乡", village="320583400001")
    objects = benefits_of(person)
    return {
        "person": person,
        "recipient": objects["allowance_recipient"],
        "batch": objects["allowance_batch"],
        **objects,
    }


def id_routes():
    """(route, parameter names) of every benefits URL that takes an id."""
    [benefits] = [e for e in get_resolver().url_patterns if str(e.pattern) == "benefits/"]
    for entry in benefits.url_patterns:
        assert isinstance(entry, URLPattern)
        converters = entry.pattern.converters
        if any(isinstance(c, IntConverter) for c in converters.values()):
            yield "/benefits/" + str(entry.pattern), list(converters)


def fill(route: str, params: list[str], objects: dict, offset: int = 0) -> str:
    kinds = {
        "person_id": "person",
        "recipient_pk": "recipient",
        "entitlement_pk": "bonus",
        "batch_pk": "batch",
    }
    kinds |= {"plaque_pk": "plaque", "task_pk": "plaque_task" if "plaque" in route else "recipient_task"}
    for name in params:
        route = re.sub(rf"<(\w+:)?{name}>", str(objects[kinds[name]].pk + offset), route)
    return route


def test_every_id_taking_benefits_url_answers_404_for_another_townships_object(ours, foreign, login_as):
    client = login_as("xinhu_head")
    routes = list(id_routes())
    assert len(routes) >= 10
    form = {"reason": "核对", "paid_on": "2027-01-01", "reference": "R", "recipient": 1, "hung_by": "某"}
    for route, params in routes:
        for method in ("get", "post"):
            hidden = getattr(client, method)(fill(route, params, foreign), form)
            missing = getattr(client, method)(fill(route, params, foreign, offset=100_000), form)
            where = f"{method.upper()} {fill(route, params, foreign)}"
            assert hidden.status_code in {404, 405}, f"{where} answered {hidden.status_code}"
            assert (hidden.status_code, hidden.content) == (missing.status_code, missing.content), where
            assert "钱外乡" not in hidden.content.decode(), where
        if "reveal" not in route and "pay" not in route and "review" not in route and "paid" not in route:
            own = client.get(fill(route, params, ours))
            assert own.status_code in {200, 405}, (
                f"GET {fill(route, params, ours)} answered {own.status_code}"
            )


def test_a_task_of_another_kind_is_not_a_work_forms_task(ours, login_as):
    gift_pack = Task.objects.get(kind=TaskKind.GIFT_PACK)
    client = login_as("xinhu_head")
    assert client.get(reverse("benefits:task_recipient", args=[gift_pack.pk])).status_code == 404
    assert client.get(reverse("benefits:task_plaque", args=[gift_pack.pk])).status_code == 404
    assert client.get(reverse("benefits:task_plaque", args=[ours["recipient_task"].pk])).status_code == 404


@pytest.mark.parametrize("username", ["decheng", "xinhu_head", "xinhu_clerk", "xinhu_village"])
def test_every_list_page_renders_and_leaves_the_other_township_out(ours, foreign, login_as, username):
    client = login_as(username)
    for name in LIST_PAGES:
        response = client.get(reverse(name), {"status": "all"} if name == "benefits:bonuses" else {})
        assert response.status_code == 200, name
        assert "钱外乡" not in response.content.decode() and "钱建国" not in response.content.decode(), name


def test_the_county_officer_sees_his_countys_batch_and_not_anothers(ours, foreign, login_as):
    page = login_as("decheng").get(reverse("benefits:batches")).content.decode()
    assert reverse("benefits:batch", args=[ours["batch"].pk]) in page
    assert reverse("benefits:batch", args=[foreign["batch"].pk]) not in page


def test_the_persons_benefits_render_as_a_partial_for_the_person_page(ours, login_as):
    response = login_as("xinhu_clerk").get(
        reverse("benefits:person", args=[ours["person"].pk]), headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body
    assert "第4期" in body and "6228 **** **** 8901" in body and "三等功" in body


def test_the_demo_seed_is_idempotent(ours):
    assert demo.seed() > 0
    assert demo.seed() == 0

"""The scope table (core/scopes.py): complete, and each way of reaching a row means what it says."""

from __future__ import annotations

import datetime

import pytest
from django.apps import apps
from django.db import models

from yizhan.core.scopes import SCOPES, UNSCOPED, region_of, visible, within
from yizhan.people.services import create_household

REGION_BEARING = {"people.Person", "people.Household", "regions.Region"}


def names_a_person_household_or_region(model) -> bool:
    for field in model._meta.get_fields():
        to_one = field.concrete and field.is_relation and (field.many_to_one or field.one_to_one)
        if to_one and field.related_model._meta.label in REGION_BEARING:
            return True
        if isinstance(field, models.CharField) and field.name.endswith(("_code", "_prefix")):
            return True
    return False


def test_every_model_naming_a_person_household_or_region_is_in_the_scope_table():
    missing = [
        model._meta.label
        for model in apps.get_models()
        if names_a_person_household_or_region(model) and model._meta.label not in SCOPES
    ]
    assert not missing, f"say in core/scopes.py SCOPES how jurisdiction reaches {missing}"


def test_the_completeness_check_would_notice_a_person_bearing_model():
    # The check itself must be able to fail: a model it must pick, and one it must not.
    assert names_a_person_household_or_region(apps.get_model("veterans.Checkin"))
    assert names_a_person_household_or_region(apps.get_model("benefits.PaymentBatch"))  # county_code
    assert not names_a_person_household_or_region(apps.get_model("accounts.ApiToken"))


def test_every_entry_names_a_model_and_every_unscoped_one_says_why():
    for label, scope in SCOPES.items():
        apps.get_model(label)  # LookupError for a stale name
        if scope.how == UNSCOPED:
            assert scope.why, label


def test_every_scope_builds_a_query_the_database_answers(persona):
    user = persona("xinhu_head")
    for label, scope in SCOPES.items():
        if scope.how != UNSCOPED:
            visible(user, label).count()


def test_a_user_without_a_region_post_sees_nothing_through_any_scope(persona, make_person):
    make_person(name="商春旺")
    admin = persona("admin")
    for label, scope in SCOPES.items():
        if scope.how != UNSCOPED:
            assert not visible(admin, label).exists(), label


def test_an_intake_of_the_county_is_seen_by_its_stations_and_not_by_others(persona):
    from yizhan.conscription.models import Campaign

    Campaign.objects.create(
        county_id="371402000000", year=2026, half="H2", opens_on=datetime.date(2026, 5, 1),
        approval_on=datetime.date(2026, 9, 1), quota=5,
    )  # fmt: skip
    assert visible(persona("xinhu_head"), "conscription.Campaign").count() == 1
    assert visible(persona("decheng"), "conscription.Campaign").count() == 1
    assert visible(persona("huaqiao_clerk"), "conscription.Campaign").count() == 0


def test_a_rate_of_the_province_is_read_by_its_stations_and_a_prefix_under_them_too(persona):
    from yizhan.benefits.models import AllowanceRate, BonusRate

    AllowanceRate.objects.create(province_code="37", year=2026, annual_amount=20000)
    AllowanceRate.objects.create(province_code="32", year=2026, annual_amount=30000)
    BonusRate.objects.create(region_prefix="371402", year=2026, level="third_class", amount=1000)
    BonusRate.objects.create(region_prefix="371402001", year=2026, level="second_class", amount=2000)
    BonusRate.objects.create(region_prefix="371402002", year=2026, level="second_class", amount=2000)
    decheng, xinhu = persona("decheng"), persona("xinhu_head")
    assert list(visible(xinhu, "benefits.AllowanceRate").values_list("province_code", flat=True)) == ["37"]
    assert sorted(visible(xinhu, "benefits.BonusRate").values_list("region_prefix", flat=True)) == [
        "371402",
        "371402001",
    ]
    assert visible(decheng, "benefits.BonusRate").count() == 3


def test_a_task_is_placed_by_its_person_then_its_household_then_its_own_region(make_person):
    from yizhan.worklist.services import ensure_task

    person = make_person(name="商春旺", village="371402001001")
    household = create_household(
        actor=None, region=person.region, members=[person], head=person
    )  # the household is registered at 新湖社区
    due = datetime.date(2026, 12, 1)
    elsewhere = "320583400001"
    of_person, _ = ensure_task(
        kind="other", rule="t:p", department="joint", due_on=due, region_code=elsewhere, person=person
    )
    of_household, _ = ensure_task(
        kind="other", rule="t:h", department="joint", due_on=due, region_code=elsewhere, household=household
    )
    assert region_of(of_person, "worklist.Task") == "371402001001"
    assert region_of(of_household, "worklist.Task") == household.region_id


@pytest.mark.parametrize("label", ["people.Person", "care.CondolenceVisit", "veterans.PreferentialCard"])
def test_person_scopes_leave_merged_duplicates_out(label):
    assert "merged_into__isnull" in str(within(label, [("371402001000", "371402002000")]))

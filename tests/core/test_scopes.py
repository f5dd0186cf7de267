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


def test_a_policy_is_read_by_the_stations_it_governs_and_by_officers_above(persona):
    from yizhan.benefits.models import BonusRate

    for code in ["", "370000000000", "371402000000", "320583000000"]:
        BonusRate.objects.create(region_code=code, year=2030, level="third_class", amount=1000)
    xinhu, decheng, huaqiao = persona("xinhu_head"), persona("decheng"), persona("huaqiao_clerk")
    governing = ["", "370000000000", "371402000000"]

    def of_2030(user) -> list[str]:
        rows = visible(user, "benefits.BonusRate").filter(year=2030)
        return sorted(rows.values_list("region_code", flat=True))

    assert of_2030(xinhu) == of_2030(decheng) == governing
    assert of_2030(huaqiao) == ["", "320583000000"]


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


@pytest.mark.parametrize("label", ["people.Person", "care.CondolenceVisit", "veterans.ProfileRecord"])
def test_person_scopes_leave_merged_duplicates_out(label):
    assert "merged_into__isnull" in str(within(label, [("371402001000", "371402002000")]))

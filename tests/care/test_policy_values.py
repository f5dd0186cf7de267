"""The 喜报 rule values of 参数设置 (core.policy_values): when 德城区 changes one, its families'
notices follow."""

from __future__ import annotations

import datetime

import pytest

from tests.care.conftest import AWARDED, award_task
from yizhan.care import services
from yizhan.lifecycle.calendar import add_working_days

D = datetime.date


def test_the_log_deadline_follows_the_county(county_sets, family):
    county_sets("merit_notice.log_working_days", 5)
    task = award_task(family["soldier"])
    due = add_working_days(AWARDED, 5)
    assert task.due_on == due
    assert services.log_due_on(task=task, award=task.person.awards.get()) == due


@pytest.mark.parametrize(
    ("name", "award", "local"),
    [
        ("merit_notice.level.bayi_medal", "bayi_medal", "county"),
        ("merit_notice.level.honorary_title", "honorary_title", "county"),
        ("merit_notice.level.first_class", "first_class", "county"),
        ("merit_notice.level.second_class", "second_class", "city"),
        ("merit_notice.level.third_class", "third_class", "county"),
        ("merit_notice.level.outstanding_soldier", "outstanding_soldier", "county"),
        ("merit_notice.level.four_haves", "four_haves", "county"),
    ],
)
def test_the_level_that_delivers_each_award_follows_the_county(county_sets, family, name, award, local):
    task = award_task(family["soldier"], level=award)
    national = services.delivery_level_for(task.person.awards.get())
    county_sets(name, local)
    assert national != local
    assert services.delivery_level_for(task.person.awards.get()) == local

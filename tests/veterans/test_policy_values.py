"""The 退役报到 and 优待证 rule values of 参数设置 (core.policy_values): when 德城区 changes one, its
veterans are served by it."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from tests.veterans.conftest import photo_bytes
from tests.veterans.test_veterans import DISCHARGED, veteran_with_profile
from yizhan.veterans import services
from yizhan.worklist.models import Task, TaskKind

D = datetime.date


def test_the_checkin_period_follows_the_county_for_the_task_and_the_late_check(county_sets, serving):
    county_sets("checkin.days", 60)
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    for kind in (TaskKind.DISCHARGE_CHECKIN, TaskKind.RESERVE_REGISTRATION):
        assert Task.objects.get(kind=kind).due_on == DISCHARGED + datetime.timedelta(days=60)
    checkin = services.record_checkin(
        actor=None,
        person=serving,
        on=DISCHARGED + datetime.timedelta(days=45),
        documents=["discharge_certificate"],
    )
    assert checkin.late_reason == ""


@pytest.mark.parametrize(
    ("name", "value", "square"),
    [("card.photo_width", 440, (440, 440)), ("card.photo_height", 352, (352, 352))],
)
def test_the_photo_size_follows_the_county(county_sets, serving, settings, tmp_path, name, value, square):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    with pytest.raises(ValidationError, match="比例不符"):
        services.apply_card(actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes(square))
    county_sets(name, value)
    card = services.apply_card(actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes(square))
    assert card.photo_id


def test_the_home_service_age_follows_the_county(county_sets, make_person, serving, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    veteran = veteran_with_profile(serving)
    veteran.birth_date = D(1950, 1, 1)  # 76 on the application day
    assert services.needs_home_service(veteran, on=DISCHARGED, bed_bound=False) is False
    county_sets("card.home_service_age", 75)
    assert services.needs_home_service(veteran, on=DISCHARGED, bed_bound=False) is True


def test_the_card_hand_out_period_follows_the_county(county_sets, serving):
    from yizhan.lifecycle.calendar import add_working_days
    from yizhan.lifecycle.models import EventKind
    from yizhan.lifecycle.services import emit

    county_sets("card.handout_working_days", 10)
    arrived = D(2026, 6, 1)
    emit(kind=EventKind.CARD_ARRIVED, key="card:1", person=serving, occurred_on=arrived)
    assert Task.objects.get(kind=TaskKind.CARD_HANDOUT).due_on == add_working_days(arrived, 10)
    assert add_working_days(arrived, 10) != add_working_days(arrived, 5)

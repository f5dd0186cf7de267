"""The 退役报到 and 优待证 rule values of 参数设置 (core.policy_values): when 德城区 changes one, its
veterans are served by it."""

from __future__ import annotations

import datetime

from tests.veterans.conftest import photo_bytes
from tests.veterans.test_veterans import DISCHARGED, veteran_with_profile
from yizhan.core.policy_values import set_policy_value
from yizhan.veterans import services
from yizhan.worklist.models import Task, TaskKind

D = datetime.date


def county_sets(name: str, value) -> None:
    set_policy_value(
        actor=None,
        name=name,
        region_code="371402000000",
        effective_from=D(2020, 1, 1),
        value=value,
        reason="区政府文件",
    )


def test_the_checkin_period_follows_the_county_for_the_task_and_the_late_check(serving):
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


def test_the_photo_width_follows_the_county(serving, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    county_sets("card.photo_width", 440)  # a square 440×440
    card = services.apply_card(
        actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes((440, 440))
    )
    assert card.photo_id


def test_the_photo_height_follows_the_county(serving, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    county_sets("card.photo_height", 352)  # a square 352×352
    card = services.apply_card(
        actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes((352, 352))
    )
    assert card.photo_id


def test_the_home_service_age_follows_the_county(make_person, serving, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    veteran = veteran_with_profile(serving)
    veteran.birth_date = D(1950, 1, 1)  # 76 on the application day
    assert services.needs_home_service(veteran, on=DISCHARGED, bed_bound=False) is False
    county_sets("card.home_service_age", 75)
    assert services.needs_home_service(veteran, on=DISCHARGED, bed_bound=False) is True

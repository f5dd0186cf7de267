"""Dates of a serving man's facts are checked against what is possible, at the page and in every
service (core/dates.py; the form fields are checked in tests/core/test_dates.py)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from yizhan.lifecycle.models import DomainEvent

D = datetime.date


@pytest.mark.parametrize("typed", ["9999-12-31", "0001-01-01"])
@pytest.mark.parametrize("url_name", ["veterans:discharge", "veterans:death", "veterans:status_change"])
def test_a_discharge_death_or_status_change_dated_9999_or_0001_gets_a_chinese_message_not_a_500(
    login_as, serving, url_name, typed
):
    before = DomainEvent.objects.count()
    response = login_as("xinhu_head").post(
        reverse(url_name, args=[serving.pk]),
        {"on": typed, "settlement_type": "self_employed", "subtype": "martyr", "change": "promoted_officer"},
    )
    assert response.status_code == 200
    assert "日期不能" in response.content.decode()
    assert DomainEvent.objects.count() == before


def test_a_date_before_the_persons_birth_is_shown_beside_the_field(login_as, serving):
    response = login_as("xinhu_head").post(
        reverse("veterans:discharge", args=[serving.pk]),
        {"on": "2004-01-01", "settlement_type": "self_employed"},
    )
    assert response.status_code == 200
    assert "日期不能早于本人出生日期（2005年3月1日）" in response.content.decode()


@pytest.fixture
def soldier(serving):
    return serving  # born 2005-03-01, enlisted 2024-09-01, serving


def _calls(person):
    """Every service that records a dated fact of a person, called with a date before his birth."""
    from yizhan.conscription import services as conscription
    from yizhan.people import services as people
    from yizhan.veterans import services as veterans

    pre = D(2004, 12, 31)
    return {
        "grant_identity": lambda: people.grant_identity(
            actor=None, person=person, kind="veteran", since=pre, source="manual"
        ),
        "add_service_record": lambda: people.add_service_record(
            actor=None, person=person, enlisted_on=pre, service_type="conscript"
        ),
        "add_award": lambda: people.add_award(actor=None, person=person, level="third_class", awarded_on=pre),
        "record_discharge": lambda: veterans.record_discharge(
            actor=None, person=person, on=pre, settlement_type="self_employed"
        ),
        "record_death": lambda: veterans.record_death(actor=None, person=person, on=pre, subtype="martyr"),
        "record_status_change": lambda: veterans.record_status_change(
            actor=None, person=person, on=pre, change="promoted_officer"
        ),
        "record_award": lambda: veterans.record_award(
            actor=None, person=person, level="third_class", awarded_on=pre, received_on=pre
        ),
        "record_checkin": lambda: veterans.record_checkin(actor=None, person=person, on=pre, documents=[]),
        "save_profile": lambda: veterans.save_profile(actor=None, person=person, on=pre, category="a"),
        "add_employment_service": lambda: veterans.add_employment_service(
            actor=None, person=person, kind="training", on=pre, details="x"
        ),
        "open_assistance": lambda: veterans.open_assistance(
            actor=None, person=person, on=pre, hardship="x", description="x"
        ),
        "apply_card": lambda: veterans.apply_card(actor=None, person=person, on=pre, photo_content=None),
        "record_registration": lambda: conscription.record_registration(
            actor=None, person=person, on=pre, conclusion="liable"
        ),
        "apply": lambda: conscription.apply(actor=None, person=person, campaign=None, on=pre),
    }


@pytest.mark.parametrize("call", list(_calls(None)))
def test_every_service_refuses_a_fact_dated_before_the_persons_birth(soldier, call):
    with pytest.raises(ValidationError) as refused:
        _calls(soldier)[call]()
    assert any("不能早于本人出生日期" in m for m in refused.value.messages)


@pytest.mark.parametrize("call", list(_calls(None)))
def test_every_service_refuses_a_fact_dated_in_9999(soldier, call, monkeypatch):
    import yizhan.core.dates as dates

    # The same calls, the impossible day swapped in by the one function they all go through.
    real = dates.date_problem
    monkeypatch.setattr(dates, "date_problem", lambda value, **kw: real(D(9999, 12, 31), **kw))
    with pytest.raises(ValidationError, match="不能晚于"):
        _calls(soldier)[call]()


def test_a_birth_date_before_1900_or_after_today_is_refused_by_the_registry(world, make_person):
    from yizhan.people import services as people
    from yizhan.regions.models import Region

    village = Region.objects.get(code="371402001001")
    for born, message in ((D(1899, 12, 31), "出生日期不能早于"), (D(9999, 12, 31), "出生日期不能晚于今天")):
        with pytest.raises(ValidationError, match=message):
            people.create_person(actor=None, name="王某", sex="M", birth_date=born, region=village)


def test_enlistment_outside_the_ages_the_law_allows_is_refused(make_person):
    from yizhan.people import services as people

    child = make_person(name="王小", born=D(2015, 1, 1))
    with pytest.raises(ValidationError, match=r"入伍时年龄应为.*17 至 26 周岁"):
        people.add_service_record(
            actor=None, person=child, enlisted_on=D(2025, 9, 1), service_type="conscript"
        )
    old = make_person(name="王老", born=D(1960, 1, 1))
    with pytest.raises(ValidationError, match="按此日期为 40 周岁"):
        people.add_service_record(actor=None, person=old, enlisted_on=D(2000, 9, 1), service_type="conscript")
    people.add_service_record(actor=None, person=old, enlisted_on=D(1978, 12, 1), service_type="conscript")

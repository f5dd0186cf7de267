"""Policies are per locality: registration settings, intakes and quotas carry their region, the
most specific applies, only an officer at or above it changes it, its audit row carries it. And
批准入伍 takes effect on its intake's date."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from yizhan.audit.models import AuditEvent
from yizhan.benefits.models import AllowancePeriod
from yizhan.conscription import services
from yizhan.conscription.models import Campaign, Conclusion, Half, RegistrationYear, Stage
from yizhan.conscription.workflow import TransitionError
from yizhan.core.policy import in_force
from yizhan.desk.selectors import events_visible_to
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import ServiceRecord
from yizhan.regions.services import upsert_region
from yizhan.worklist.models import Task, TaskKind

from .conftest import HUAQIAO_VILLAGE, XINHU_VILLAGE

D = datetime.date
DECHENG, KUNSHAN = "371402000000", "320583000000"
WIDE = {"window_start": D(2026, 1, 1), "window_end": D(2026, 12, 31)}


def widen(actor, region_code=DECHENG, **values):
    return services.set_registration_year(
        actor=actor, region_code=region_code, year=2026, **{**WIDE, **values}
    )


def register(person, on):
    return services.record_registration(actor=None, person=person, on=on, conclusion=Conclusion.LIABLE)


# --- registration settings ------------------------------------------------------------------


def test_a_window_widened_for_decheng_does_not_open_registration_in_kunshan(persona, make_person):
    widen(persona("decheng"))
    xinhu = make_person(name="商新湖", village=XINHU_VILLAGE, born=D(2008, 3, 1))
    huaqiao = make_person(name="钱花桥", village=HUAQIAO_VILLAGE, born=D(2008, 3, 1))

    assert register(xinhu, D(2026, 11, 20)).registered_on == D(2026, 11, 20)
    with pytest.raises(ValidationError, match="1月1日 至 10月31日"):
        register(huaqiao, D(2026, 11, 20))


def test_the_most_specific_setting_applies_county_over_city_over_province_over_national(world):
    rows = RegistrationYear.objects.filter(year=2026)
    for code, end in (("370000000000", 28), ("371400000000", 29), (DECHENG, 30)):
        services.set_registration_year(
            actor=None, region_code=code, year=2026, window_start=D(2026, 1, 1), window_end=D(2026, 11, end)
        )
    village = XINHU_VILLAGE
    assert in_force(rows, village).region_code == DECHENG
    rows.filter(region_code=DECHENG).delete()
    assert in_force(rows, village).region_code == "371400000000"
    rows.filter(region_code="371400000000").delete()
    assert in_force(rows, village).region_code == "370000000000"
    assert in_force(rows, HUAQIAO_VILLAGE).region_code == ""  # 昆山 has nothing of its own
    assert in_force(rows, HUAQIAO_VILLAGE).window_end == D(2026, 10, 31)  # DOMAIN.md's default


@pytest.mark.parametrize(
    ("username", "region_code"),
    [
        ("xinhu_head", DECHENG),  # a township head, his own county
        ("xinhu_head", ""),  # nor the national default
        ("decheng", KUNSHAN),  # a county officer, another county
        ("decheng", "370000000000"),  # nor his province above him
        ("decheng", ""),
    ],
)
def test_only_an_officer_at_or_above_the_region_changes_its_settings(persona, username, region_code):
    with pytest.raises(PermissionDenied, match="只能由"):
        widen(persona(username), region_code=region_code)
    assert not RegistrationYear.objects.filter(region_code=region_code, window_end=D(2026, 12, 31)).exists()


def test_the_national_default_is_the_system_administrators(persona):
    widen(persona("admin"), region_code="")
    assert RegistrationYear.objects.get(region_code="", year=2026).window_end == D(2026, 12, 31)


def test_the_system_administrator_opens_the_national_settings_from_the_system_area(login_as):
    client = login_as("admin")
    assert "/conscription/settings/" in client.get("/area/system/").content.decode()
    page = client.get(reverse("conscription:settings") + "?year=2026").content.decode()
    assert "全国默认 2026 年兵役登记设置" in page


def test_a_township_has_no_settings_of_its_own(persona):
    with pytest.raises(ValidationError, match="不按乡镇"):
        widen(None, region_code="371402001000")


def test_the_audit_row_carries_the_region_and_the_stations_under_it_see_it(persona):
    widen(persona("decheng"))
    widen(None, region_code=KUNSHAN)
    event = AuditEvent.objects.get(action="registration_year.create", region_code=DECHENG)
    assert event.changes["region"] == "德城区"
    seen = events_visible_to(persona("xinhu_head")).filter(object_type="registration_year")
    assert list(seen.values_list("region_code", flat=True)) == [DECHENG]


def test_a_station_head_sees_the_settings_in_force_but_may_not_open_the_settings_page(login_as, world):
    client = login_as("xinhu_head")
    assert client.get(reverse("conscription:settings")).status_code == 403
    index = client.get(reverse("conscription:index") + "?year=2026").content.decode()
    assert "全国默认" in index and "10月31日" in index


def test_the_county_page_starts_from_the_inherited_values_and_saves_the_countys_own_row(login_as, world):
    client = login_as("decheng")
    page = client.get(reverse("conscription:settings") + "?year=2026").content.decode()
    assert "现沿用全国默认的设置" in page and 'value="2026-10-31"' in page
    form = {
        "region_code": DECHENG, "year": "2026", "window_start": "2026-01-01", "window_end": "2026-11-30",
        "register_age": "18", "volunteer_age": "17", "late_limit_university": "24",
        "late_limit_senior": "22", "late_limit_other": "20",
    }  # fmt: skip
    assert client.post(reverse("conscription:settings"), form).status_code == 302
    assert RegistrationYear.objects.get(region_code=DECHENG, year=2026).window_end == D(2026, 11, 30)
    assert RegistrationYear.objects.get(region_code="", year=2026).window_end == D(2026, 10, 31)
    refused = client.post(reverse("conscription:settings"), {**form, "region_code": KUNSHAN})
    assert refused.status_code == 200 and "选择一个有效的选项" in refused.content.decode()
    assert not RegistrationYear.objects.filter(region_code=KUNSHAN).exists()


# --- intakes and quotas ---------------------------------------------------------------------


INTAKE = {"year": 2027, "half": Half.FIRST, "opens_on": D(2026, 11, 1), "quota": 10}


def test_a_township_head_cannot_create_a_county_intake(persona, login_as, world):
    from yizhan.regions.models import Region

    with pytest.raises(PermissionDenied, match="德城区的征兵批次只能由德城区或上级的业务主管设置"):
        services.create_campaign(
            actor=persona("xinhu_head"), county=Region.objects.get(code=DECHENG), **INTAKE
        )
    form = {"county": DECHENG, "year": "2027", "half": "H1", "opens_on": "2026-11-01",
            "approval_on": "2027-03-01", "quota": "10", "university_target_percent": "0"}  # fmt: skip
    assert login_as("xinhu_head").post(reverse("conscription:index"), form).status_code == 403
    assert not Campaign.objects.exists()


def test_an_intakes_date_defaults_to_1_march_or_1_september_and_is_set_per_intake(persona, world):
    from yizhan.regions.models import Region

    county = Region.objects.get(code=DECHENG)
    spring = services.create_campaign(actor=persona("decheng"), county=county, **INTAKE)
    autumn = services.create_campaign(
        actor=persona("decheng"), county=county, **{**INTAKE, "half": Half.SECOND, "opens_on": D(2027, 5, 1)}
    )
    assert (spring.approval_on, autumn.approval_on) == (D(2027, 3, 1), D(2027, 9, 1))
    assert AuditEvent.objects.filter(action="campaign.create", region_code=DECHENG).count() == 2


@pytest.fixture
def second_township(world):
    upsert_region(code="371402002000", name="演示第二街道", is_demo=True)
    return "371402002000"


def test_township_quotas_cannot_add_up_to_more_than_the_countys(campaign, persona, second_township):
    officer = persona("decheng")
    services.set_township_quotas(actor=officer, campaign=campaign, quotas={"371402001000": 6})
    with pytest.raises(ValidationError, match="合计 11，超过德城区本批次征集任务数 10"):
        services.set_township_quotas(actor=officer, campaign=campaign, quotas={second_township: 5})
    with pytest.raises(ValidationError, match="合计 11"):
        services.set_township_quotas(
            actor=officer, campaign=campaign, quotas={"371402001000": 7, second_township: 4}
        )
    # Moving quota between townships in one save is checked on the result, not on the way.
    services.set_township_quotas(
        actor=officer, campaign=campaign, quotas={"371402001000": 4, second_township: 6}
    )
    assert dict(campaign.township_quotas.values_list("township_id", "quota")) == {
        "371402001000": 4,
        second_township: 6,
    }


def test_a_station_head_cannot_set_the_quotas(campaign, persona):
    with pytest.raises(PermissionDenied, match="乡镇征集任务只能由德城区或上级的业务主管设置"):
        services.set_township_quotas(
            actor=persona("xinhu_head"), campaign=campaign, quotas={"371402001000": 3}
        )
    assert not campaign.township_quotas.exists()


def test_the_quota_page_says_in_chinese_when_the_townships_exceed_the_county(
    campaign, login_as, second_township
):
    response = login_as("decheng").post(
        reverse("conscription:campaign", args=[campaign.pk]),
        {"quota_371402001000": "8", f"quota_{second_township}": "3"},
    )
    assert response.status_code == 200
    assert "合计 11，超过德城区本批次征集任务数 10" in response.content.decode()
    assert not campaign.township_quotas.exists()


# --- 批准入伍 ---------------------------------------------------------------------------------


def test_an_approval_recorded_early_takes_effect_on_the_intakes_date(candidate, advance):
    candidate = advance(candidate, up_to=Stage.APPROVAL)
    recorded = candidate.results.get(stage=Stage.APPROVAL).on
    assert recorded < D(2026, 9, 1)
    event = DomainEvent.objects.get(kind=EventKind.ENLISTMENT_APPROVED, person=candidate.person)
    assert event.occurred_on == D(2026, 9, 1)
    assert ServiceRecord.objects.get(person=candidate.person).enlisted_on == D(2026, 9, 1)
    assert AllowancePeriod.objects.filter(person=candidate.person).order_by(
        "sequence"
    ).first().starts_on == D(2026, 9, 1)
    assert Task.objects.get(kind=TaskKind.GIFT_PACK, cause=event).due_on == D(2026, 9, 8)


def test_an_intake_with_its_own_date_dates_its_enlistments_from_it(candidate, advance):
    Campaign.objects.filter(pk=candidate.campaign_id).update(approval_on=D(2026, 9, 10))
    candidate.campaign.refresh_from_db()
    candidate = advance(candidate, up_to=Stage.APPROVAL)
    assert ServiceRecord.objects.get(person=candidate.person).enlisted_on == D(2026, 9, 10)


def test_an_approval_for_a_closed_intake_is_refused(candidate, advance):
    candidate = advance(candidate, up_to=Stage.NOTICE)
    services.close_campaign(actor=None, campaign=candidate.campaign)
    candidate.campaign.refresh_from_db()
    with pytest.raises(TransitionError, match="已结束，不能再批准入伍"):
        services.record_stage(
            actor=None, candidate=candidate, stage=Stage.APPROVAL, passed=True, on=D(2026, 8, 30)
        )
    assert not DomainEvent.objects.filter(kind=EventKind.ENLISTMENT_APPROVED).exists()

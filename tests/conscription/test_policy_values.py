"""The 征兵 rule values of 参数设置 (core.policy_values): when 德城区 changes one, its intakes follow
and 昆山's keep the national value."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError

from yizhan.conscription import services
from yizhan.conscription.models import Campaign, Half, Registration, Stage
from yizhan.conscription.workflow import TransitionError
from yizhan.people.models import Education
from yizhan.regions.models import Region

D = datetime.date
DECHENG = "371402000000"


def applicant(make_person, *, born: D, education: str = "", university: bool = False):
    person = make_person(name="商应征", born=born, education=education)
    Registration.objects.create(
        person=person, year=born.year + 18, registered_on=D(2026, 4, 1), kind="initial", conclusion="liable",
        is_university_student=university,
    )  # fmt: skip
    return person


def may_apply(person, campaign) -> bool:
    try:
        services.apply(actor=None, person=person, campaign=campaign, on=D(2026, 6, 1))
    except ValidationError as exc:
        assert "征集年龄" in " ".join(exc.messages)
        return False
    return True


def test_the_public_notice_lasts_as_long_as_the_county_says(county_sets, candidate, advance):
    county_sets("conscription.public_notice_days", 7)
    candidate = advance(candidate, up_to=Stage.NOTICE)
    five_days_on = candidate.notice_starts_on + datetime.timedelta(days=5)
    with pytest.raises(TransitionError, match="公示不少于 7 天"):
        services.record_stage(
            actor=None, candidate=candidate, stage=Stage.APPROVAL, passed=True, on=five_days_on
        )
    services.record_stage(
        actor=None, candidate=candidate, stage=Stage.APPROVAL, passed=True,
        on=candidate.notice_starts_on + datetime.timedelta(days=7),
    )  # fmt: skip


def test_the_youngest_age_of_an_intake_follows_the_county(county_sets, make_person, year_2026, campaign):
    seventeen = applicant(make_person, born=D(2009, 3, 1))
    assert may_apply(seventeen, campaign)
    county_sets("conscription.enlist_min_age", 18)
    other = applicant(make_person, born=D(2009, 4, 1))
    assert not may_apply(other, campaign)


def test_the_oldest_age_of_an_intake_follows_the_county(county_sets, make_person, year_2026, campaign):
    assert not may_apply(applicant(make_person, born=D(2003, 3, 1)), campaign)  # 23
    county_sets("conscription.enlist_max_age", 23)
    assert may_apply(applicant(make_person, born=D(2003, 4, 1)), campaign)


def test_the_oldest_age_of_a_graduate_follows_the_county(county_sets, make_person, year_2026, campaign):
    graduate = applicant(make_person, born=D(2001, 3, 1), education=Education.BACHELOR)  # 25
    assert not may_apply(graduate, campaign)
    county_sets("conscription.enlist_max_age_graduate", 25)
    assert may_apply(graduate, campaign)


def test_the_oldest_age_of_a_postgraduate_follows_the_county(county_sets, make_person, year_2026, campaign):
    postgraduate = applicant(make_person, born=D(1999, 3, 1), education=Education.POSTGRADUATE)  # 27
    assert not may_apply(postgraduate, campaign)
    county_sets("conscription.enlist_max_age_postgraduate", 27)
    assert may_apply(postgraduate, campaign)


@pytest.mark.parametrize(
    ("name", "half", "national", "local"),
    [
        ("conscription.intake_date_first", Half.FIRST, D(2027, 3, 1), D(2027, 3, 15)),
        ("conscription.intake_date_second", Half.SECOND, D(2027, 9, 1), D(2027, 9, 10)),
    ],
)
def test_an_intake_is_approved_on_the_date_its_county_sets_unless_it_names_its_own(
    county_sets, world, today_is, name, half, national, local
):
    today_is(D(2026, 12, 1))
    county_sets(name, f"{local:%m-%d}")
    decheng, kunshan = Region.objects.get(code=DECHENG), Region.objects.get(code="320583000000")
    made = {
        county.code: services.create_campaign(
            actor=None, county=county, year=2027, half=half, opens_on=D(2027, 1, 5), quota=3
        )
        for county in (decheng, kunshan)
    }
    assert (made[DECHENG].approval_on, made["320583000000"].approval_on) == (local, national)
    assert Campaign.objects.count() == 2

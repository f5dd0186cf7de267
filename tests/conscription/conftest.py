"""Fixtures of 兵役登记 and 征兵: the 2026 registration year, a 德城区 intake, a registered young
man of 新湖街道 with his parents, and a helper that walks a candidate along the stage table."""

from __future__ import annotations

import datetime

import pytest

from yizhan.conscription import services
from yizhan.conscription.models import Campaign, Candidate, Conclusion, Half, RegistrationYear, Stage
from yizhan.conscription.workflow import NEXT, public_notice_days
from yizhan.people.models import RelationKind
from yizhan.people.selectors import family_of
from yizhan.people.services import add_relation

D = datetime.date
XINHU_VILLAGE = "371402001001"  # 新湖社区
HUAQIAO_VILLAGE = "320583400001"  # 花桥社区


@pytest.fixture
def year_2026(world) -> RegistrationYear:
    return services.set_registration_year(
        actor=None, region_code="", year=2026, window_start=D(2026, 1, 1), window_end=D(2026, 10, 31)
    )


@pytest.fixture
def campaign(world) -> Campaign:
    """德城区 2026 下半年: applications from 1 May, approval on 1 September."""
    return Campaign.objects.create(
        county_id="371402000000",
        year=2026,
        half=Half.SECOND,
        opens_on=D(2026, 5, 1),
        approval_on=D(2026, 9, 1),
        quota=10,
        university_target_percent=30,
    )


@pytest.fixture
def recruit(make_person, year_2026):
    """商春旺, 新湖社区, turning 18 in 2026, registered liable on 1 April; his father and mother."""
    man = make_person(name="商春旺", village=XINHU_VILLAGE, born=D(2008, 3, 1))
    services.record_registration(actor=None, person=man, on=D(2026, 4, 1), conclusion=Conclusion.LIABLE)
    father = make_person(name="商建国", village=XINHU_VILLAGE, born=D(1978, 6, 1))
    mother = make_person(name="李秀英", village=XINHU_VILLAGE, born=D(1980, 9, 1), sex="F")
    for parent in (father, mother):
        add_relation(actor=None, person=man, relative=parent, kind=RelationKind.PARENT)
    return man


@pytest.fixture
def parents(recruit):
    return [relative for relative, kind in family_of(recruit) if kind == RelationKind.PARENT]


@pytest.fixture
def candidate(recruit, campaign) -> Candidate:
    return services.apply(actor=None, person=recruit, campaign=campaign, on=D(2026, 5, 10))


@pytest.fixture
def advance():
    """advance(candidate, up_to=Stage.X) passes every stage after his current one up to X, one
    day apart from 11 May, the approval after a full public notice; returns the candidate."""

    def walk(candidate: Candidate, *, up_to: str, actor=None) -> Candidate:
        on = max(D(2026, 5, 11), candidate.results.order_by("-on").first().on)
        stage = Stage(candidate.stage)
        while stage != up_to:
            stage = NEXT[stage]
            on += datetime.timedelta(days=public_notice_days(candidate) if stage == Stage.APPROVAL else 1)
            candidate = services.record_stage(
                actor=actor, candidate=candidate, stage=stage, passed=True, on=on
            )
        return candidate

    return walk


@pytest.fixture(autouse=True)
def _today_after_the_scenarios(today_is):
    # These scenarios run through years still ahead of the machine's clock (intakes, periods
    # and payments to 2030): the date checks count from a day after them.
    today_is(datetime.date(2031, 12, 31))

"""The demo data of 兵役登记 and 征兵: real candidates in 新湖街道, and a second run changes nothing."""

from __future__ import annotations

from yizhan.audit.models import AuditEvent
from yizhan.conscription import demo, selectors
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    CandidateStatus,
    Registration,
    RegistrationKind,
    StageResult,
    TownshipQuota,
)
from yizhan.lifecycle.models import DomainEvent
from yizhan.people import demo as people_demo
from yizhan.people.models import Identity, IdentityKind


def snapshot() -> tuple[int, ...]:
    models = (
        Registration,
        Campaign,
        TownshipQuota,
        Candidate,
        StageResult,
        DomainEvent,
        Identity,
        AuditEvent,
    )
    return tuple(model.objects.count() for model in models)


def test_the_demo_seeds_intakes_and_xinhu_candidates_and_a_second_run_changes_nothing(persona):
    people_demo.seed()
    assert demo.seed() > 0
    before = snapshot()

    assert demo.seed() == 0
    assert snapshot() == before

    assert Campaign.objects.filter(year=2026, closed=True).count() == 5
    spring = Campaign.objects.filter(year=2027, closed=False)
    assert spring.count() == 5
    for campaign in spring:
        assert sum(campaign.township_quotas.values_list("quota", flat=True)) == campaign.quota
    xinhu = Candidate.objects.filter(region_code__startswith="371402001")
    assert xinhu.count() == len(demo.PATHS)
    assert xinhu.filter(status=CandidateStatus.FAILED, failure_reason__contains="视力").count() == 1
    assert len(set(xinhu.values_list("stage", flat=True))) >= 4
    assert not Identity.objects.filter(
        kind=IdentityKind.REGISTRANT, person__registration__isnull=True
    ).exists()
    volunteer = Registration.objects.get(kind=RegistrationKind.VOLUNTEER)
    assert Candidate.objects.filter(person=volunteer.person).exists()
    assert selectors.must_register(persona("xinhu_head"), 2026).exists()  # someone is still missing

"""Demo 兵役登记 and 征兵: the 2026 and 2027 registration years, two intakes per demo county with
their township quotas, and in 新湖街道 a handful of candidates spread over the early stages (one
of them a 17-year-old who registers voluntarily).

The people demo gives young men a 兵役登记人员 identity; their Registration rows are bulk-created
here to match (one audit event per township, as the people demo does). The candidates are made
through the services, so their identities and events are real. Dates are fixed, and every step
is skipped when already done: a second run changes nothing.
"""

from __future__ import annotations

import datetime

from django.db import transaction

from yizhan.audit.services import record
from yizhan.conscription import services
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    Conclusion,
    Half,
    Registration,
    RegistrationKind,
    RegistrationYear,
    Stage,
)
from yizhan.core.policy import NATIONAL
from yizhan.people.models import Identity, IdentityKind, Person, Sex
from yizhan.regions.demo import TOWNSHIPS
from yizhan.regions.models import Region, scope_bounds

D = datetime.date
REGISTRATION_YEARS = [(2026, D(2026, 1, 1), D(2026, 10, 31)), (2027, D(2027, 1, 1), D(2027, 10, 31))]
# (year, half, opens_on, approval_on, county quota, university target %, closed)
CAMPAIGNS = [
    (2026, Half.SECOND, D(2026, 5, 1), D(2026, 9, 1), 12, 30, True),
    (2027, Half.FIRST, D(2026, 11, 1), D(2027, 3, 1), 15, 30, False),
]
XINHU = "371402001000"
APPLIED_ON = D(2026, 11, 2)
STAGE_DATES = {
    Stage.PRESCREEN: D(2026, 11, 5),
    Stage.MEDICAL: D(2026, 11, 12),
    Stage.POLITICAL: D(2026, 11, 18),
    Stage.HOME_CHECK: D(2026, 11, 20),
}
# Each candidate's path: the stages he passed, then optionally the one he failed with its reason.
PATHS: list[tuple[list[str], tuple[str, str] | None]] = [
    ([], None),
    ([Stage.PRESCREEN], None),
    ([Stage.PRESCREEN, Stage.MEDICAL], None),
    ([Stage.PRESCREEN, Stage.MEDICAL, Stage.POLITICAL], None),
    ([Stage.PRESCREEN], (Stage.MEDICAL, "视力不合格（裸眼视力低于标准）")),
    ([Stage.PRESCREEN, Stage.MEDICAL, Stage.POLITICAL, Stage.HOME_CHECK], None),
    ([Stage.PRESCREEN], None),
    ([], None),
]
# 17-year-olds of 新湖 who register voluntarily during the demo (through the service, wanting to
# enlist); the 2008-born who never registered stay on 2026's 应登未登 list.
VOLUNTEERS = 1


def seed() -> int:
    changed = _registration_years()
    changed += _registrations_matching_identities()
    for county in sorted({code[:6] + "000000" for code in TOWNSHIPS}):
        changed += _campaigns(Region.objects.get(code=county))
    changed += _xinhu_candidates()
    return changed


def _registration_years() -> int:
    changed = 0
    for year, start, end in REGISTRATION_YEARS:
        if not RegistrationYear.objects.filter(region_code=NATIONAL, year=year).exists():
            services.set_registration_year(
                actor=None, region_code=NATIONAL, year=year, window_start=start, window_end=end
            )
            changed += 1
    return changed


@transaction.atomic
def _registrations_matching_identities() -> int:
    """A Registration for every demo 兵役登记人员 that lacks one (registered the year he turned 18)."""
    created = 0
    for township in TOWNSHIPS:
        lo, hi = scope_bounds(township)
        holders = (
            Identity.objects.filter(
                kind=IdentityKind.REGISTRANT,
                source="demo",
                person__region_id__gte=lo,
                person__region_id__lt=hi,
                person__registration__isnull=True,
            )
            .select_related("person")
            .order_by("person_id")
        )
        rows = [
            Registration(
                person=identity.person,
                year=identity.since.year,
                registered_on=identity.since,
                kind=RegistrationKind.INITIAL,
                conclusion=Conclusion.LIABLE,
                education=identity.person.education,
                is_university_student=identity.person.education in services.UNIVERSITY_EDUCATION,
            )
            for identity in holders
        ]
        if rows:
            Registration.objects.bulk_create(rows, batch_size=500)
            record(
                actor=None,
                action="demo.seed_registrations",
                object_type="region",
                object_id=township,
                region_code=township,
                changes={"registrations": len(rows)},
            )
            created += len(rows)
    return created


@transaction.atomic
def _campaigns(county: Region) -> int:
    changed = 0
    townships = [code for code in TOWNSHIPS if code.startswith(county.code[:6])]
    for year, half, opens_on, approval_on, quota, university, closed in CAMPAIGNS:
        campaign = Campaign.objects.filter(county=county, year=year, half=half).first()
        if campaign is None:
            campaign = services.create_campaign(
                actor=None,
                county=county,
                year=year,
                half=half,
                opens_on=opens_on,
                approval_on=approval_on,
                quota=quota,
                university_target_percent=university,
            )
            changed += 1
        if closed and not campaign.closed:
            services.close_campaign(actor=None, campaign=campaign)
            changed += 1
        if not campaign.township_quotas.exists():
            population, registrants = {}, {}
            for code in townships:
                lo, hi = scope_bounds(code)
                population[code] = Person.objects.filter(region_id__gte=lo, region_id__lt=hi).count()
                registrants[code] = Registration.objects.filter(
                    person__region_id__gte=lo, person__region_id__lt=hi
                ).count()
            split = services.suggest_split(campaign=campaign, population=population, registrants=registrants)
            changed += services.set_township_quotas(actor=None, campaign=campaign, quotas=split)
    return changed


@transaction.atomic
def _xinhu_candidates() -> int:
    campaign = Campaign.objects.filter(county_id=XINHU[:6] + "000000", year=2027, half=Half.FIRST).first()
    lo, hi = scope_bounds(XINHU)
    if (
        campaign is None
        or Candidate.objects.filter(campaign=campaign, region_code__gte=lo, region_code__lt=hi).exists()
    ):
        return 0
    young = Person.objects.filter(
        region_id__gte=lo,
        region_id__lt=hi,
        sex=Sex.MALE,
        merged_into__isnull=True,
        service_records__isnull=True,
    ).order_by("-birth_date", "name", "pk")
    seventeen = young.filter(birth_date__year=2009, registration__isnull=True).order_by(
        "birth_date", "name", "pk"
    )
    volunteers = list(seventeen[:VOLUNTEERS])
    for person in volunteers:
        services.record_registration(
            actor=None,
            person=person,
            on=D(2026, 10, 20),
            conclusion=Conclusion.LIABLE,
            family_contacts="父亲（电话见家庭成员）",
            wants_to_enlist=True,
        )
    registered = list(
        young.filter(
            birth_date__gte=D(2005, 1, 1),
            birth_date__lte=D(2008, 12, 31),
            registration__conclusion=Conclusion.LIABLE,
        )[: len(PATHS) - len(volunteers)]
    )
    changed = len(volunteers)
    for person, (passed, failure) in zip(volunteers + registered, PATHS, strict=False):
        candidate = services.apply(
            actor=None,
            person=person,
            campaign=campaign,
            on=APPLIED_ON,
            is_university_student=person.registration.is_university_student,
        )
        for stage in passed:
            services.record_stage(
                actor=None, candidate=candidate, stage=stage, passed=True, on=STAGE_DATES[stage]
            )
        if failure is not None:
            stage, reason = failure
            services.record_stage(
                actor=None,
                candidate=candidate,
                stage=stage,
                passed=False,
                on=STAGE_DATES[stage],
                reason=reason,
            )
        changed += 1
    return changed

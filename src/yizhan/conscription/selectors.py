"""Scoped reads of 兵役登记 and 征兵. Candidates are scoped by their 户籍 region code, registrations
through people_visible_to; campaigns belong to a county and are seen by everyone working in it."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum

from yizhan.accounts.roles import Department, Perm, Role
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    CandidateStatus,
    Registration,
    RegistrationYear,
    Stage,
    StageResult,
    TownshipQuota,
)
from yizhan.conscription.services import UNIVERSITY_EDUCATION, registration_settings_for, suggest_split
from yizhan.conscription.workflow import NEXT, RETURNABLE_FROM
from yizhan.core.policy import may_change, policy_regions_of
from yizhan.core.scopes import scoped, visible
from yizhan.core.scoping import get_in_scope
from yizhan.people.models import Person, RelationKind, Sex
from yizhan.people.selectors import family_of, people_visible_to
from yizhan.regions.models import PREFIX_LENGTH, Level, Region, level_of, scope_bounds

ARMED_DEPARTMENTS = {Department.ARMED_FORCES, Department.BOTH}
RECORDERS = {Role.COUNTY_OFFICER, Role.STATION_HEAD, Role.STATION_DEPUTY, Role.STATION_CLERK}


def _armed_posts(user, roles: set[str] | None = None) -> list:
    return [
        p
        for p in user.active_posts
        if p.department in ARMED_DEPARTMENTS and p.region_id and (roles is None or p.role in roles)
    ]


def works_on_conscription(user) -> bool:
    """Any 武装部 post (liaisons included: they read the lists of their village)."""
    return bool(_armed_posts(user))


def can_record(user) -> bool:
    """Registrations, applications and stage results: 武装部 staff of a station or the county."""
    return user.can(Perm.EDIT_PEOPLE) and bool(_armed_posts(user, RECORDERS))


def may_run_intake(user, county_code: str) -> bool:
    """Intakes and their township quotas are the county's: its officers and those above."""
    return may_change(user, county_code, departments=ARMED_DEPARTMENTS)


def intake_counties(user) -> QuerySet[Region]:
    """The counties whose intakes the user may set up."""
    return policy_regions_of(user, departments=ARMED_DEPARTMENTS).filter(level=Level.COUNTY)


# --- campaigns ------------------------------------------------------------------------------


def campaigns_visible_to(user) -> QuerySet[Campaign]:
    if not works_on_conscription(user):
        return Campaign.objects.none()
    return visible(user, "conscription.Campaign").select_related("county")


def campaigns_to_split(user) -> list[Campaign]:
    """The open intakes of the counties the user runs whose quota is not yet wholly split among
    the townships: the county's own work (`assigned` is set on each)."""
    campaigns = (
        campaigns_visible_to(user)
        .filter(county__in=intake_counties(user), closed=False)
        .annotate(assigned=Sum("township_quotas__quota"))
        .order_by("year", "half", "county_id")
    )
    return [c for c in campaigns if (c.assigned or 0) < c.quota]


def get_campaign(*, user, pk: int) -> Campaign:
    return get_in_scope(campaigns_visible_to(user), pk=pk)


def open_campaigns_for(*, user, person: Person, on: datetime.date) -> list[Campaign]:
    """The intakes of his county the person may apply to on that day."""
    county = person.region_id[:6] + "000000"
    return [c for c in campaigns_visible_to(user).filter(county_id=county, closed=False) if c.is_open_on(on)]


def townships_of(*, user, campaign: Campaign) -> QuerySet[Region]:
    """The campaign county's townships that lie in the user's jurisdiction."""
    lo, hi = scope_bounds(campaign.county_id)
    return Region.objects.filter(
        scoped(user, "regions.Region"), code__gte=lo, code__lt=hi, level=Level.TOWNSHIP
    ).order_by("code")


def sees_whole_county(user, county_code: str) -> bool:
    lo, hi = scope_bounds(county_code)
    return any(ulo <= lo and hi <= uhi for ulo, uhi in getattr(user, "scope_bounds", None) or [])


# --- registrations --------------------------------------------------------------------------


def home_region(user) -> str:
    """The region whose policies a user's pages show: that of his first 武装部 post."""
    posts = _armed_posts(user)
    return posts[0].region_id if posts else ""


def registration_settings(year: int, region_code: str) -> RegistrationYear | None:
    """The settings in force for that region (its own, or inherited from above)."""
    return registration_settings_for(region_code=region_code, year=year)


def registrations_visible_to(user) -> QuerySet[Registration]:
    return visible(user, "conscription.Registration")


# Who a young man's family contact is, as the registration form names him: the relation seen
# from the registrant, parents by sex.
CONTACT_NAMES = {
    (RelationKind.PARENT, Sex.MALE): "父亲",
    (RelationKind.PARENT, Sex.FEMALE): "母亲",
    (RelationKind.GUARDIAN, Sex.MALE): "监护人",
    (RelationKind.GUARDIAN, Sex.FEMALE): "监护人",
    (RelationKind.SPOUSE, Sex.MALE): "配偶",
    (RelationKind.SPOUSE, Sex.FEMALE): "配偶",
}


def registration_initial(*, user, person: Person) -> dict:
    """What the registry already knows for his 兵役登记: a college education makes him a student
    or graduate, and the family contacts are the parents, guardians or spouse recorded (named
    only; their phones stay encrypted in their own records, the page links to them)."""
    contacts = [
        f"{CONTACT_NAMES[kind, relative.sex]} {relative.name}"
        for relative, kind in family_of(person, user=user)
        if (kind, relative.sex) in CONTACT_NAMES
    ]
    text = "、".join(contacts) + "（电话见家庭成员）" if contacts else ""
    return {
        "is_university_student": person.education in UNIVERSITY_EDUCATION,
        "family_contacts": text if len(text) <= 200 else "",
    }


def must_register_this_year(user, year: int, *, scope_filters_only: bool = False) -> QuerySet[Person]:
    """应登记: visible males turning the registration age (18) by 31 December of `year`, registered
    or not (the denominator of 兵役登记率, statistics). `scope_filters_only`: see people_visible_to."""
    settings = registration_settings(year, home_region(user))
    age = settings.register_age if settings else 18
    born = year - age
    return people_visible_to(user, scope_filters_only=scope_filters_only).filter(
        sex=Sex.MALE, birth_date__gte=datetime.date(born, 1, 1), birth_date__lte=datetime.date(born, 12, 31)
    )


def must_register(user, year: int) -> QuerySet[Person]:
    """应登未登: those of must_register_this_year who have no registration, ordered by village."""
    return (
        must_register_this_year(user, year)
        .filter(registration__isnull=True)
        .select_related("region")
        .order_by("region_id", "name", "pk")
    )


@dataclass
class VillageCount:
    code: str
    name: str
    count: int


def must_register_by_village(user, year: int) -> list[VillageCount]:
    rows = (
        must_register(user, year).order_by().values("region_id").annotate(n=Count("pk")).order_by("region_id")
    )
    names = dict(Region.objects.filter(code__in=[r["region_id"] for r in rows]).values_list("code", "name"))
    return [VillageCount(r["region_id"], names.get(r["region_id"], r["region_id"]), r["n"]) for r in rows]


# --- candidates -----------------------------------------------------------------------------


def candidates_visible_to(user) -> QuerySet[Candidate]:
    if not user.can(Perm.VIEW_PEOPLE) or not works_on_conscription(user):
        return Candidate.objects.none()
    return visible(user, "conscription.Candidate")


def get_candidate(*, user, pk: int) -> Candidate:
    return get_in_scope(
        candidates_visible_to(user).select_related(
            "person", "person__region", "campaign", "campaign__county"
        ),
        pk=pk,
    )


def candidacies_of(*, user, person: Person) -> QuerySet[Candidate]:
    return (
        candidates_visible_to(user).filter(person=person).select_related("campaign").order_by("-applied_on")
    )


def candidates_of(
    *, user, campaign: Campaign, township: Region | None = None, stage: str = "", status: str = ""
) -> QuerySet[Candidate]:
    candidates = candidates_visible_to(user).filter(campaign=campaign)
    if township is not None:
        lo, hi = township.bounds
        candidates = candidates.filter(region_code__gte=lo, region_code__lt=hi)
    if stage:
        candidates = candidates.filter(stage=stage)
    if status:
        candidates = candidates.filter(status=status)
    return candidates.select_related("person", "person__region").order_by("region_code", "person__name", "pk")


def results_of(candidate: Candidate) -> QuerySet[StageResult]:
    return candidate.results.select_related("recorded_by").order_by("on", "id")


def next_stage(candidate: Candidate) -> str | None:
    """The stage the candidate's page offers to record next (None when nothing follows)."""
    if candidate.status == CandidateStatus.ACTIVE or (
        candidate.status == CandidateStatus.ENLISTED and candidate.stage == Stage.APPROVAL
    ):
        return NEXT.get(Stage(candidate.stage))
    return None


def may_return(candidate: Candidate) -> bool:
    return candidate.status == CandidateStatus.ENLISTED and candidate.stage in RETURNABLE_FROM


@dataclass
class StageRow:
    stage: str
    label: str
    current: int  # candidates whose last passed stage is this one (still in the running)
    passed: int
    failed: int


@dataclass
class Board:
    township: Region
    quota: int
    rows: list[StageRow]
    enlisted: int
    university_enlisted: int
    total: int


def board(*, user, campaign: Campaign, township: Region) -> Board:
    """Per stage: how many stand there now, passed it and failed it, against the township quota."""
    candidates = candidates_of(user=user, campaign=campaign, township=township).order_by()
    current = dict(
        candidates.filter(status__in=[CandidateStatus.ACTIVE, CandidateStatus.ENLISTED])
        .values_list("stage")
        .annotate(n=Count("pk"))
    )
    results = (
        StageResult.objects.filter(candidate__in=candidates.values("pk"))
        .values("stage", "passed")
        .annotate(n=Count("pk"))
    )
    passed: dict[str, int] = {}
    failed: dict[str, int] = {}
    for r in results:
        (passed if r["passed"] else failed)[r["stage"]] = r["n"]
    rows = [
        StageRow(s.value, s.label, current.get(s.value, 0), passed.get(s.value, 0), failed.get(s.value, 0))
        for s in Stage
        if s != Stage.RETURNED
    ]
    rows.append(StageRow(Stage.RETURNED, Stage.RETURNED.label, 0, 0, failed.get(Stage.RETURNED, 0)))
    quota = TownshipQuota.objects.filter(campaign=campaign, township=township).values_list("quota", flat=True)
    enlisted = candidates.filter(status=CandidateStatus.ENLISTED)
    return Board(
        township=township,
        quota=quota.first() or 0,
        rows=rows,
        enlisted=enlisted.count(),
        university_enlisted=enlisted.filter(is_university_student=True).count(),
        total=candidates.count(),
    )


# --- quotas ---------------------------------------------------------------------------------


def quotas_by_area(*, user, year: int, region: Region, length: int) -> dict[str, int]:
    """The 征集任务数 of the year's intakes (both halves) in `region`, by area — the code prefix of
    `length` digits of a county (its intakes' quota) or of a township (its share) — and under ""
    for the region itself. A village has no quota of its own, so a township's table has only
    its total."""
    lo, hi = region.bounds
    intakes = campaigns_visible_to(user).filter(year=year)
    in_counties = intakes.filter(county_id__gte=lo, county_id__lt=hi)
    shares = TownshipQuota.objects.filter(
        scoped(user, "conscription.TownshipQuota"),
        campaign__in=intakes,
        township_id__gte=lo,
        township_id__lt=hi,
    )
    by_area: dict[str, int] = {}
    if length <= PREFIX_LENGTH[Level.COUNTY]:
        for county, quota in in_counties.values_list("county_id", "quota"):
            by_area[county[:length]] = by_area.get(county[:length], 0) + quota
    elif length == PREFIX_LENGTH[Level.TOWNSHIP]:
        for township, quota in shares.values_list("township_id", "quota"):
            by_area[township[:length]] = by_area.get(township[:length], 0) + quota
    level = level_of(region.code)
    if level == Level.TOWNSHIP:
        by_area[""] = sum(shares.values_list("quota", flat=True))
    elif level != Level.VILLAGE:
        by_area[""] = sum(in_counties.values_list("quota", flat=True))
    return by_area


@dataclass
class QuotaRow:
    township: Region
    quota: int | None
    population: int
    registrants: int
    suggested: int | None
    applied: int
    active: int
    enlisted: int
    university: int


@dataclass
class QuotaSheet:
    rows: list[QuotaRow]
    whole_county: bool  # the suggestion needs every township's figures
    assigned: int
    applied: int
    enlisted: int
    university_applied: int
    university_enlisted: int

    @property
    def university_percent(self) -> float | None:
        return round(100 * self.university_enlisted / self.enlisted, 1) if self.enlisted else None


def quota_sheet(*, user, campaign: Campaign) -> QuotaSheet:
    """Per township of the campaign county in the user's jurisdiction: quota, the suggested split
    (population = people registered there, registrants = 兵役登记 count) and the candidates."""
    townships = list(townships_of(user=user, campaign=campaign))
    whole_county = sees_whole_county(user, campaign.county_id)
    people = people_visible_to(user)
    registrations = registrations_visible_to(user)
    candidates = candidates_visible_to(user).filter(campaign=campaign)
    quotas = dict(
        TownshipQuota.objects.filter(campaign=campaign, township__in=townships).values_list(
            "township_id", "quota"
        )
    )
    population: dict[str, int] = {}
    registrants: dict[str, int] = {}
    counts: dict[str, dict[str, int]] = {}
    for township in townships:
        lo, hi = township.bounds
        population[township.code] = people.filter(region_id__gte=lo, region_id__lt=hi).count()
        registrants[township.code] = registrations.filter(
            person__region_id__gte=lo, person__region_id__lt=hi
        ).count()
        mine = candidates.filter(region_code__gte=lo, region_code__lt=hi)
        counts[township.code] = mine.aggregate(
            applied=Count("pk"),
            active=Count("pk", filter=Q(status=CandidateStatus.ACTIVE)),
            enlisted=Count("pk", filter=Q(status=CandidateStatus.ENLISTED)),
            university=Count("pk", filter=Q(is_university_student=True)),
            university_enlisted=Count(
                "pk", filter=Q(is_university_student=True, status=CandidateStatus.ENLISTED)
            ),
        )
    suggested = (
        suggest_split(campaign=campaign, population=population, registrants=registrants)
        if whole_county
        else {}
    )
    rows = [
        QuotaRow(
            township=t,
            quota=quotas.get(t.code),
            population=population[t.code],
            registrants=registrants[t.code],
            suggested=suggested.get(t.code),
            applied=counts[t.code]["applied"],
            active=counts[t.code]["active"],
            enlisted=counts[t.code]["enlisted"],
            university=counts[t.code]["university"],
        )
        for t in townships
    ]
    return QuotaSheet(
        rows=rows,
        whole_county=whole_county,
        assigned=sum(q for q in quotas.values()),
        applied=sum(c["applied"] for c in counts.values()),
        enlisted=sum(c["enlisted"] for c in counts.values()),
        university_applied=sum(c["university"] for c in counts.values()),
        university_enlisted=sum(c["university_enlisted"] for c in counts.values()),
    )

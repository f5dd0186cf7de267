"""Writes of 兵役登记 and 征兵. Facts that set off follow-up work go through lifecycle.emit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.accounts.models import User
from yizhan.accounts.roles import ARMED
from yizhan.audit.services import record
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    CandidateStatus,
    Conclusion,
    Half,
    Registration,
    RegistrationKind,
    RegistrationYear,
    Stage,
    StageResult,
    TownshipQuota,
    Verification,
)
from yizhan.conscription.workflow import check_transition
from yizhan.core.dates import check_date, planning_limit
from yizhan.core.policy import in_force, region_label, require_officer
from yizhan.core.policy_values import policy_value
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.models import Education, Person, Sex
from yizhan.people.services import audit_person, grant_identity
from yizhan.regions.models import Level, Region

UNIVERSITY_EDUCATION = {Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE}
# 征集年龄 by 31 December of the intake year (参数设置: 17 of one's own will, which applying is,
# to 22; graduates of a college or university to 24, postgraduates to 26).
ENLISTMENT_MAX_AGE_POLICY = {
    Education.POSTGRADUATE: "conscription.enlist_max_age_postgraduate",
    Education.BACHELOR: "conscription.enlist_max_age_graduate",
    Education.COLLEGE: "conscription.enlist_max_age_graduate",
}
# 批准入伍 of the two intakes a year (参数设置 "03-01" / "09-01"; each intake may set its own date).
INTAKE_DATE_POLICY = {
    Half.FIRST: "conscription.intake_date_first",
    Half.SECOND: "conscription.intake_date_second",
}


def registration_settings_for(*, region_code: str, year: int) -> RegistrationYear | None:
    """The year's settings in force for a place: its county's, else its city's, province's, or
    the national default."""
    return in_force(RegistrationYear.objects.filter(year=year), region_code)


def _window(settings: RegistrationYear) -> str:
    return f"{settings.year} 年兵役登记时间为 {settings.window_start:%-m月%-d日} 至 {settings.window_end:%-m月%-d日}"


def registration_kind(
    *, person: Person, settings: RegistrationYear, university: bool, on: datetime.date
) -> str:
    """Initial or volunteer (17) inside the year's window; late (补登) up to the age limit by
    education, all year: whoever missed his window may still register, so the 应登未登 list can be
    worked off after it closes. Refuses the rest."""
    if person.sex != Sex.MALE:
        # Women may serve, but 兵役登记 of this system follows the male registration duty.
        raise ValidationError("兵役登记对象为男性公民。")
    if person.birth_date is None:
        raise ValidationError("缺少出生日期，无法判断登记类型。")
    age_at_year_end = settings.year - person.birth_date.year
    in_window = settings.window_start <= on <= settings.window_end
    if age_at_year_end == settings.volunteer_age:
        if not in_window:
            raise ValidationError(
                f"{_window(settings)}；{settings.volunteer_age} 周岁自愿登记须在此期间办理。"
            )
        return RegistrationKind.VOLUNTEER
    if age_at_year_end < settings.volunteer_age:
        raise ValidationError(f"未满 {settings.volunteer_age} 周岁，不能登记。")
    if age_at_year_end == settings.register_age:
        if in_window:
            return RegistrationKind.INITIAL
        if on < settings.window_start:
            raise ValidationError(f"{_window(settings)}，尚未开始。")
    if university or person.education in UNIVERSITY_EDUCATION:
        limit = settings.late_limit_university
    elif person.education == Education.SENIOR:
        limit = settings.late_limit_senior
    else:
        limit = settings.late_limit_other
    if age_at_year_end <= limit:
        return RegistrationKind.LATE
    raise ValidationError(f"已超过补登年龄上限（{limit} 周岁）。")


@transaction.atomic
def record_registration(
    *,
    actor,
    person: Person,
    on: datetime.date,
    conclusion: str,
    reason: str = "",
    is_university_student: bool = False,
    family_contacts: str = "",
    wants_to_enlist: bool = False,
) -> Registration:
    check_date(on, field="on", born=person.birth_date)
    settings = registration_settings_for(region_code=person.region_id, year=on.year)
    if settings is None:
        raise ValidationError(f"尚未设置 {on.year} 年兵役登记（登记时间窗口）。")
    if hasattr(person, "registration"):
        raise ValidationError("此人已进行过兵役登记，请办理年度核验。")
    if conclusion != Conclusion.LIABLE and not reason.strip():
        raise ValidationError({"reason": "结论为免服或不得服兵役时，须填写原因。"})
    kind = registration_kind(person=person, settings=settings, university=is_university_student, on=on)
    registration = Registration.objects.create(
        person=person, year=on.year, registered_on=on, kind=kind, conclusion=conclusion, reason=reason.strip(),
        education=person.education, is_university_student=is_university_student, family_contacts=family_contacts,
        wants_to_enlist=wants_to_enlist and conclusion == Conclusion.LIABLE, recorded_by=actor,
    )  # fmt: skip
    audit_person(
        actor, "registration.record", person, {"year": on.year, "kind": kind, "conclusion": conclusion}
    )
    emit(
        kind=EventKind.REGISTRATION_RECORDED,
        key=f"registration:{registration.pk}",
        person=person,
        occurred_on=on,
        actor=actor,
        payload={"wants_to_enlist": registration.wants_to_enlist, "university": is_university_student},
    )
    return registration


@transaction.atomic
def verify_registration(
    *, actor, registration: Registration, on: datetime.date, conclusion: str, notes: str = ""
) -> Verification:
    """The yearly 核验 in the years after registration; a changed conclusion needs its reason."""
    check_date(on, field="on", born=registration.person.birth_date)
    if on.year <= registration.year:
        raise ValidationError(
            {"on": f"{registration.year} 年登记，自 {registration.year + 1} 年起每年核验。"}
        )
    if registration.verifications.filter(year=on.year).exists():
        raise ValidationError(f"{on.year} 年已核验。")
    if conclusion != Conclusion.LIABLE and not notes.strip():
        raise ValidationError({"notes": "结论为免服或不得服兵役时，须填写原因。"})
    verification = Verification.objects.create(
        registration=registration,
        year=on.year,
        verified_on=on,
        conclusion=conclusion,
        notes=notes.strip(),
        verified_by=actor,
    )
    audit_person(
        actor, "registration.verify", registration.person, {"year": on.year, "conclusion": conclusion}
    )
    return verification


def current_conclusion(registration: Registration) -> str:
    """The conclusion of the latest 核验, or of the registration itself."""
    latest = registration.verifications.order_by("-year").first()
    return latest.conclusion if latest else registration.conclusion


def county_code_of(region_code: str) -> str:
    return region_code[:6] + "000000"


def open_campaign_for(person: Person, on: datetime.date) -> Campaign | None:
    return next(
        (
            c
            for c in Campaign.objects.filter(county_id=county_code_of(person.region_id), closed=False)
            if c.is_open_on(on)
        ),
        None,
    )


def _enlistment_ages(campaign: Campaign, *, person: Person, university: bool) -> tuple[int, int]:
    """(lowest, highest) age by 31 December allowed in the county's intake for his education."""

    def age(name: str) -> int:
        return policy_value(name, region_code=campaign.county_id, on=campaign.approval_on)

    limit = age("conscription.enlist_max_age")
    if university:
        limit = max(limit, age("conscription.enlist_max_age_graduate"))
    if person.education in ENLISTMENT_MAX_AGE_POLICY:
        limit = max(limit, age(ENLISTMENT_MAX_AGE_POLICY[person.education]))
    return age("conscription.enlist_min_age"), limit


def _check_applicant(*, person: Person, campaign: Campaign, on: datetime.date, university: bool) -> None:
    if campaign.county_id != county_code_of(person.region_id):
        raise ValidationError("只能报名户籍所在县（区）的征兵批次。")
    if not campaign.is_open_on(on):
        raise ValidationError(
            f"该征兵批次报名期为 {campaign.opens_on:%Y年%-m月%-d日} 至 {campaign.approval_on:%Y年%-m月%-d日}"
            + ("，且已结束。" if campaign.closed else "。")
        )
    registration = Registration.objects.filter(person=person).first()
    if registration is None:
        raise ValidationError("请先进行兵役登记。")
    if on < registration.registered_on:
        raise ValidationError({"on": "报名日期不能早于兵役登记日期。"})
    conclusion = current_conclusion(registration)
    if conclusion != Conclusion.LIABLE:
        raise ValidationError(f"兵役登记结论为“{Conclusion(conclusion).label}”，不能应征报名。")
    if person.birth_date is None:
        raise ValidationError("缺少出生日期，无法核对征集年龄。")
    age = campaign.year - person.birth_date.year
    low, limit = _enlistment_ages(
        campaign, person=person, university=university or registration.is_university_student
    )
    if not low <= age <= limit:
        raise ValidationError(f"征集年龄为当年 12 月 31 日前年满 {low} 至 {limit} 周岁，此人为 {age} 周岁。")
    other = (
        Candidate.objects.filter(person=person, status__in=[CandidateStatus.ACTIVE, CandidateStatus.ENLISTED])
        .exclude(campaign=campaign)
        .select_related("campaign")
        .first()
    )
    if other is not None:
        raise ValidationError(f"此人在“{other.campaign}”中为{other.get_status_display()}，不能重复报名。")


@transaction.atomic
def apply(
    *, actor, person: Person, campaign: Campaign, on: datetime.date, is_university_student: bool = False
) -> Candidate:
    """应征报名: the person becomes a candidate of the campaign (once; a repeat returns him)."""
    check_date(on, field="on", born=person.birth_date)
    existing = Candidate.objects.filter(campaign=campaign, person=person).first()
    if existing is not None:
        return existing
    _check_applicant(person=person, campaign=campaign, on=on, university=is_university_student)
    candidate = Candidate.objects.create(
        campaign=campaign,
        person=person,
        region_code=person.region_id,
        applied_on=on,
        is_university_student=is_university_student,
    )
    StageResult.objects.create(
        candidate=candidate, stage=Stage.APPLICATION, passed=True, on=on, recorded_by=actor
    )
    grant_identity(actor=actor, person=person, kind="applicant", since=on, source=f"candidate:{candidate.pk}")
    audit_person(actor, "candidate.apply", person, {"campaign": str(campaign)})
    return candidate


def enter_open_campaign(event: DomainEvent) -> None:
    """Rule effect: a registrant who wants to enlist becomes a candidate of the open campaign."""
    if not event.payload.get("wants_to_enlist"):
        return
    campaign = open_campaign_for(event.person, event.occurred_on)
    if campaign is not None:
        apply(
            actor=event.actor,
            person=event.person,
            campaign=campaign,
            on=event.occurred_on,
            is_university_student=event.payload.get("university", False),
        )


@transaction.atomic
def record_stage(
    *,
    actor,
    candidate: Candidate,
    stage: str,
    passed: bool,
    on: datetime.date,
    reason: str = "",
    payload: dict | None = None,
) -> Candidate:
    """Records one stage's result; the table in workflow.py decides whether it may be recorded."""
    # of=("self",): not the person's row, which a ticket issue holding the audit chain may need
    # (hall.services.issue_ticket).
    candidate = (
        Candidate.objects.select_for_update(of=("self",)).select_related("person").get(pk=candidate.pk)
    )
    # The day a stage was recorded is a fact, 批准入伍 too: it takes effect on the intake's date.
    check_date(on, field="on", born=candidate.person.birth_date)
    check_transition(candidate, stage, passed=passed, on=on)
    reason = reason.strip()
    if stage == Stage.RETURNED:
        passed = False  # a 退兵 is the recruit failing 检疫复查 after arrival
    if not passed and not reason:
        raise ValidationError(
            {"reason": "退兵须填写原因。" if stage == Stage.RETURNED else "未通过时须填写原因。"}
        )
    last = candidate.results.order_by("-on").first()
    if last is not None and on < last.on:
        raise ValidationError(
            {"on": f"日期不能早于上一环节“{last.get_stage_display()}”（{last.on:%Y年%-m月%-d日}）。"}
        )
    StageResult.objects.create(
        candidate=candidate, stage=stage, passed=passed, on=on, reason=reason, recorded_by=actor
    )
    person = candidate.person
    if stage == Stage.RETURNED:
        candidate.status = CandidateStatus.RETURNED
        candidate.stage = stage
        candidate.failure_reason = reason
        candidate.save()
        audit_person(actor, "candidate.returned", person, {"reason": reason})
        emit(
            kind=EventKind.RECRUIT_RETURNED,
            key=f"candidate:{candidate.pk}",
            person=person,
            occurred_on=on,
            actor=actor,
            payload={"reason": reason},
        )
        return candidate
    if not passed:
        candidate.status = CandidateStatus.FAILED
        candidate.failed_stage = stage
        candidate.failure_reason = reason
        candidate.save()
        audit_person(actor, "candidate.failed", person, {"stage": Stage(stage).label, "reason": reason})
        emit(
            kind=EventKind.CANDIDATE_FAILED,
            key=f"candidate:{candidate.pk}",
            person=person,
            occurred_on=on,
            actor=actor,
            payload={"stage": stage, "reason": reason},
        )
        return candidate
    candidate.stage = stage
    if stage == Stage.NOTICE:
        candidate.notice_starts_on = on
    if stage == Stage.APPROVAL:
        candidate.status = CandidateStatus.ENLISTED
    candidate.save()
    audit_person(actor, "candidate.stage", person, {"stage": Stage(stage).label})
    if stage == Stage.APPROVAL:
        # 批准入伍 takes effect on the intake's date, however early it is recorded: the service
        # record, the allowance periods and the tasks' due dates all count from then.
        emit(
            kind=EventKind.ENLISTMENT_APPROVED,
            key=f"candidate:{candidate.pk}",
            person=person,
            occurred_on=candidate.campaign.approval_on,
            actor=actor,
            payload=payload or {},
        )
    return candidate


@transaction.atomic
def record_stage_for_many(
    *, actor, candidates: Iterable[Candidate], stage: str, passed: bool, on: datetime.date, reason: str = ""
) -> list[str]:
    """The board's group advance: each candidate checked on his own; returns the refusals (name:
    reason) and records the rest. One refusal does not block the others."""
    refusals = []
    for candidate in candidates:
        try:
            with transaction.atomic():
                record_stage(
                    actor=actor, candidate=candidate, stage=stage, passed=passed, on=on, reason=reason
                )
        except ValidationError as exc:  # TransitionError included
            message = exc.messages[0]
            refusals.append(f"{candidate.person.name}：{message}")
    return refusals


@transaction.atomic
def set_registration_year(
    *,
    actor: User | None,
    region_code: str,
    year: int,
    window_start: datetime.date,
    window_end: datetime.date,
    register_age: int = 18,
    volunteer_age: int = 17,
    late_limit_university: int = 24,
    late_limit_senior: int = 22,
    late_limit_other: int = 20,
) -> RegistrationYear:
    """Creates or changes one region's registration settings of a year (window and ages); only
    an officer at or above the region may (the national default: a system administrator)."""
    require_officer(actor, region_code, departments=ARMED, what="兵役登记设置")
    check_date(window_start, field="window_start", latest=planning_limit())
    check_date(window_end, field="window_end", latest=planning_limit())
    errors: dict[str, str] = {}
    if window_start.year != year:
        errors["window_start"] = f"登记开始日期应在 {year} 年内。"
    if window_end.year != year:
        errors["window_end"] = f"登记截止日期应在 {year} 年内。"
    elif window_end < window_start:
        errors["window_end"] = "登记截止日期不能早于开始日期。"
    if volunteer_age >= register_age:
        errors["volunteer_age"] = "自愿登记年龄应小于应登记年龄。"
    for field, limit in (
        ("late_limit_other", late_limit_other),
        ("late_limit_senior", late_limit_senior),
        ("late_limit_university", late_limit_university),
    ):
        if limit < register_age:
            errors[field] = "补登年龄上限不能小于应登记年龄。"
    if errors:
        raise ValidationError(errors)
    values = {
        "window_start": window_start,
        "window_end": window_end,
        "register_age": register_age,
        "volunteer_age": volunteer_age,
        "late_limit_university": late_limit_university,
        "late_limit_senior": late_limit_senior,
        "late_limit_other": late_limit_other,
    }
    settings, created = RegistrationYear.objects.update_or_create(
        region_code=region_code, year=year, defaults=values
    )
    record(
        actor=actor,
        action="registration_year.create" if created else "registration_year.update",
        object_type="registration_year",
        object_id=f"{region_code or 'national'}:{year}",
        region_code=region_code,
        changes={
            "region": region_label(region_code),
            **{k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in values.items()},
        },
    )
    return settings


def intake_date(*, year: int, half: str, county_code: str) -> datetime.date:
    """The date of 批准入伍 the county's intakes default to (参数设置: 1 March or 1 September)."""
    month_day = policy_value(
        INTAKE_DATE_POLICY[Half(half)], region_code=county_code, on=datetime.date(year, 1, 1)
    )
    month, day = (int(part) for part in month_day.split("-"))
    return datetime.date(year, month, day)


@transaction.atomic
def create_campaign(
    *,
    actor: User | None,
    county: Region,
    year: int,
    half: str,
    opens_on: datetime.date,
    approval_on: datetime.date | None = None,
    quota: int,
    university_target_percent: int = 0,
) -> Campaign:
    """A county's intake for one half-year, by an officer of the county or above. Its date of
    批准入伍 is 1 March or 1 September unless the county sets another."""
    if county.level != Level.COUNTY:
        raise ValidationError({"county": "征兵批次按县（区）设立。"})
    require_officer(actor, county.code, departments=ARMED, what="征兵批次")
    if half not in Half.values:
        raise ValidationError({"half": "请选择上半年或下半年批次。"})
    approval_on = approval_on or intake_date(year=year, half=half, county_code=county.code)
    check_date(opens_on, field="opens_on", latest=planning_limit())
    check_date(approval_on, field="approval_on", latest=planning_limit())
    errors: dict[str, str] = {}
    if approval_on.year != year:
        errors["approval_on"] = f"批准入伍日期应在 {year} 年内。"
    elif (approval_on.month <= 6) != (half == Half.FIRST):
        errors["approval_on"] = (
            f"{Half(half).label}批次的批准入伍日期应在{'1–6' if half == Half.FIRST else '7–12'}月。"
        )
    if opens_on >= approval_on:
        errors["opens_on"] = "报名开始日期应早于批准入伍日期。"
    if quota < 1:
        errors["quota"] = "征集任务数至少为 1。"
    if not 0 <= university_target_percent <= 100:
        errors["university_target_percent"] = "比例应在 0–100 之间。"
    if not errors and Campaign.objects.filter(county=county, year=year, half=half).exists():
        errors["half"] = f"{county.name}{year}年{Half(half).label}征兵批次已存在。"
    if errors:
        raise ValidationError(errors)
    campaign = Campaign.objects.create(
        county=county,
        year=year,
        half=half,
        opens_on=opens_on,
        approval_on=approval_on,
        quota=quota,
        university_target_percent=university_target_percent,
    )
    _audit_campaign(actor, "campaign.create", campaign, county.code, {
        "year": year, "half": half, "opens_on": opens_on.isoformat(),
        "approval_on": approval_on.isoformat(), "quota": quota,
        "university_target_percent": university_target_percent,
    })  # fmt: skip
    return campaign


@transaction.atomic
def close_campaign(*, actor: User | None, campaign: Campaign) -> Campaign:
    """Ends the intake: no more applications or approvals; recorded stages stay as they are."""
    require_officer(actor, campaign.county_id, departments=ARMED, what="征兵批次")
    if not campaign.closed:
        campaign.closed = True
        campaign.save(update_fields=["closed"])
        _audit_campaign(actor, "campaign.close", campaign, campaign.county_id, {})
    return campaign


def _audit_campaign(actor, action: str, campaign: Campaign, region_code: str, changes: dict) -> None:
    record(
        actor=actor,
        action=action,
        object_type="campaign",
        object_id=campaign.pk,
        region_code=region_code,
        changes=changes,
    )


def suggest_split(
    *, campaign: Campaign, population: dict[str, int], registrants: dict[str, int]
) -> dict[str, int]:
    """Splits the county quota among townships by half population share, half registrant share
    (all of it by the one measure when the other is zero everywhere, evenly when both are),
    rounding by largest remainder so the parts add up to the quota exactly."""
    townships = sorted(set(population) | set(registrants))
    if not townships:
        return {}
    total_pop = sum(population.values())
    total_reg = sum(registrants.values())
    weights = dict.fromkeys(townships, 0.0)
    for counts, total in ((population, total_pop), (registrants, total_reg)):
        if total:
            for t in townships:
                weights[t] += counts.get(t, 0) / total
    if not any(weights.values()):
        weights = dict.fromkeys(townships, 1.0)
    total_weight = sum(weights.values())
    shares = {t: campaign.quota * weights[t] / total_weight for t in townships}
    split = {t: int(s) for t, s in shares.items()}
    leftover = campaign.quota - sum(split.values())
    for t in sorted(townships, key=lambda t: (-(shares[t] - split[t]), t))[:leftover]:
        split[t] += 1
    return split


@transaction.atomic
def set_township_quotas(*, actor: User | None, campaign: Campaign, quotas: dict[str, int]) -> int:
    """Sets the quotas of the intake's townships (code → number) at once, by an officer of the
    county or above; together they may not exceed the county's quota. Returns how many changed."""
    require_officer(actor, campaign.county_id, departments=ARMED, what="乡镇征集任务")
    campaign = Campaign.objects.select_for_update(of=("self",)).select_related("county").get(pk=campaign.pk)
    townships = {r.code: r for r in Region.objects.filter(code__in=quotas)}
    for code in quotas:
        township = townships.get(code)
        if township is None or township.level != Level.TOWNSHIP or county_code_of(code) != campaign.county_id:
            raise ValidationError(
                f"{township.name if township else code}不是{campaign.county.name}的乡镇（街道）。"
            )
    if any(quota < 0 for quota in quotas.values()):
        raise ValidationError({"quota": "任务数不能为负数。"})
    current = dict(campaign.township_quotas.values_list("township_id", "quota"))
    total = sum({**current, **quotas}.values())
    if total > campaign.quota:
        raise ValidationError(
            f"各乡镇（街道）任务数合计 {total}，超过{campaign.county.name}本批次征集任务数 {campaign.quota}。"
        )
    changed = 0
    for code, quota in quotas.items():
        if current.get(code) == quota:
            continue
        TownshipQuota.objects.update_or_create(campaign=campaign, township_id=code, defaults={"quota": quota})
        _audit_campaign(
            actor, "campaign.quota", campaign, code, {"township": townships[code].name, "quota": quota}
        )
        changed += 1
    return changed

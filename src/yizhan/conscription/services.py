"""Writes of 兵役登记 and 征兵. Facts that set off follow-up work go through lifecycle.emit."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.audit.services import record
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    CandidateStatus,
    Conclusion,
    Registration,
    RegistrationKind,
    RegistrationYear,
    Stage,
    StageResult,
    TownshipQuota,
    Verification,
)
from yizhan.conscription.workflow import TransitionError, check_transition
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.models import Education, Person, Sex
from yizhan.regions.models import Level, Region

UNIVERSITY_EDUCATION = {Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE}
# 征集年龄 (征兵工作条例): 18–22 by 31 December of the intake year; graduates of a college or
# university to 24, postgraduates to 26.
ENLISTMENT_MIN_AGE = 18
ENLISTMENT_MAX_AGE = {Education.POSTGRADUATE: 26, Education.BACHELOR: 24, Education.COLLEGE: 24}
ENLISTMENT_MAX_AGE_DEFAULT = 22
from yizhan.people.services import grant_identity


def _audit(actor, action: str, person: Person, changes: dict) -> None:
    record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=person.pk,
        region_code=person.region_id,
        changes=changes,
    )


def registration_kind(*, person: Person, settings: RegistrationYear, university: bool) -> str:
    """Initial, volunteer (17) or late (补登, up to the age limit by education); refuses the rest."""
    if person.sex != Sex.MALE:
        # Women may serve, but 兵役登记 of this system follows the male registration duty.
        raise ValidationError("兵役登记对象为男性公民。")
    if person.birth_date is None:
        raise ValidationError("缺少出生日期，无法判断登记类型。")
    age_at_year_end = settings.year - person.birth_date.year
    if age_at_year_end == settings.register_age:
        return RegistrationKind.INITIAL
    if age_at_year_end == settings.volunteer_age:
        return RegistrationKind.VOLUNTEER
    if age_at_year_end > settings.register_age:
        if university or person.education in UNIVERSITY_EDUCATION:
            limit = settings.late_limit_university
        elif person.education == Education.SENIOR:
            limit = settings.late_limit_senior
        else:
            limit = settings.late_limit_other
        if age_at_year_end <= limit:
            return RegistrationKind.LATE
        raise ValidationError(f"已超过补登年龄上限（{limit} 周岁）。")
    raise ValidationError(f"未满 {settings.volunteer_age} 周岁，不能登记。")


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
    settings = RegistrationYear.objects.filter(year=on.year).first()
    if settings is None:
        raise ValidationError(f"尚未设置 {on.year} 年兵役登记（登记时间窗口）。")
    if not settings.window_start <= on <= settings.window_end:
        raise ValidationError(
            f"{on.year} 年兵役登记时间为 {settings.window_start:%-m月%-d日} 至 {settings.window_end:%-m月%-d日}。"
        )
    if hasattr(person, "registration"):
        raise ValidationError("此人已进行过兵役登记，请办理年度核验。")
    if conclusion != Conclusion.LIABLE and not reason.strip():
        raise ValidationError({"reason": "结论为免服或不得服兵役时，须填写原因。"})
    kind = registration_kind(person=person, settings=settings, university=is_university_student)
    registration = Registration.objects.create(
        person=person, year=on.year, registered_on=on, kind=kind, conclusion=conclusion, reason=reason.strip(),
        education=person.education, is_university_student=is_university_student, family_contacts=family_contacts,
        wants_to_enlist=wants_to_enlist and conclusion == Conclusion.LIABLE, recorded_by=actor,
    )  # fmt: skip
    _audit(actor, "registration.record", person, {"year": on.year, "kind": kind, "conclusion": conclusion})
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
    if registration.verifications.filter(year=on.year).exists():
        raise ValidationError(f"{on.year} 年已核验。")
    verification = Verification.objects.create(
        registration=registration,
        year=on.year,
        verified_on=on,
        conclusion=conclusion,
        notes=notes,
        verified_by=actor,
    )
    _audit(actor, "registration.verify", registration.person, {"year": on.year, "conclusion": conclusion})
    return verification


def open_campaign_for(person: Person, on: datetime.date) -> Campaign | None:
    return next(
        (
            c
            for c in Campaign.objects.filter(county_id=person.region_id[:6] + "000000", closed=False)
            if c.is_open_on(on)
        ),
        None,
    )


@transaction.atomic
def apply(
    *, actor, person: Person, campaign: Campaign, on: datetime.date, is_university_student: bool = False
) -> Candidate:
    """应征报名: the person becomes a candidate of the campaign (once)."""
    existing = Candidate.objects.filter(campaign=campaign, person=person).first()
    if existing is not None:
        return existing
    if not campaign.is_open_on(on):
        raise ValidationError("该征兵批次不在报名期内。")
    if not hasattr(person, "registration"):
        raise ValidationError("请先进行兵役登记。")
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
    _audit(actor, "candidate.apply", person, {"campaign": str(campaign)})
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
    candidate = Candidate.objects.select_for_update().get(pk=candidate.pk)
    check_transition(candidate, stage, passed=passed, on=on)
    if not passed and not reason.strip():
        raise ValidationError({"reason": "未通过时须填写原因。"})
    StageResult.objects.create(
        candidate=candidate, stage=stage, passed=passed, on=on, reason=reason.strip(), recorded_by=actor
    )
    person = candidate.person
    if stage == Stage.RETURNED:
        candidate.status = CandidateStatus.RETURNED
        candidate.stage = stage
        candidate.failure_reason = reason.strip()
        candidate.save()
        _audit(actor, "candidate.returned", person, {"reason": reason})
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
        candidate.failure_reason = reason.strip()
        candidate.save()
        _audit(actor, "candidate.failed", person, {"stage": Stage(stage).label, "reason": reason})
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
    _audit(actor, "candidate.stage", person, {"stage": Stage(stage).label})
    if stage == Stage.APPROVAL:
        emit(
            kind=EventKind.ENLISTMENT_APPROVED,
            key=f"candidate:{candidate.pk}",
            person=person,
            occurred_on=on,
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
        except (TransitionError, ValidationError) as exc:
            message = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
            refusals.append(f"{candidate.person.name}：{message}")
    return refusals


def suggest_split(
    *, campaign: Campaign, population: dict[str, int], registrants: dict[str, int]
) -> dict[str, int]:
    """Splits the county quota among townships by half population share, half registrant share,
    rounding by largest remainder so the parts add up to the quota exactly."""
    townships = sorted(set(population) | set(registrants))
    total_pop = sum(population.values()) or 1
    total_reg = sum(registrants.values()) or 1
    shares = {
        t: campaign.quota * (0.5 * population.get(t, 0) / total_pop + 0.5 * registrants.get(t, 0) / total_reg)
        for t in townships
    }
    split = {t: int(s) for t, s in shares.items()}
    leftover = campaign.quota - sum(split.values())
    for t in sorted(townships, key=lambda t: shares[t] - split[t], reverse=True)[:leftover]:
        split[t] += 1
    return split


@transaction.atomic
def set_township_quota(*, actor, campaign: Campaign, township, quota: int) -> TownshipQuota:
    row, _ = TownshipQuota.objects.update_or_create(
        campaign=campaign, township=township, defaults={"quota": quota}
    )
    record(
        actor=actor,
        action="campaign.quota",
        object_type="campaign",
        object_id=campaign.pk,
        region_code=township.code,
        changes={"quota": quota},
    )
    return row

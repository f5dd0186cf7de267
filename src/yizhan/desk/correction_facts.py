"""What each kind of fact does when it is corrected or withdrawn: the functions the table in
desk/corrections.py (FACTS) names — its fields, its checks, the row it writes."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q

from yizhan.care.models import GiftPackDelivery
from yizhan.conscription.models import (
    Candidate,
    CandidateStatus,
    Conclusion,
    Registration,
    Stage,
    StageResult,
)
from yizhan.conscription.workflow import ORDER, public_notice_days
from yizhan.core.dates import (
    FactDateField,
    check_date,
    check_enlistment_age,
    planning_limit,
)
from yizhan.core.idnumber import chinese_date
from yizhan.core.policy_values import policy_value
from yizhan.lifecycle.models import DomainEvent, EventKind, StatusChange
from yizhan.people.models import (
    Award,
    AwardLevel,
    ServiceRecord,
    ServiceType,
)
from yizhan.veterans.card_steps import withdraw_card_status
from yizhan.veterans.models import (
    AssistanceCase,
    AssistanceStatus,
    Checkin,
    CheckinDocument,
    EmploymentKind,
    EmploymentService,
    PreferentialCard,
)
from yizhan.veterans.services import CARD_FLOW
from yizhan.worklist.models import Task, TaskKind, TaskStatus
from yizhan.worklist.services import reopen as reopen_task

Values = dict[str, Any]
# What a correction records again: (event kind, occurred_on, payload) — None when the fact set
# off no event (a plain stage, a check-in): the correction is then an event of its own only.
Again = tuple[str, datetime.date, dict] | None


# --- the fact's event in force ---------------------------------------------------------------


def in_force(kind: str, key: str) -> DomainEvent | None:
    """The latest version of a fact's event: the first one's key, or a correction's `key:cN`."""
    base = _base_key(key)
    return (
        DomainEvent.objects.filter(kind=kind)
        .filter(Q(key=base) | Q(key__startswith=f"{base}:c"))
        .order_by("-pk")
        .first()
    )


def superseded(event: DomainEvent) -> bool:
    """Corrected (a newer version exists) or withdrawn."""
    return DomainEvent.objects.filter(
        kind__in=[EventKind.FACT_CORRECTED, EventKind.FACT_WITHDRAWN], payload__original=event.pk
    ).exists()


def _base_key(key: str) -> str:
    return re.sub(r":c\d+$", "", key)


def next_key(event: DomainEvent) -> str:
    base = _base_key(event.key)
    count = DomainEvent.objects.filter(kind=event.kind, key__startswith=f"{base}:c").count()
    return f"{base}:c{count + 1}"


def itself(event: DomainEvent) -> DomainEvent:
    """Facts that are their event (a discharge, a death, a status change)."""
    return event


# --- 环节结果 (a candidate's stage result) ----------------------------------------------------


def stage_event(result: StageResult) -> DomainEvent | None:
    if result.stage == Stage.RETURNED:
        return in_force(EventKind.RECRUIT_RETURNED, f"candidate:{result.candidate_id}")
    if not result.passed:
        return in_force(EventKind.CANDIDATE_FAILED, f"candidate:{result.candidate_id}")
    return None  # 批准入伍 counts from the intake's date, not from the day it was recorded


def _neighbours(result: StageResult) -> tuple[StageResult | None, StageResult | None]:
    results = sorted(result.candidate.results.all(), key=lambda r: ORDER.index(Stage(r.stage)))
    at = [r.pk for r in results].index(result.pk)
    return (results[at - 1] if at else None), (results[at + 1] if at + 1 < len(results) else None)


def stage_fields(result: StageResult) -> dict[str, forms.Field]:
    fields = {"on": FactDateField(label="日期")}
    if not result.passed:
        fields["reason"] = forms.CharField(
            label="未通过原因" if result.stage != Stage.RETURNED else "退兵原因", max_length=200
        )
    return fields


def change_stage(*, obj: StageResult, values: Values, original: DomainEvent | None, **_) -> Again:
    on = values["on"]
    candidate = Candidate.objects.select_for_update().select_related("person").get(pk=obj.candidate_id)
    check_date(on, field="on", born=candidate.person.birth_date)
    before, after = _neighbours(obj)
    if before is not None and on < before.on:
        raise ValidationError(
            {"on": f"日期不能早于上一环节“{before.get_stage_display()}”（{chinese_date(before.on)}）。"}
        )
    if after is not None and on > after.on:
        raise ValidationError(
            {"on": f"日期不能晚于下一环节“{after.get_stage_display()}”（{chinese_date(after.on)}）。"}
        )
    notice_days = public_notice_days(candidate)
    if obj.stage == Stage.NOTICE:
        approval = candidate.results.filter(stage=Stage.APPROVAL).first()
        if approval is not None and (approval.on - on).days < notice_days:
            raise ValidationError(
                {
                    "on": f"已批准入伍：公示须在批准入伍（{chinese_date(approval.on)}）前不少于 {notice_days} 天。"
                }
            )
        candidate.notice_starts_on = on
    if (
        obj.stage == Stage.APPROVAL
        and candidate.notice_starts_on
        and (on - candidate.notice_starts_on).days < notice_days
    ):
        raise ValidationError(
            {
                "on": f"公示（{chinese_date(candidate.notice_starts_on)}起）不少于 {notice_days} 天后才能批准入伍。"
            }
        )
    if obj.stage == Stage.APPLICATION:
        candidate.applied_on = on
    obj.on = on
    if "reason" in values:
        obj.reason = values["reason"].strip()
        if candidate.status in {CandidateStatus.FAILED, CandidateStatus.RETURNED}:
            candidate.failure_reason = obj.reason
    obj.save(update_fields=["on", "reason"])
    candidate.save(update_fields=["notice_starts_on", "applied_on", "failure_reason"])
    if original is None:
        return None
    return original.kind, on, {**original.payload, "reason": obj.reason}


def refuse_stage_withdrawal(result: StageResult) -> str | None:
    last = max(result.candidate.results.all(), key=lambda r: ORDER.index(Stage(r.stage)))
    if last.pk != result.pk:
        return f"只能撤销最后一个环节（“{last.get_stage_display()}”）；请从最后一个环节起逐个撤销。"
    if result.stage == Stage.APPLICATION or result.candidate.results.count() == 1:
        return "应征报名不能撤销；如不再应征，请记为未通过并写明原因。"
    if result.stage == Stage.APPROVAL:
        return "已批准入伍：如需退回，请办理退兵；批准入伍日期有误请更正“入伍”。"
    return None


def withdraw_stage(*, obj: StageResult, **_) -> None:
    candidate = Candidate.objects.select_for_update().get(pk=obj.candidate_id)
    obj.delete()
    previous = max(candidate.results.all(), key=lambda r: ORDER.index(Stage(r.stage)))
    candidate.stage = previous.stage
    enlisted = previous.stage in {Stage.APPROVAL, Stage.HANDOVER}
    candidate.status = CandidateStatus.ENLISTED if enlisted else CandidateStatus.ACTIVE
    candidate.failed_stage = candidate.failure_reason = ""
    if obj.stage == Stage.NOTICE:
        candidate.notice_starts_on = None
    candidate.save(update_fields=["stage", "status", "failed_stage", "failure_reason", "notice_starts_on"])


# --- 兵役登记 -----------------------------------------------------------------------------------


def registration_fields(registration: Registration) -> dict[str, forms.Field]:
    return {
        "registered_on": FactDateField(label="登记日期"),
        "conclusion": forms.ChoiceField(label="初步结论", choices=Conclusion.choices),
        "reason": forms.CharField(label="免服/不得服原因", max_length=200, required=False),
    }


def change_registration(*, obj: Registration, values: Values, original: DomainEvent | None, **_) -> Again:
    on, conclusion, reason = values["registered_on"], values["conclusion"], values["reason"].strip()
    check_date(on, field="registered_on", born=obj.person.birth_date)
    if conclusion != Conclusion.LIABLE and not reason:
        raise ValidationError({"reason": "结论为免服或不得服兵役时，须填写原因。"})
    first_application = obj.person.candidacies.order_by("applied_on").first()
    if first_application is not None and on > first_application.applied_on:
        raise ValidationError(
            {
                "registered_on": f"登记日期不能晚于应征报名日期（{chinese_date(first_application.applied_on)}）。"
            }
        )
    if conclusion != Conclusion.LIABLE and obj.person.candidacies.exists():
        raise ValidationError(
            {"conclusion": "此人已应征报名：结论改为免服或不得服前，请先将应征记为未通过。"}
        )
    obj.registered_on, obj.year, obj.conclusion, obj.reason = on, on.year, conclusion, reason
    obj.wants_to_enlist = obj.wants_to_enlist and conclusion == Conclusion.LIABLE
    obj.save(update_fields=["registered_on", "year", "conclusion", "reason", "wants_to_enlist"])
    if original is None:
        return None
    return original.kind, on, {**original.payload, "wants_to_enlist": obj.wants_to_enlist}


def refuse_registration_withdrawal(registration: Registration) -> str | None:
    if registration.person.candidacies.exists():
        return "此人已应征报名，兵役登记不能撤销。"
    return None


def withdraw_registration(*, obj: Registration, **_) -> None:
    obj.delete()  # its yearly 核验 go with it


# --- 立功受奖 -----------------------------------------------------------------------------------


def award_fields(award: Award) -> dict[str, forms.Field]:
    return {
        "level": forms.ChoiceField(label="奖励等级", choices=AwardLevel.choices),
        "awarded_on": FactDateField(label="授予日期"),
        "notice_number": forms.CharField(label="通知文号", max_length=100, required=False),
        "received_on": FactDateField(label="收到通知日期"),
    }


def award_values(award: Award) -> Values:
    event = in_force(EventKind.AWARD_RECORDED, f"award:{award.pk}")
    return {
        "level": award.level,
        "awarded_on": award.awarded_on,
        "notice_number": award.notice_number,
        "received_on": event.occurred_on if event else award.awarded_on,
    }


def change_award(*, obj: Award, values: Values, original: DomainEvent | None, **_) -> Again:
    check_date(values["awarded_on"], field="awarded_on", born=obj.person.birth_date)
    check_date(values["received_on"], field="received_on", born=obj.person.birth_date)
    if values["received_on"] < values["awarded_on"]:
        raise ValidationError({"received_on": "收到通知日期不能早于授予日期。"})
    obj.level, obj.awarded_on, obj.notice_number = (
        values["level"],
        values["awarded_on"],
        values["notice_number"].strip(),
    )
    obj.save(update_fields=["level", "awarded_on", "notice_number"])
    if original is None:
        return None
    return original.kind, values["received_on"], {**original.payload, "level": obj.level}


def refuse_award_withdrawal(award: Award) -> str | None:
    if hasattr(award, "merit_notice"):
        return "喜报已送达家属，立功受奖不能撤销；如奖励被撤销，请报区县处理。"
    return None


def withdraw_award(*, obj: Award, **_) -> None:
    obj.delete()  # its unpaid bonus went with the reversal; a paid one was released from it


# --- 入伍 (the enlistment date on the service record) ----------------------------------------


def enlistment_event(service: ServiceRecord) -> DomainEvent | None:
    match = re.fullmatch(r"event:(\d+)", service.opened_by)
    return DomainEvent.objects.filter(pk=match[1]).first() if match else None


def change_enlistment(*, obj: ServiceRecord, values: Values, original: DomainEvent | None, **_) -> Again:
    on = values["enlisted_on"]
    check_date(on, field="enlisted_on", latest=planning_limit(), born=obj.person.birth_date)
    check_enlistment_age(born=obj.person.birth_date, enlisted_on=on, field="enlisted_on")
    if obj.discharged_on and on > obj.discharged_on:
        raise ValidationError({"enlisted_on": "入伍日期不能晚于退役日期。"})
    obj.enlisted_on = on
    obj.save(update_fields=["enlisted_on"])
    return (original.kind, on, dict(original.payload)) if original else None


# --- 退出现役 / 服役期间牺牲病故 / 身份变化 (facts that are their event) ----------------------------


def _service_of(event: DomainEvent) -> ServiceRecord:
    pk = int(event.key.split(":")[1])
    return ServiceRecord.objects.select_related("person").get(pk=pk)


def _check_event_date(event: DomainEvent, on: datetime.date, *, field: str) -> ServiceRecord:
    service = _service_of(event)
    check_date(on, field=field, born=event.person.birth_date)
    if on < service.enlisted_on:
        raise ValidationError({field: f"日期不能早于入伍日期（{chinese_date(service.enlisted_on)}）。"})
    return service


def change_discharge(*, obj: DomainEvent, values: Values, **_) -> Again:
    _check_event_date(obj, values["on"], field="on")
    payload = {
        **obj.payload,
        "settlement_type": values["settlement_type"],
        "discharge_certificate_no": values["discharge_certificate_no"].strip(),
    }
    return obj.kind, values["on"], payload


def refuse_after_checkin(event: DomainEvent) -> str | None:
    if hasattr(_service_of(event), "checkin"):
        return "已办理退役报到：请先撤销报到。"
    return None


def change_death(*, obj: DomainEvent, values: Values, **_) -> Again:
    _check_event_date(obj, values["on"], field="on")
    return obj.kind, values["on"], {**obj.payload, "subtype": values["subtype"]}


SERVICE_TYPE_AFTER = {
    StatusChange.PROMOTED_OFFICER: ServiceType.OFFICER,
    StatusChange.NCO_CONVERSION: ServiceType.NCO,
}


def change_status(*, obj: DomainEvent, values: Values, **_) -> Again:
    service = _check_event_date(obj, values["on"], field="on")
    before = obj.payload.get("service_type_before", ServiceType.CONSCRIPT)
    service.service_type = SERVICE_TYPE_AFTER.get(values["change"], before)
    service.save(update_fields=["service_type"])
    return obj.kind, values["on"], {**obj.payload, "change": values["change"]}


def withdraw_status(*, obj: DomainEvent, **_) -> None:
    service = _service_of(obj)
    service.service_type = obj.payload.get("service_type_before", ServiceType.CONSCRIPT)
    service.save(update_fields=["service_type"])


def event_values(*names: str) -> Callable[[DomainEvent], Values]:
    def values(event: DomainEvent) -> Values:
        return {"on": event.occurred_on, **{name: event.payload.get(name, "") for name in names}}

    return values


# --- 退役报到 -----------------------------------------------------------------------------------


def checkin_fields(checkin: Checkin) -> dict[str, forms.Field]:
    return {
        "checked_in_on": FactDateField(label="报到日期"),
        "documents": forms.MultipleChoiceField(
            label="已收材料",
            choices=CheckinDocument.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
        ),
        "late_reason": forms.CharField(label="逾期原因", max_length=200, required=False),
    }


def change_checkin(*, obj: Checkin, values: Values, original: DomainEvent | None = None, **_) -> Again:
    on, discharged = values["checked_in_on"], obj.service_record.discharged_on
    check_date(on, field="checked_in_on", born=obj.person.birth_date)
    if discharged is None:  # a check-in whose discharge was since withdrawn
        raise ValidationError({"checked_in_on": "本人的退役记录已撤销，请先重新登记退役。"})
    if on < discharged:
        raise ValidationError({"checked_in_on": f"报到日期不能早于退役日期（{chinese_date(discharged)}）。"})
    allowed = policy_value("checkin.days", region_code=obj.person.region_id, on=discharged)
    if (on - discharged).days > allowed and not values["late_reason"].strip():
        raise ValidationError({"late_reason": f"退役后 {allowed} 天内未报到，请填写逾期原因。"})
    obj.checked_in_on, obj.documents, obj.late_reason = (
        on,
        list(values["documents"]),
        values["late_reason"].strip(),
    )
    obj.save(update_fields=["checked_in_on", "documents", "late_reason"])
    # Recorded again (its rules are idempotent), so the corrected check-in may be corrected again.
    return None if original is None else (original.kind, on, original.payload)


def withdraw_checkin(*, obj: Checkin, actor, reason: str, **_) -> None:
    person = obj.person
    obj.delete()
    # The 报到 task its record closed is to be done again.
    for task in Task.objects.filter(person=person, kind=TaskKind.DISCHARGE_CHECKIN, status=TaskStatus.DONE):
        reopen_task(actor=actor, task=task, reason=f"报到已撤销：{reason}")


# --- 优待证 (its last step) -----------------------------------------------------------------------


def refuse_card_withdrawal(card: PreferentialCard) -> str | None:
    if not card.previous_status:
        return "优待证已在受理状态，没有可撤销的步骤。"
    return None


def withdraw_card_step(*, obj: PreferentialCard, **_) -> None:
    withdraw_card_status(card=obj)


def card_step_office(card: PreferentialCard) -> str:
    """Whose step the card's last move was: "station" or "county" (CARD_FLOW)."""
    return CARD_FLOW.get(card.previous_status, {}).get(card.status, "station")


# --- 入伍礼包送达 -------------------------------------------------------------------------------


def change_gift_pack(*, obj: GiftPackDelivery, values: Values, original: DomainEvent | None, **_) -> Again:
    on = values["delivered_on"]
    check_date(on, field="delivered_on", born=obj.person.birth_date)
    if obj.task and obj.task.cause_id and on < obj.task.cause.occurred_on:
        raise ValidationError(
            {"delivered_on": f"送达日期不能早于批准入伍日期（{chinese_date(obj.task.cause.occurred_on)}）。"}
        )
    obj.delivered_on, obj.received_by = on, values["received_by"].strip()
    obj.save(update_fields=["delivered_on", "received_by"])
    if original is None:
        return None
    return original.kind, on, {**original.payload, "received_by": obj.received_by}


def withdraw_gift_pack(*, obj: GiftPackDelivery, actor, reason: str, **_) -> None:
    """A delivery recorded by mistake (another family, or not yet handed over): the record goes
    and the gift-pack task is to be done again; the plaque it hung is due again (rules.py)."""
    task = obj.task
    obj.delete()
    if task is not None:
        reopen_task(actor=actor, task=task, reason=f"入伍礼包送达已撤销：{reason}")


# --- 就业创业服务 and 帮扶援助申请: a row each, corrected in place and recorded again ------------


def employment_fields(service: EmploymentService) -> dict[str, forms.Field]:
    return {
        "on": FactDateField(label="日期"),
        "kind": forms.ChoiceField(label="服务类型", choices=EmploymentKind.choices),
        "details": forms.CharField(label="内容", max_length=300),
        "outcome": forms.CharField(label="结果", max_length=300, required=False),
    }


def change_employment(*, obj: EmploymentService, values: Values, original: DomainEvent | None, **_) -> Again:
    check_date(values["on"], field="on", born=obj.person.birth_date)
    if not values["details"].strip():
        raise ValidationError({"details": "请填写服务内容。"})
    obj.on, obj.kind = values["on"], values["kind"]
    obj.details, obj.outcome = values["details"].strip(), values["outcome"].strip()
    obj.save(update_fields=["on", "kind", "details", "outcome"])
    return None if original is None else (original.kind, obj.on, {"kind": obj.kind})


def assistance_fields(case: AssistanceCase) -> dict[str, forms.Field]:
    return {
        "applied_on": FactDateField(label="申请日期"),
        "hardship": forms.CharField(label="困难类型", max_length=100),
        "description": forms.CharField(label="困难情况", widget=forms.Textarea),
    }


def change_assistance(*, obj: AssistanceCase, values: Values, original: DomainEvent | None, **_) -> Again:
    check_date(values["applied_on"], field="applied_on", born=obj.person.birth_date)
    if obj.paid_on and values["applied_on"] > obj.paid_on:
        raise ValidationError({"applied_on": f"申请日期不能晚于发放日期（{chinese_date(obj.paid_on)}）。"})
    if not values["hardship"].strip() or not values["description"].strip():
        raise ValidationError({"description": "请填写困难类型和困难情况。"})
    obj.applied_on, obj.hardship = values["applied_on"], values["hardship"].strip()
    obj.description = values["description"].strip()
    obj.save(update_fields=["applied_on", "hardship", "description"])
    return None if original is None else (original.kind, obj.applied_on, {})


def refuse_assistance_withdrawal(case: AssistanceCase) -> str | None:
    if case.status != AssistanceStatus.APPLIED:
        return f"帮扶案件已{case.get_status_display()}，不能撤销申请；请按流程办结。"
    return None

"""更正与撤销: every recorded fact may be corrected or withdrawn by its station, with a reason.

FACTS is the one table of what each kind of fact allows: the fields a correction may change, the
event of the rules table the fact set off, how its row changes, and whether (and when) it may be
withdrawn. `correct` and `withdraw` are the one service path: they check the reason and the
permission, change the row, audit once, and emit the correction as an event of its own
(desk/rules.py FACT_CORRECTED / FACT_WITHDRAWN), whose rules reverse what the first version caused
through its links and — for a correction — record the fact again under a new key.

It lives in desk/ because a correction reaches across conscription, veterans, care, benefits.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from yizhan.accounts.roles import ARMED, VETERANS, Role
from yizhan.audit.services import record
from yizhan.care.models import GiftPackDelivery
from yizhan.conscription.models import (
    Candidate,
    CandidateStatus,
    Conclusion,
    Registration,
    Stage,
    StageResult,
)
from yizhan.conscription.workflow import ORDER, PUBLIC_NOTICE_DAYS
from yizhan.core.dates import (
    FactDateField,
    PlanningDateField,
    check_date,
    check_enlistment_age,
    planning_limit,
)
from yizhan.core.scopes import covers
from yizhan.lifecycle.models import DomainEvent, EventKind, StatusChange
from yizhan.lifecycle.services import emit
from yizhan.people.models import (
    Award,
    AwardLevel,
    BereavedSubtype,
    Person,
    ServiceRecord,
    ServiceType,
    SettlementType,
)
from yizhan.veterans.models import CardStatus, Checkin, CheckinDocument, PreferentialCard
from yizhan.veterans.services import CARD_FLOW, CHECKIN_DAYS
from yizhan.worklist.models import Task, TaskKind, TaskStatus
from yizhan.worklist.services import reopen as reopen_task

Values = dict[str, Any]
# What a correction records again: (event kind, occurred_on, payload) — None when the fact set
# off no event (a plain stage, a check-in): the correction is then an event of its own only.
Again = tuple[str, datetime.date, dict] | None


@dataclass(frozen=True)
class Fact:
    label: str  # what the fact is called on screen: 环节结果, 立功受奖 …
    model: type[models.Model]
    departments: list[str]  # whose record it is: 武装部 (ARMED) or 服务站 (VETERANS)
    events: tuple[str, ...]  # the rules-table events this kind of fact sets off
    person: Callable[[Any], Person]
    event_of: Callable[[Any], DomainEvent | None]  # the fact's event in force, if any
    fields: Callable[[Any], dict[str, forms.Field]] | None = None  # what a correction may change
    values: Callable[[Any], Values] = lambda obj: {}  # the same fields' current values
    change: Callable[..., Again] | None = None  # checks and writes the corrected values
    refuse_withdrawal: Callable[[Any], str | None] | None = None  # why not, or None
    withdraw: Callable[..., None] | None = None  # after the reversal: removes what is left
    filter: Q = field(default_factory=Q)  # which rows of the model are this fact


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


def _next_key(event: DomainEvent) -> str:
    base = _base_key(event.key)
    count = DomainEvent.objects.filter(kind=event.kind, key__startswith=f"{base}:c").count()
    return f"{base}:c{count + 1}"


def _itself(event: DomainEvent) -> DomainEvent:
    """Facts that are their event (a discharge, a death, a status change)."""
    return event


# --- 环节结果 (a candidate's stage result) ----------------------------------------------------


def _stage_event(result: StageResult) -> DomainEvent | None:
    if result.stage == Stage.RETURNED:
        return in_force(EventKind.RECRUIT_RETURNED, f"candidate:{result.candidate_id}")
    if not result.passed:
        return in_force(EventKind.CANDIDATE_FAILED, f"candidate:{result.candidate_id}")
    return None  # 批准入伍 counts from the intake's date, not from the day it was recorded


def _neighbours(result: StageResult) -> tuple[StageResult | None, StageResult | None]:
    results = sorted(result.candidate.results.all(), key=lambda r: ORDER.index(Stage(r.stage)))
    at = [r.pk for r in results].index(result.pk)
    return (results[at - 1] if at else None), (results[at + 1] if at + 1 < len(results) else None)


def _stage_fields(result: StageResult) -> dict[str, forms.Field]:
    fields = {"on": FactDateField(label="日期")}
    if not result.passed:
        fields["reason"] = forms.CharField(
            label="未通过原因" if result.stage != Stage.RETURNED else "退兵原因", max_length=200
        )
    return fields


def _change_stage(*, obj: StageResult, values: Values, original: DomainEvent | None, **_) -> Again:
    on = values["on"]
    candidate = Candidate.objects.select_for_update().select_related("person").get(pk=obj.candidate_id)
    check_date(on, field="on", born=candidate.person.birth_date)
    before, after = _neighbours(obj)
    if before is not None and on < before.on:
        raise ValidationError(
            {"on": f"日期不能早于上一环节“{before.get_stage_display()}”（{_day(before.on)}）。"}
        )
    if after is not None and on > after.on:
        raise ValidationError(
            {"on": f"日期不能晚于下一环节“{after.get_stage_display()}”（{_day(after.on)}）。"}
        )
    if obj.stage == Stage.NOTICE:
        approval = candidate.results.filter(stage=Stage.APPROVAL).first()
        if approval is not None and (approval.on - on).days < PUBLIC_NOTICE_DAYS:
            raise ValidationError(
                {
                    "on": f"已批准入伍：公示须在批准入伍（{_day(approval.on)}）前不少于 {PUBLIC_NOTICE_DAYS} 天。"
                }
            )
        candidate.notice_starts_on = on
    if (
        obj.stage == Stage.APPROVAL
        and candidate.notice_starts_on
        and (on - candidate.notice_starts_on).days < PUBLIC_NOTICE_DAYS
    ):
        raise ValidationError(
            {
                "on": f"公示（{_day(candidate.notice_starts_on)}起）不少于 {PUBLIC_NOTICE_DAYS} 天后才能批准入伍。"
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


def _refuse_stage_withdrawal(result: StageResult) -> str | None:
    last = max(result.candidate.results.all(), key=lambda r: ORDER.index(Stage(r.stage)))
    if last.pk != result.pk:
        return f"只能撤销最后一个环节（“{last.get_stage_display()}”）；请从最后一个环节起逐个撤销。"
    if result.stage == Stage.APPLICATION or result.candidate.results.count() == 1:
        return "应征报名不能撤销；如不再应征，请记为未通过并写明原因。"
    if result.stage == Stage.APPROVAL:
        return "已批准入伍：如需退回，请办理退兵；批准入伍日期有误请更正“入伍”。"
    return None


def _withdraw_stage(*, obj: StageResult, **_) -> None:
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


def _registration_fields(registration: Registration) -> dict[str, forms.Field]:
    return {
        "registered_on": FactDateField(label="登记日期"),
        "conclusion": forms.ChoiceField(label="初步结论", choices=Conclusion.choices),
        "reason": forms.CharField(label="免服/不得服原因", max_length=200, required=False),
    }


def _change_registration(*, obj: Registration, values: Values, original: DomainEvent | None, **_) -> Again:
    on, conclusion, reason = values["registered_on"], values["conclusion"], values["reason"].strip()
    check_date(on, field="registered_on", born=obj.person.birth_date)
    if conclusion != Conclusion.LIABLE and not reason:
        raise ValidationError({"reason": "结论为免服或不得服兵役时，须填写原因。"})
    first_application = obj.person.candidacies.order_by("applied_on").first()
    if first_application is not None and on > first_application.applied_on:
        raise ValidationError(
            {"registered_on": f"登记日期不能晚于应征报名日期（{_day(first_application.applied_on)}）。"}
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


def _refuse_registration_withdrawal(registration: Registration) -> str | None:
    if registration.person.candidacies.exists():
        return "此人已应征报名，兵役登记不能撤销。"
    return None


def _withdraw_registration(*, obj: Registration, **_) -> None:
    obj.delete()  # its yearly 核验 go with it


# --- 立功受奖 -----------------------------------------------------------------------------------


def _award_fields(award: Award) -> dict[str, forms.Field]:
    return {
        "level": forms.ChoiceField(label="奖励等级", choices=AwardLevel.choices),
        "awarded_on": FactDateField(label="授予日期"),
        "notice_number": forms.CharField(label="通知文号", max_length=100, required=False),
        "received_on": FactDateField(label="收到通知日期"),
    }


def _award_values(award: Award) -> Values:
    event = in_force(EventKind.AWARD_RECORDED, f"award:{award.pk}")
    return {
        "level": award.level,
        "awarded_on": award.awarded_on,
        "notice_number": award.notice_number,
        "received_on": event.occurred_on if event else award.awarded_on,
    }


def _change_award(*, obj: Award, values: Values, original: DomainEvent | None, **_) -> Again:
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


def _refuse_award_withdrawal(award: Award) -> str | None:
    if hasattr(award, "merit_notice"):
        return "喜报已送达家属，立功受奖不能撤销；如奖励被撤销，请报区县处理。"
    return None


def _withdraw_award(*, obj: Award, **_) -> None:
    obj.delete()  # its unpaid bonus went with the reversal; a paid one was released from it


# --- 入伍 (the enlistment date on the service record) ----------------------------------------


def _enlistment_event(service: ServiceRecord) -> DomainEvent | None:
    match = re.fullmatch(r"event:(\d+)", service.opened_by)
    return DomainEvent.objects.filter(pk=match[1]).first() if match else None


def _change_enlistment(*, obj: ServiceRecord, values: Values, original: DomainEvent | None, **_) -> Again:
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
        raise ValidationError({field: f"日期不能早于入伍日期（{_day(service.enlisted_on)}）。"})
    return service


def _change_discharge(*, obj: DomainEvent, values: Values, **_) -> Again:
    _check_event_date(obj, values["on"], field="on")
    payload = {
        **obj.payload,
        "settlement_type": values["settlement_type"],
        "discharge_certificate_no": values["discharge_certificate_no"].strip(),
    }
    return obj.kind, values["on"], payload


def _refuse_after_checkin(event: DomainEvent) -> str | None:
    if hasattr(_service_of(event), "checkin"):
        return "已办理退役报到：请先撤销报到。"
    return None


def _change_death(*, obj: DomainEvent, values: Values, **_) -> Again:
    _check_event_date(obj, values["on"], field="on")
    return obj.kind, values["on"], {**obj.payload, "subtype": values["subtype"]}


SERVICE_TYPE_AFTER = {
    StatusChange.PROMOTED_OFFICER: ServiceType.OFFICER,
    StatusChange.NCO_CONVERSION: ServiceType.NCO,
}


def _change_status(*, obj: DomainEvent, values: Values, **_) -> Again:
    service = _check_event_date(obj, values["on"], field="on")
    before = obj.payload.get("service_type_before", ServiceType.CONSCRIPT)
    service.service_type = SERVICE_TYPE_AFTER.get(values["change"], before)
    service.save(update_fields=["service_type"])
    return obj.kind, values["on"], {**obj.payload, "change": values["change"]}


def _withdraw_status(*, obj: DomainEvent, **_) -> None:
    service = _service_of(obj)
    service.service_type = obj.payload.get("service_type_before", ServiceType.CONSCRIPT)
    service.save(update_fields=["service_type"])


def _event_values(*names: str) -> Callable[[DomainEvent], Values]:
    def values(event: DomainEvent) -> Values:
        return {"on": event.occurred_on, **{name: event.payload.get(name, "") for name in names}}

    return values


# --- 退役报到 -----------------------------------------------------------------------------------


def _checkin_fields(checkin: Checkin) -> dict[str, forms.Field]:
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


def _change_checkin(*, obj: Checkin, values: Values, **_) -> Again:
    on, discharged = values["checked_in_on"], obj.service_record.discharged_on
    check_date(on, field="checked_in_on", born=obj.person.birth_date)
    if on < discharged:
        raise ValidationError({"checked_in_on": f"报到日期不能早于退役日期（{_day(discharged)}）。"})
    if (on - discharged).days > CHECKIN_DAYS and not values["late_reason"].strip():
        raise ValidationError({"late_reason": f"退役后 {CHECKIN_DAYS} 天内未报到，请填写逾期原因。"})
    obj.checked_in_on, obj.documents, obj.late_reason = (
        on,
        list(values["documents"]),
        values["late_reason"].strip(),
    )
    obj.save(update_fields=["checked_in_on", "documents", "late_reason"])
    return None


def _withdraw_checkin(*, obj: Checkin, actor, reason: str, **_) -> None:
    person = obj.person
    obj.delete()
    # The 报到 task its record closed is to be done again.
    for task in Task.objects.filter(person=person, kind=TaskKind.DISCHARGE_CHECKIN, status=TaskStatus.DONE):
        reopen_task(actor=actor, task=task, reason=f"报到已撤销：{reason}")


# --- 优待证 (its last step) -----------------------------------------------------------------------


def _refuse_card_withdrawal(card: PreferentialCard) -> str | None:
    if not card.previous_status:
        return "优待证已在受理状态，没有可撤销的步骤。"
    return None


def _withdraw_card_step(*, obj: PreferentialCard, **_) -> None:
    obj.status, obj.previous_status = obj.previous_status, ""
    obj.issued_on, obj.receipt_signed_by = None, ""
    if obj.status != CardStatus.RETURNED:
        obj.return_reason = ""
    obj.save(update_fields=["status", "previous_status", "issued_on", "receipt_signed_by", "return_reason"])


def card_step_office(card: PreferentialCard) -> str:
    """Whose step the card's last move was: "station" or "county" (CARD_FLOW)."""
    return CARD_FLOW.get(card.previous_status, {}).get(card.status, "station")


# --- 入伍礼包送达 -------------------------------------------------------------------------------


def _change_gift_pack(*, obj: GiftPackDelivery, values: Values, original: DomainEvent | None, **_) -> Again:
    on = values["delivered_on"]
    check_date(on, field="delivered_on", born=obj.person.birth_date)
    if obj.task and obj.task.cause_id and on < obj.task.cause.occurred_on:
        raise ValidationError(
            {"delivered_on": f"送达日期不能早于批准入伍日期（{_day(obj.task.cause.occurred_on)}）。"}
        )
    obj.delivered_on, obj.received_by = on, values["received_by"].strip()
    obj.save(update_fields=["delivered_on", "received_by"])
    if original is None:
        return None
    return original.kind, on, {**original.payload, "received_by": obj.received_by}


# --- the table ----------------------------------------------------------------------------------

FACTS: dict[str, Fact] = {
    "stage": Fact(
        label="应征环节结果",
        model=StageResult,
        departments=ARMED,
        events=(EventKind.CANDIDATE_FAILED, EventKind.RECRUIT_RETURNED),
        person=lambda r: r.candidate.person,
        event_of=_stage_event,
        fields=_stage_fields,
        values=lambda r: {"on": r.on, **({} if r.passed else {"reason": r.reason})},
        change=_change_stage,
        refuse_withdrawal=_refuse_stage_withdrawal,
        withdraw=_withdraw_stage,
    ),
    "registration": Fact(
        label="兵役登记",
        model=Registration,
        departments=ARMED,
        events=(EventKind.REGISTRATION_RECORDED,),
        person=lambda r: r.person,
        event_of=lambda r: in_force(EventKind.REGISTRATION_RECORDED, f"registration:{r.pk}"),
        fields=_registration_fields,
        values=lambda r: {"registered_on": r.registered_on, "conclusion": r.conclusion, "reason": r.reason},
        change=_change_registration,
        refuse_withdrawal=_refuse_registration_withdrawal,
        withdraw=_withdraw_registration,
    ),
    "enlistment": Fact(
        label="入伍",
        model=ServiceRecord,
        departments=ARMED,
        events=(EventKind.ENLISTMENT_APPROVED,),
        person=lambda s: s.person,
        event_of=_enlistment_event,
        fields=lambda s: {"enlisted_on": PlanningDateField(label="入伍日期")},
        values=lambda s: {"enlisted_on": s.enlisted_on},
        change=_change_enlistment,
        filter=~Q(opened_by=""),
        # Withdrawing an enlistment is 退兵, with its own reason and rules.
    ),
    "award": Fact(
        label="立功受奖",
        model=Award,
        departments=VETERANS,
        events=(EventKind.AWARD_RECORDED,),
        person=lambda a: a.person,
        event_of=lambda a: in_force(EventKind.AWARD_RECORDED, f"award:{a.pk}"),
        fields=_award_fields,
        values=_award_values,
        change=_change_award,
        refuse_withdrawal=_refuse_award_withdrawal,
        withdraw=_withdraw_award,
    ),
    "discharge": Fact(
        label="退出现役",
        model=DomainEvent,
        departments=VETERANS,
        events=(EventKind.DISCHARGED,),
        person=lambda e: e.person,
        event_of=_itself,
        fields=lambda e: {
            "on": FactDateField(label="退役日期"),
            "settlement_type": forms.ChoiceField(label="安置方式", choices=SettlementType.choices),
            "discharge_certificate_no": forms.CharField(label="退役证号", max_length=50, required=False),
        },
        values=_event_values("settlement_type", "discharge_certificate_no"),
        change=_change_discharge,
        refuse_withdrawal=_refuse_after_checkin,
        withdraw=lambda **_: None,  # the reversal reopened the record: nothing is left
        filter=Q(kind=EventKind.DISCHARGED),
    ),
    "death": Fact(
        label="服役期间牺牲/病故",
        model=DomainEvent,
        departments=VETERANS,
        events=(EventKind.DIED_IN_SERVICE,),
        person=lambda e: e.person,
        event_of=_itself,
        fields=lambda e: {
            "on": FactDateField(label="日期"),
            "subtype": forms.ChoiceField(label="类别", choices=BereavedSubtype.choices),
        },
        values=_event_values("subtype"),
        change=_change_death,
        refuse_withdrawal=lambda e: None,
        withdraw=lambda **_: None,
        filter=Q(kind=EventKind.DIED_IN_SERVICE),
    ),
    "status_change": Fact(
        label="身份变化（提干/军校/军士）",
        model=DomainEvent,
        departments=VETERANS,
        events=(EventKind.STATUS_CHANGED,),
        person=lambda e: e.person,
        event_of=_itself,
        fields=lambda e: {
            "on": FactDateField(label="日期"),
            "change": forms.ChoiceField(label="变化", choices=StatusChange.choices),
        },
        values=_event_values("change"),
        change=_change_status,
        refuse_withdrawal=lambda e: None,
        withdraw=_withdraw_status,
        filter=Q(kind=EventKind.STATUS_CHANGED),
    ),
    "gift_pack": Fact(
        label="入伍礼包送达",
        model=GiftPackDelivery,
        departments=VETERANS + ARMED,
        events=(EventKind.GIFT_PACK_DELIVERED,),
        person=lambda d: d.person,
        event_of=lambda d: in_force(EventKind.GIFT_PACK_DELIVERED, f"gift_pack:{d.pk}"),
        fields=lambda d: {
            "delivered_on": FactDateField(label="送达日期"),
            "received_by": forms.CharField(label="签收家属", max_length=50),
        },
        values=lambda d: {"delivered_on": d.delivered_on, "received_by": d.received_by},
        change=_change_gift_pack,
        # The plaque in the pack hangs on the household's door: taking it down is not a correction.
    ),
    "checkin": Fact(
        label="退役报到",
        model=Checkin,
        departments=VETERANS,
        events=(),
        person=lambda c: c.person,
        event_of=lambda c: None,
        fields=_checkin_fields,
        values=lambda c: {
            "checked_in_on": c.checked_in_on,
            "documents": list(c.documents),
            "late_reason": c.late_reason,
        },
        change=_change_checkin,
        refuse_withdrawal=lambda c: None,
        withdraw=_withdraw_checkin,
    ),
    "card_step": Fact(
        label="优待证办理步骤",
        model=PreferentialCard,
        departments=VETERANS,
        events=(),
        person=lambda c: c.person,
        event_of=lambda c: None,
        # A step has no fields of its own to correct: the step is withdrawn and done again.
        refuse_withdrawal=_refuse_card_withdrawal,
        withdraw=_withdraw_card_step,
    ),
}

# Events of the rules table corrected by another path than FACTS, and why.
CORRECTED_ELSEWHERE = {
    EventKind.ENLISTMENT_APPROVED: "批准入伍的日期在“入伍”中更正；批准本身由退兵撤回",
    EventKind.RELATION_RECORDED: "亲属关系由删除关系撤回（households/relations）",
    EventKind.RELATION_REMOVED: "删除的关系重新登记即可",
    EventKind.FAMILY_FACTS_CHANGED: "出生日期等在人员表单中再次修改即是更正",
    EventKind.FACT_CORRECTED: "更正本身可再次更正所更正的记录",
    EventKind.FACT_WITHDRAWN: "撤销后可重新登记",
}


# --- the one service path -------------------------------------------------------------------------


def may_correct(user, fact: str, obj) -> bool:
    """The station of the person's place (or the county above it), on the fact's side; a 优待证
    step by the office whose step it was."""
    spec = FACTS[fact]
    person = spec.person(obj)
    county_step = fact == "card_step" and card_step_office(obj) == "county"
    for post in user.active_posts:
        if post.department not in spec.departments or not covers([post.region.bounds], person.region_id):
            continue
        if county_step and post.role == Role.COUNTY_OFFICER:
            return True
        if not county_step and post.role in {
            Role.COUNTY_OFFICER,
            Role.STATION_HEAD,
            Role.STATION_DEPUTY,
            Role.STATION_CLERK,
        }:
            return True
    return False


def _require(actor, fact: str, obj) -> None:
    if not may_correct(actor, fact, obj):
        spec = FACTS[fact]
        side = "武装部" if spec.departments == ARMED else "服务站"
        raise PermissionDenied(f"{spec.label}由其所在乡镇（街道）{side}或上级更正、撤销。")
    event = FACTS[fact].event_of(obj)
    if event is not None and superseded(event):
        raise ValidationError("这条记录已被更正或撤销，请在最新的记录上操作。")


def _reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写更正或撤销的原因。"})
    return reason


def _day(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def shown(fields: dict[str, forms.Field], values: Values) -> dict[str, str]:
    """The values as the timeline shows them: labels, dates in Chinese."""
    out = {}
    for name, form_field in fields.items():
        value = values.get(name, "")
        choices = dict(getattr(form_field, "choices", []) or [])
        if isinstance(value, datetime.date):
            value = _day(value)
        elif isinstance(value, list):
            value = "、".join(str(choices.get(v, v)) for v in value) or "（无）"
        else:
            value = str(choices.get(value, value)) if value != "" else "（空）"
        out[str(form_field.label)] = value
    return out


def _summary(payload: dict) -> str:
    """One line for the audit trail: 应征环节结果 日期 2026年8月30日 → 2026年5月20日."""
    before = "，".join(f"{k} {v}" for k, v in payload["before"].items())
    after = "，".join(f"{k} {v}" for k, v in payload.get("after", {}).items())
    return f"{payload['label']} {before}" + (f" → {after}" if after else "")


def _key(fact: str, obj) -> str:
    count = DomainEvent.objects.filter(
        kind__in=[EventKind.FACT_CORRECTED, EventKind.FACT_WITHDRAWN],
        payload__fact=fact,
        payload__object=obj.pk,
    ).count()
    return f"correction:{fact}:{obj.pk}:{count + 1}"


def _audit(actor, action: str, person: Person, changes: dict, reason: str) -> None:
    record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=person.pk,
        region_code=person.region_id,
        changes=changes,
        reason=reason,
    )


@transaction.atomic
def correct(*, actor, fact: str, obj, values: Values, reason: str) -> DomainEvent:
    """Corrects one recorded fact: the row changes, and the correction — an event of its own —
    reverses what the first version caused and records the fact again (rules.py)."""
    spec = FACTS[fact]
    reason = _reason(reason)
    _require(actor, fact, obj)
    if spec.change is None or spec.fields is None:
        raise ValidationError(f"{spec.label}不能更正，只能撤销后重新办理。")
    fields = spec.fields(obj)
    before = spec.values(obj)
    values = {name: values.get(name, before.get(name)) for name in fields}
    if all(values[name] == before.get(name) for name in fields):
        raise ValidationError("没有修改任何内容。")
    person = spec.person(obj)
    original = spec.event_of(obj)
    again = spec.change(actor=actor, obj=obj, values=values, original=original)
    payload = {
        "fact": fact,
        "object": obj.pk,
        "label": spec.label,
        "original": original.pk if original else None,
        "reason": reason,
        "before": shown(fields, before),
        "after": shown(fields, values),
    }
    if again is not None and original is not None:
        kind, on, again_payload = again
        payload["reapply"] = {
            "kind": kind,
            "key": _next_key(original),
            "occurred_on": on.isoformat(),
            "payload": again_payload,
        }
    _audit(
        actor,
        f"correction.{fact}",
        person,
        {"summary": _summary(payload), **{k: payload[k] for k in ("label", "before", "after")}},
        reason,
    )
    event, _ = emit(
        kind=EventKind.FACT_CORRECTED,
        key=_key(fact, obj),
        person=person,
        occurred_on=timezone.localdate(),
        actor=actor,
        payload=payload,
    )
    return event


@transaction.atomic
def withdraw(*, actor, fact: str, obj, reason: str) -> DomainEvent:
    """Withdraws one recorded fact: the withdrawal — an event of its own — reverses what it caused
    (rules.py), then what is left of the row goes."""
    spec = FACTS[fact]
    reason = _reason(reason)
    _require(actor, fact, obj)
    if spec.withdraw is None:
        raise ValidationError(f"{spec.label}不能撤销，只能更正。")
    refused = spec.refuse_withdrawal(obj) if spec.refuse_withdrawal else None
    if refused:
        raise ValidationError(refused)
    person = spec.person(obj)
    original = spec.event_of(obj)
    fields = spec.fields(obj) if spec.fields else {}
    payload = {
        "fact": fact,
        "object": obj.pk,
        "label": spec.label,
        "original": original.pk if original else None,
        "reason": reason,
        "before": shown(fields, spec.values(obj)) if fields else {"记录": str(obj)},
    }
    _audit(
        actor,
        f"withdrawal.{fact}",
        person,
        {"summary": _summary(payload), **{k: payload[k] for k in ("label", "before")}},
        reason,
    )
    event, _ = emit(
        kind=EventKind.FACT_WITHDRAWN,
        key=_key(fact, obj),
        person=person,
        occurred_on=timezone.localdate(),
        actor=actor,
        payload=payload,
    )
    spec.withdraw(actor=actor, obj=obj, reason=reason)
    return event


def correctable(user, fact: str, obj) -> bool:
    """Whether the page shows 更正/撤销 beside the fact for this user."""
    try:
        event = FACTS[fact].event_of(obj)
    except (ServiceRecord.DoesNotExist, ValueError, IndexError):
        return False
    spec = FACTS[fact]
    if spec.change is None and spec.refuse_withdrawal and spec.refuse_withdrawal(obj):
        return False  # only a withdrawal, and it would be refused (a card with no step to undo)
    return may_correct(user, fact, obj) and not (event is not None and superseded(event))


# What a timeline event is a fact of, for the 更正 / 撤销 beside it: (fact kind, row).
def fact_of_event(event: DomainEvent) -> tuple[str, Any] | None:
    number = event.key.split(":")[1] if ":" in event.key else ""
    if not number.isdigit():
        return None
    found = {
        EventKind.REGISTRATION_RECORDED: ("registration", Registration.objects.filter(pk=number)),
        EventKind.AWARD_RECORDED: ("award", Award.objects.filter(pk=number)),
        EventKind.GIFT_PACK_DELIVERED: ("gift_pack", GiftPackDelivery.objects.filter(pk=number)),
        EventKind.ENLISTMENT_APPROVED: (
            "enlistment",
            ServiceRecord.objects.filter(opened_by=f"event:{event.pk}"),
        ),
        EventKind.CANDIDATE_FAILED: (
            "stage",
            StageResult.objects.filter(candidate_id=number, passed=False).exclude(stage=Stage.RETURNED),
        ),
        EventKind.RECRUIT_RETURNED: (
            "stage",
            StageResult.objects.filter(candidate_id=number, stage=Stage.RETURNED),
        ),
    }.get(event.kind)
    if found is not None:
        row = found[1].first()
        return (found[0], row) if row is not None else None
    fact = next(
        (name for name, spec in FACTS.items() if spec.model is DomainEvent and event.kind in spec.events),
        None,
    )
    return (fact, event) if fact else None

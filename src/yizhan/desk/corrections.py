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
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from yizhan.accounts.roles import ARMED, VETERANS, Role
from yizhan.care.models import GiftPackDelivery
from yizhan.conscription.models import (
    Registration,
    Stage,
    StageResult,
)
from yizhan.core.dates import (
    FactDateField,
    PlanningDateField,
)
from yizhan.core.idnumber import chinese_date
from yizhan.core.scopes import covers
from yizhan.desk.correction_facts import (
    Again,
    Values,
    assistance_fields,
    award_fields,
    award_values,
    card_step_office,
    change_assistance,
    change_award,
    change_checkin,
    change_death,
    change_discharge,
    change_employment,
    change_enlistment,
    change_gift_pack,
    change_registration,
    change_stage,
    change_status,
    checkin_fields,
    employment_fields,
    enlistment_event,
    event_values,
    in_force,
    itself,
    next_key,
    refuse_after_checkin,
    refuse_assistance_withdrawal,
    refuse_award_withdrawal,
    refuse_card_withdrawal,
    refuse_registration_withdrawal,
    refuse_stage_withdrawal,
    registration_fields,
    stage_event,
    stage_fields,
    superseded,
    withdraw_award,
    withdraw_card_step,
    withdraw_checkin,
    withdraw_gift_pack,
    withdraw_registration,
    withdraw_stage,
    withdraw_status,
)
from yizhan.lifecycle.models import DomainEvent, EventKind, StatusChange
from yizhan.lifecycle.services import emit
from yizhan.people.models import (
    Award,
    BereavedSubtype,
    Person,
    ServiceRecord,
    SettlementType,
)
from yizhan.people.services import audit_person
from yizhan.veterans.models import AssistanceCase, Checkin, EmploymentService, PreferentialCard


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


# --- the table ----------------------------------------------------------------------------------

FACTS: dict[str, Fact] = {
    "stage": Fact(
        label="应征环节结果",
        model=StageResult,
        departments=ARMED,
        events=(EventKind.CANDIDATE_FAILED, EventKind.RECRUIT_RETURNED),
        person=lambda r: r.candidate.person,
        event_of=stage_event,
        fields=stage_fields,
        values=lambda r: {"on": r.on, **({} if r.passed else {"reason": r.reason})},
        change=change_stage,
        refuse_withdrawal=refuse_stage_withdrawal,
        withdraw=withdraw_stage,
    ),
    "registration": Fact(
        label="兵役登记",
        model=Registration,
        departments=ARMED,
        events=(EventKind.REGISTRATION_RECORDED,),
        person=lambda r: r.person,
        event_of=lambda r: in_force(EventKind.REGISTRATION_RECORDED, f"registration:{r.pk}"),
        fields=registration_fields,
        values=lambda r: {"registered_on": r.registered_on, "conclusion": r.conclusion, "reason": r.reason},
        change=change_registration,
        refuse_withdrawal=refuse_registration_withdrawal,
        withdraw=withdraw_registration,
    ),
    "enlistment": Fact(
        label="入伍",
        model=ServiceRecord,
        departments=ARMED,
        events=(EventKind.ENLISTMENT_APPROVED,),
        person=lambda s: s.person,
        event_of=enlistment_event,
        fields=lambda s: {"enlisted_on": PlanningDateField(label="入伍日期")},
        values=lambda s: {"enlisted_on": s.enlisted_on},
        change=change_enlistment,
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
        fields=award_fields,
        values=award_values,
        change=change_award,
        refuse_withdrawal=refuse_award_withdrawal,
        withdraw=withdraw_award,
    ),
    "discharge": Fact(
        label="退出现役",
        model=DomainEvent,
        departments=VETERANS,
        events=(EventKind.DISCHARGED,),
        person=lambda e: e.person,
        event_of=itself,
        fields=lambda e: {
            "on": FactDateField(label="退役日期"),
            "settlement_type": forms.ChoiceField(label="安置方式", choices=SettlementType.choices),
            "discharge_certificate_no": forms.CharField(label="退役证号", max_length=50, required=False),
        },
        values=event_values("settlement_type", "discharge_certificate_no"),
        change=change_discharge,
        refuse_withdrawal=refuse_after_checkin,
        withdraw=lambda **_: None,  # the reversal reopened the record: nothing is left
        filter=Q(kind=EventKind.DISCHARGED),
    ),
    "death": Fact(
        label="服役期间牺牲/病故",
        model=DomainEvent,
        departments=VETERANS,
        events=(EventKind.DIED_IN_SERVICE,),
        person=lambda e: e.person,
        event_of=itself,
        fields=lambda e: {
            "on": FactDateField(label="日期"),
            "subtype": forms.ChoiceField(label="类别", choices=BereavedSubtype.choices),
        },
        values=event_values("subtype"),
        change=change_death,
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
        event_of=itself,
        fields=lambda e: {
            "on": FactDateField(label="日期"),
            "change": forms.ChoiceField(label="变化", choices=StatusChange.choices),
        },
        values=event_values("change"),
        change=change_status,
        refuse_withdrawal=lambda e: None,
        withdraw=withdraw_status,
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
        change=change_gift_pack,
        # Withdrawn when it was recorded by mistake: the plaque it hung is due again (rules.py).
        refuse_withdrawal=lambda d: None,
        withdraw=withdraw_gift_pack,
    ),
    "checkin": Fact(
        label="退役报到",
        model=Checkin,
        departments=VETERANS,
        events=(EventKind.CHECKIN_RECORDED,),
        person=lambda c: c.person,
        event_of=lambda c: in_force(EventKind.CHECKIN_RECORDED, f"checkin:{c.pk}"),
        fields=checkin_fields,
        values=lambda c: {
            "checked_in_on": c.checked_in_on,
            "documents": list(c.documents),
            "late_reason": c.late_reason,
        },
        change=change_checkin,
        refuse_withdrawal=lambda c: None,
        withdraw=withdraw_checkin,
    ),
    "card_step": Fact(
        label="优待证办理步骤",
        model=PreferentialCard,
        departments=VETERANS,
        events=(EventKind.CARD_ACCEPTED, EventKind.CARD_ARRIVED, EventKind.CARD_ISSUED),
        person=lambda c: c.person,
        event_of=lambda c: None,
        # A step has no fields of its own to correct: the step is withdrawn and done again.
        refuse_withdrawal=refuse_card_withdrawal,
        withdraw=withdraw_card_step,
    ),
    "employment": Fact(
        label="就业创业服务",
        model=EmploymentService,
        departments=VETERANS,
        events=(EventKind.EMPLOYMENT_SERVED,),
        person=lambda s: s.person,
        event_of=lambda s: in_force(EventKind.EMPLOYMENT_SERVED, f"employment:{s.pk}"),
        fields=employment_fields,
        values=lambda s: {"on": s.on, "kind": s.kind, "details": s.details, "outcome": s.outcome},
        change=change_employment,
        refuse_withdrawal=lambda s: None,
        withdraw=lambda *, obj, **_: obj.delete(),
    ),
    "assistance": Fact(
        label="帮扶援助申请",
        model=AssistanceCase,
        departments=VETERANS,
        events=(EventKind.ASSISTANCE_APPLIED,),
        person=lambda c: c.person,
        event_of=lambda c: in_force(EventKind.ASSISTANCE_APPLIED, f"assistance:{c.pk}"),
        fields=assistance_fields,
        values=lambda c: {"applied_on": c.applied_on, "hardship": c.hardship, "description": c.description},
        change=change_assistance,
        refuse_withdrawal=refuse_assistance_withdrawal,  # only before it is assessed
        withdraw=lambda *, obj, **_: obj.delete(),
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
    EventKind.PROFILE_RECORDED: "建档立卡的内容在建档立卡表单中修改即是更正（每次修改留痕）",
    EventKind.RECIPIENT_NAMED: "重新确定领取人即取代原指定（原指定保留并注明被取代）",
    EventKind.PLAQUE_HUNG: "光荣牌一户一块、挂上后不撤下（同入伍礼包中的光荣之家牌），悬挂不作撤销",
    EventKind.RELATION_CORRECTED: "亲属关系的更正可再次更正，或删除关系（households/relations）",
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


def shown(fields: dict[str, forms.Field], values: Values) -> dict[str, str]:
    """The values as the timeline shows them: labels, dates in Chinese."""
    out = {}
    for name, form_field in fields.items():
        value = values.get(name, "")
        choices = dict(getattr(form_field, "choices", []) or [])
        if isinstance(value, datetime.date):
            value = chinese_date(value)
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


def _record(*, actor, kind: str, obj, person: Person, payload: dict) -> DomainEvent:
    """Audits the correction once (with its reason) and emits it as an event of its own."""
    action = "correction" if kind == EventKind.FACT_CORRECTED else "withdrawal"
    shown_values = {k: payload[k] for k in ("label", "before", "after") if k in payload}
    audit_person(
        actor,
        f"{action}.{payload['fact']}",
        person,
        {"summary": _summary(payload), **shown_values},
        reason=payload["reason"],
    )
    event, _ = emit(
        kind=kind,
        key=_key(payload["fact"], obj),
        person=person,
        occurred_on=timezone.localdate(),
        actor=actor,
        payload=payload,
    )
    return event


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
            "key": next_key(original),
            "occurred_on": on.isoformat(),
            "payload": again_payload,
        }
    return _record(actor=actor, kind=EventKind.FACT_CORRECTED, obj=obj, person=person, payload=payload)


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
    event = _record(actor=actor, kind=EventKind.FACT_WITHDRAWN, obj=obj, person=person, payload=payload)
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

"""办件: opening a case at the window or the desk, its transitions (CASE_FLOW, checked by
core.flow.check_move), its closing by the workflow's fact (hall/effects.py), 好差评 and 差评整改.

Every write is audited once, in its own transaction, as "hall.case.*" (hall/case_audit_labels.py).
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import STATION_ROLES, Role
from yizhan.audit.services import record
from yizhan.conscription.models import Registration
from yizhan.core.flow import check_move
from yizhan.core.idnumber import chinese_date
from yizhan.core.policy_values import policy_value
from yizhan.core.scopes import covers
from yizhan.hall import services as ticket_services
from yizhan.hall.case_models import INDICATORS
from yizhan.hall.models import (
    BAD_LEVELS,
    OPEN_CASE_STATES,
    ApplicantKind,
    CaseMaterial,
    CaseState,
    CaseStep,
    ItemKind,
    Material,
    MaterialStatus,
    OnFile,
    Owner,
    Rating,
    RatingLevel,
    Rectification,
    ServiceCase,
    ServiceItem,
    Ticket,
    Workflow,
)
from yizhan.lifecycle.calendar import add_working_days, is_working_day
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import Person
from yizhan.text import check_name
from yizhan.veterans.models import ProfileRecord
from yizhan.worklist import services as worklist_services
from yizhan.worklist.models import TaskDepartment, TaskKind

# 办件: state → the states it may move to (the clerk's buttons; DONE also comes from the workflow's
# fact). 补正 stops the clock: the days spent in it move the promised day on.
CASE_FLOW = {
    CaseState.ACCEPTED: [CaseState.IN_PROGRESS, CaseState.CORRECTION, CaseState.REFUSED, CaseState.REFERRED,
                         CaseState.DONE],
    CaseState.IN_PROGRESS: [CaseState.CORRECTION, CaseState.REFERRED, CaseState.DONE],
    CaseState.CORRECTION: [CaseState.IN_PROGRESS, CaseState.REFUSED],
    CaseState.REFERRED: [CaseState.DONE],  # the county's answer came back and was handed over
}  # fmt: skip

# The fact each item's form records: when it is recorded for the case's person, the case closes.
# Forms that record no lifecycle fact yet open a case the clerk closes by hand.
WORKFLOW_EVENTS = {
    Workflow.REGISTRATION: EventKind.REGISTRATION_RECORDED,
    Workflow.LATE_REGISTRATION: EventKind.REGISTRATION_RECORDED,
    Workflow.ALLOWANCE_RECIPIENT: EventKind.RECIPIENT_NAMED,
    Workflow.GIFT_PACK: EventKind.GIFT_PACK_DELIVERED,
    Workflow.HONOR_PLAQUE: EventKind.PLAQUE_HUNG,
    Workflow.CHECKIN: EventKind.CHECKIN_RECORDED,
    Workflow.PROFILE_RECORD: EventKind.PROFILE_RECORDED,
    Workflow.PREFERENTIAL_CARD: EventKind.CARD_ACCEPTED,
    Workflow.ASSISTANCE: EventKind.ASSISTANCE_APPLIED,
    Workflow.EMPLOYMENT: EventKind.EMPLOYMENT_SERVED,
}


class BundleStep:
    """One step of a bundle: its name, the fact that ticks it (None: ticked by hand), optional."""

    def __init__(self, code: str, label: str, event: str | None, *, optional: bool = False) -> None:
        self.code, self.label, self.event, self.optional = code, label, event, optional


# 一件事一次办 (DOMAIN.md: 退役"一件事"): one case on one ticket, each step ticked as its fact is
# recorded; the case closes when every required step is done. 预备役登记 and 档案接收 have no form
# of their own yet: the clerk ticks them.
BUNDLES = {
    "YZ-S-08": [
        BundleStep("checkin", "退役报到", EventKind.CHECKIN_RECORDED),
        BundleStep("reserve_registration", "预备役登记", None),
        BundleStep("file_transfer", "档案接收", None),
        BundleStep("profile_record", "建档立卡", EventKind.PROFILE_RECORDED),
        BundleStep("preferential_card", "优待证申领（自愿）", EventKind.CARD_ACCEPTED, optional=True),
    ],
}
STEP_LABELS = {step.code: step.label for steps in BUNDLES.values() for step in steps}


def step_spec(case: ServiceCase, code: str) -> BundleStep:
    return next(step for step in BUNDLES[case.item.code] if step.code == code)


# --- who and where -------------------------------------------------------------------------------


def station_of(user: User) -> Post | None:
    """The station post the user works the hall from (his first station role)."""
    return next((p for p in user.active_posts if p.role in STATION_ROLES and p.region_id), None)


def _require_station(actor: User, case: ServiceCase) -> None:
    if not any(p.role in STATION_ROLES and p.region_id == case.region_id for p in actor.active_posts):
        raise PermissionDenied("只有本站工作人员可以办理本站的办件。")


def _audit(actor: User | None, action: str, case: ServiceCase, changes: dict, reason: str = "") -> None:
    record(
        actor=actor,
        action=action,
        object_type="service_case",
        object_id=case.pk,
        region_code=case.region_id,
        changes={"item": case.item.name, **changes},
        reason=reason,
    )


# --- materials: what the registry already holds -----------------------------------------------


def _on_file(person: Person) -> set[str]:
    held = set()
    if person.id_number_enc:
        held.add(OnFile.ID_NUMBER)
    if person.household_id:
        held.add(OnFile.HOUSEHOLD)
    if person.photo_id:
        held.add(OnFile.PHOTO)
    if person.service_records.filter(discharged_on__isnull=False).exists():
        held.add(OnFile.SERVICE_RECORD)
    if person.awards.exists():
        held.add(OnFile.AWARD)
    if ProfileRecord.objects.filter(person=person).exists():
        held.add(OnFile.PROFILE_RECORD)
    if Registration.objects.filter(person=person).exists():
        held.add(OnFile.REGISTRATION)
    return held


def checklist(item: ServiceItem, person: Person, received: set[int] = frozenset()) -> list[tuple]:
    """(material, status) for each material of the item: already on file, received now, or missing."""
    held = _on_file(person)
    rows = []
    for material in item.materials.all():
        if material.on_file and material.on_file in held:
            status = MaterialStatus.ON_FILE
        elif material.pk in received:
            status = MaterialStatus.RECEIVED
        else:
            status = MaterialStatus.MISSING
        rows.append((material, status))
    return rows


def missing_materials(case: ServiceCase) -> list[Material]:
    """What the 一次性告知书 lists: every missing material at once."""
    return [
        m.material for m in case.materials.select_related("material") if m.status == MaterialStatus.MISSING
    ]


# --- opening ----------------------------------------------------------------------------------------


@transaction.atomic
def open_case(
    *,
    actor: User,
    item: ServiceItem,
    person: Person,
    ticket: Ticket | None = None,
    applicant_kind: str = ApplicantKind.SELF,
    applicant_name: str = "",
    applicant_relation: str = "",
    received: list[int] | None = None,
) -> ServiceCase:
    """受理: at the window for a called ticket, or at the desk. A relative or an agent (帮办代办) is
    named with the relation. A 承诺件 gets its promised day in working days from today."""
    post = station_of(actor)
    if post is None:
        raise PermissionDenied("只有乡镇（街道）站的工作人员可以受理办件。")
    station = ticket.region if ticket else post.region
    if ticket is not None:
        ticket = Ticket.objects.select_for_update().get(pk=ticket.pk)
        if ServiceCase.objects.filter(ticket=ticket).exists():
            raise ValidationError("这个号已经受理了办件。")
        if ticket.called_by_id != actor.pk or not ticket.called_at:
            raise ValidationError({"ticket": "请先在窗口叫到这个号，再受理。"})
    if not any(p.role in STATION_ROLES and p.region_id == station.code for p in actor.active_posts):
        raise PermissionDenied("只有本站工作人员可以受理本站的办件。")
    applicant_name, applicant_relation = applicant_name.strip(), applicant_relation.strip()
    if applicant_kind != ApplicantKind.SELF:
        errors = {}
        if not applicant_name:
            errors["applicant_name"] = "代办须填写代办人姓名。"
        if not applicant_relation:
            errors["applicant_relation"] = "代办须填写与本人的关系。"
        if errors:
            raise ValidationError(errors)
        check_name(applicant_name, field="applicant_name", label="代办人")
    now = timezone.now()
    today = timezone.localdate(now)
    case = ServiceCase.objects.create(
        region=station, item=item, ticket=ticket, person=person, applicant_kind=applicant_kind,
        applicant_name=applicant_name if applicant_kind != ApplicantKind.SELF else "",
        applicant_relation=applicant_relation if applicant_kind != ApplicantKind.SELF else "",
        accepted_at=now, accepted_on=today, due_on=_due_on(item, station.code, today), opened_by=actor,
    )  # fmt: skip
    rows = checklist(item, person, set(received or []))
    CaseMaterial.objects.bulk_create(CaseMaterial(case=case, material=m, status=s) for m, s in rows)
    CaseStep.objects.bulk_create(
        CaseStep(case=case, order=n, workflow=step.code, optional=step.optional)
        for n, step in enumerate(BUNDLES.get(item.code, []), start=1)
    )
    _audit(
        actor,
        "hall.case.open",
        case,
        {
            "person": person.pk,
            "ticket": ticket.number if ticket else "",
            "applicant": ApplicantKind(applicant_kind).label,
            "due_on": case.due_on.isoformat() if case.due_on else "",
            "missing": sum(1 for _, s in rows if s == MaterialStatus.MISSING),
        },
    )
    return case


def _due_on(item: ServiceItem, region_code: str, today: datetime.date) -> datetime.date | None:
    if item.kind != ItemKind.PROMISED:
        return None
    days = item.promised_days
    override = item.overrides.filter(region_code__in=_prefixes(region_code)).order_by("-region_code").first()
    if override is not None and override.promised_days:
        days = override.promised_days
    return add_working_days(today, days or 1)


def _prefixes(code: str) -> list[str]:
    # The region and every level above it, as county overrides are written (core.policy's rule).
    return [code[:n].ljust(12, "0") for n in (2, 4, 6, 9, 12)]


# --- moving ---------------------------------------------------------------------------------------


def _working_days_between(start: datetime.date, end: datetime.date) -> int:
    days, current = 0, start
    while current < end:
        current += datetime.timedelta(days=1)
        days += is_working_day(current)
    return days


@transaction.atomic
def move_case(*, actor: User, case: ServiceCase, to: str, note: str = "") -> ServiceCase:
    """The clerk's transitions: 办理中, 补正 (what is awaited), 不予受理 (the written reason),
    转办 (to whom), 办结 by hand (an item whose form records no fact, or a referral answered)."""
    case = ServiceCase.objects.select_for_update().get(pk=case.pk)
    _require_station(actor, case)
    check_move(CASE_FLOW, case.state, to, label=lambda s: CaseState(s).label, what="办件")
    note = note.strip()
    needs = {
        CaseState.CORRECTION: "请写明需要补正的材料或内容。",
        CaseState.REFUSED: "不予受理须写明理由。",
        CaseState.REFERRED: "请写明转办的单位和事由（如：报区县退役军人事务局审核）。",
    }
    if to in needs and not note:
        raise ValidationError({"note": needs[to]})
    if to == CaseState.DONE and case.state != CaseState.REFERRED and WORKFLOW_EVENTS.get(case.item.workflow):
        raise ValidationError("此事项在办理表单保存后自动办结，请打开办理表单完成办理。")
    if to == CaseState.DONE and _open_required_steps(case):
        raise ValidationError("一件事的必办环节尚未全部完成。")
    today = timezone.localdate()
    if case.state == CaseState.CORRECTION and case.due_on:
        # The clock stood still while the materials were awaited.
        case.due_on = add_working_days(case.due_on, _working_days_between(case.correction_since, today))
    case.correction_since = today if to == CaseState.CORRECTION else None
    before, case.state = case.state, to
    if note:
        case.note = note
    if to in (CaseState.DONE, CaseState.REFUSED):
        case.finished_at, case.finished_on = timezone.now(), today
    case.save()
    _audit(
        actor,
        f"hall.case.{to}",
        case,
        {"from": CaseState(before).label, "to": CaseState(to).label, "due_on": str(case.due_on or "")},
        reason=note,
    )
    return case


def _open_required_steps(case: ServiceCase) -> list[CaseStep]:
    return [s for s in case.steps.all() if s.done_on is None and not s.optional]


@transaction.atomic
def tick_step(*, actor: User, case: ServiceCase, code: str) -> CaseStep:
    """A bundle step without a form of its own (预备役登记, 档案接收), ticked by the clerk."""
    case = ServiceCase.objects.select_for_update().get(pk=case.pk)
    _require_station(actor, case)
    step = case.steps.filter(workflow=code, done_on__isnull=True).first()
    if step is None or step_spec(case, code).event is not None:
        raise ValidationError("这个环节在其办理表单保存后自动勾选。")
    if not case.is_open:
        raise ValidationError("办件已结束。")
    step.done_on, step.done_by = timezone.localdate(), actor
    step.save(update_fields=["done_on", "done_by"])
    _audit(actor, "hall.case.step", case, {"step": STEP_LABELS[code]})
    _close_if_complete(case, actor=actor, event=None)
    return step


# --- closing by the workflow's fact (called from hall/effects.py) ----------------------------------


def close_by_event(event: DomainEvent) -> list[ServiceCase]:
    """The fact the case waited for is recorded for its person: the case (or its bundle step) is
    done. Runs inside the event's transaction; a case already done is left as it is."""
    closed = []
    waiting = ServiceCase.objects.select_for_update().filter(person=event.person, state__in=OPEN_CASE_STATES)
    for case in waiting.select_related("item"):
        if case.item.code in BUNDLES:
            codes = [s.code for s in BUNDLES[case.item.code] if s.event == event.kind]
            steps = case.steps.filter(workflow__in=codes, done_on__isnull=True)
            for step in steps:
                step.done_on, step.done_by_event = event.occurred_on, event
                step.save(update_fields=["done_on", "done_by_event"])
                _audit(
                    event.actor,
                    "hall.case.step",
                    case,
                    {"step": STEP_LABELS[step.workflow], "event": event.pk},
                )
            if steps and _close_if_complete(case, actor=event.actor, event=event):
                closed.append(case)
        elif WORKFLOW_EVENTS.get(case.item.workflow) == event.kind:
            _finish(case, actor=event.actor, event=event)
            closed.append(case)
    return closed


def _close_if_complete(case: ServiceCase, *, actor, event) -> bool:
    if _open_required_steps(case):
        return False
    _finish(case, actor=actor, event=event)
    return True


def _finish(case: ServiceCase, *, actor, event: DomainEvent | None) -> None:
    before = case.state
    case.state, case.finished_at, case.finished_on = CaseState.DONE, timezone.now(), timezone.localdate()
    case.closed_by_event = event
    case.save(update_fields=["state", "finished_at", "finished_on", "closed_by_event"])
    if case.ticket_id:
        ticket_services.finish_with_case(actor=actor, ticket=case.ticket, case_number=case.number)
    _audit(
        actor,
        "hall.case.done",
        case,
        {"from": CaseState(before).label, "to": CaseState.DONE.label, "event": event.pk if event else ""},
    )


# --- the promised day: marked by tick --------------------------------------------------------------


def mark_overdue_cases(*, today: datetime.date) -> int:
    """承诺件 past their promised day (not in 补正, whose clock stands still) are stamped overdue."""
    late = list(
        ServiceCase.objects.filter(
            state__in=[CaseState.ACCEPTED, CaseState.IN_PROGRESS],
            due_on__lt=today,
            overdue_since__isnull=True,
        ).values_list("pk", flat=True)
    )
    if late:
        ServiceCase.objects.filter(pk__in=late).update(overdue_since=today)
        record(
            actor=None,
            action="hall.case.overdue",
            object_type="service_case",
            changes={"cases": late, "on": today.isoformat()},
        )
    return len(late)


# --- 好差评 --------------------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def issue_rating_token(*, actor: User, case: ServiceCase) -> str:
    """A one-time token for the printed QR code; a new print replaces the previous token."""
    case = ServiceCase.objects.select_for_update().get(pk=case.pk)
    _require_station(actor, case)
    if case.state != CaseState.DONE or hasattr(case, "rating"):
        raise ValidationError("办结后、评价前才能打印评价二维码。")
    token = secrets.token_urlsafe(24)
    case.rating_token_hash = _token_hash(token)
    case.save(update_fields=["rating_token_hash"])
    _audit(actor, "print", case, {"form": "好差评二维码"})
    return token


def case_for_token(token: str) -> ServiceCase | None:
    if not token:
        return None
    return ServiceCase.objects.filter(rating_token_hash=_token_hash(token), state=CaseState.DONE).first()


# The indicators a visitor may tick (after GB/T 39735-2020's 评价指标).


@transaction.atomic
def rate(*, case: ServiceCase, level: str, indicators: list[str], comment: str, channel: str) -> Rating:
    """The visitor's rating, once per case (the pad at the window or the QR page). No staff
    member is its actor and no path changes it afterwards. A 差评 opens its rectification."""
    case = ServiceCase.objects.select_for_update().get(pk=case.pk)
    if case.state != CaseState.DONE:
        raise ValidationError("办结后才能评价。")
    if Rating.objects.filter(case=case).exists():
        raise ValidationError("这次办事已经评价过了，谢谢！")
    if level not in RatingLevel.values:
        raise ValidationError({"level": "请选择满意程度。"})
    unknown = [i for i in indicators if i not in INDICATORS]
    if unknown:
        raise ValidationError({"indicators": "请从列出的评价指标中选择。"})
    rating = Rating.objects.create(
        case=case, level=level, indicators=indicators, comment=comment.strip()[:1000], channel=channel
    )
    case.rating_token_hash = ""  # the QR code is spent
    case.save(update_fields=["rating_token_hash"])
    _audit(None, "hall.case.rated", case, {"level": RatingLevel(level).label, "channel": channel})
    if level in BAD_LEVELS:
        _open_rectification(rating)
    return rating


DEPARTMENT_OF_OWNER = {
    Owner.ARMED_FORCES: TaskDepartment.ARMED_FORCES,
    Owner.VETERANS: TaskDepartment.VETERANS,
    Owner.JOINT: TaskDepartment.JOINT,
}


def _open_rectification(rating: Rating) -> Rectification:
    case = rating.case
    today = timezone.localdate()
    days = policy_value("hall.rectification_working_days", region_code=case.region_id, on=today)
    due_on = add_working_days(today, days)
    task, _ = worklist_services.ensure_task(
        kind=TaskKind.RATING_RECTIFICATION, rule="hall.rectification", period=f"rating:{rating.pk}",
        department=DEPARTMENT_OF_OWNER[case.item.owner], due_on=due_on, region_code=case.person.region_id,
        person=case.person,
    )  # fmt: skip
    head = (
        Post.objects.filter(role=Role.STATION_HEAD, region_id=case.region_id, ended_on__isnull=True)
        .select_related("user")
        .first()
    )
    if head is not None:
        task.assignee = head.user
        task.save(update_fields=["assignee"])
    rectification = Rectification.objects.create(rating=rating, task=task, due_on=due_on)
    _audit(None, "hall.rectification.open", case, {"due_on": due_on.isoformat(), "task": task.pk})
    return rectification


@transaction.atomic
def record_rectification(
    *, actor: User, rectification: Rectification, check_note: str, fix_note: str,
    return_visit_on: datetime.date | None, return_visit_note: str,
) -> Rectification:  # fmt: skip
    """The station head (or deputy) records the check, the fix and the return visit: all three
    close the rectification and its task."""
    rectification = Rectification.objects.select_for_update().get(pk=rectification.pk)
    case = rectification.rating.case
    if not any(
        p.role in (Role.STATION_HEAD, Role.STATION_DEPUTY) and covers([p.region.bounds], case.region_id)
        for p in actor.active_posts
        if p.region_id
    ):
        raise PermissionDenied("差评整改由站长（或副站长）核实和回访。")
    if rectification.closed_on:
        raise ValidationError("整改已完成。")
    values = {
        "check_note": check_note.strip(),
        "fix_note": fix_note.strip(),
        "return_visit_note": return_visit_note.strip(),
    }
    errors = {
        "check_note": "请填写核实情况。", "fix_note": "请填写整改措施。", "return_visit_note": "请填写回访情况。",
    }  # fmt: skip
    missing = {k: v for k, v in errors.items() if not values[k]}
    if return_visit_on is None:
        missing["return_visit_on"] = "请填写回访日期。"
    elif return_visit_on < timezone.localdate(rectification.rating.rated_at):
        missing["return_visit_on"] = "回访日期不能早于评价日期。"
    if missing:
        raise ValidationError(missing)
    for name, value in values.items():
        setattr(rectification, name, value)
    rectification.return_visit_on, rectification.closed_on, rectification.closed_by = (
        return_visit_on, timezone.localdate(), actor,
    )  # fmt: skip
    rectification.save()
    _audit(actor, "hall.rectification.close", case, {"return_visit_on": return_visit_on.isoformat()})
    worklist_services.complete(
        actor=actor,
        task=rectification.task,
        outcome=f"已核实整改，{chinese_date(return_visit_on)}回访：{values['return_visit_note']}",
    )
    return rectification


@transaction.atomic
def set_received(*, actor: User, case: ServiceCase, received: list[int]) -> ServiceCase:
    """The clerk ticks what the visitor handed over; what the registry holds stays on file."""
    case = ServiceCase.objects.select_for_update().get(pk=case.pk)
    _require_station(actor, case)
    if not case.is_open:
        raise ValidationError("办件已结束，材料不能再修改。")
    changed = []
    for row in case.materials.exclude(status=MaterialStatus.ON_FILE).select_related("material"):
        status = MaterialStatus.RECEIVED if row.material_id in received else MaterialStatus.MISSING
        if row.status != status:
            row.status = status
            row.save(update_fields=["status"])
            changed.append(f"{row.material.name}：{MaterialStatus(status).label}")
    if changed:
        _audit(actor, "hall.case.materials", case, {"materials": changed})
    return case


def record_print(*, actor: User, case: ServiceCase, form: str) -> None:
    """一次性告知书, 受理通知书: every print is audited."""
    _audit(actor, "print", case, {"form": form})


def record_export(*, actor: User, what: str, start: datetime.date, end: datetime.date) -> None:
    """The statistics hold no personal data (counts and times), but an export is still audited."""
    post = station_of(actor)
    record(
        actor=actor,
        action="export",
        object_type="service_case",
        region_code=post.region_id if post else "",
        changes={"what": what, "start": start.isoformat(), "end": end.isoformat()},
    )

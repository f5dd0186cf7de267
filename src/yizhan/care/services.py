"""Every write of 走访慰问: atomic, checked with Chinese messages, audited on the person's timeline
in the same transaction. Recording the work closes the task that called for it (doing the work
closes the task), so a record and its task's completion never exist one without the other."""

from __future__ import annotations

import datetime
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.audit.services import record
from yizhan.care.models import (
    GIFT_PACK_ITEMS,
    CondolenceVisit,
    GiftPackDelivery,
    MeritNoticeDelivery,
    VisitReason,
    delivery_level_for,
)
from yizhan.core.dates import date_problem
from yizhan.lifecycle.calendar import add_working_days
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.models import Award, Document, DocumentKind, Person
from yizhan.people.services import attach_document
from yizhan.text import name_problem
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind
from yizhan.worklist.services import complete

CareRecord = MeritNoticeDelivery | GiftPackDelivery | CondolenceVisit
LOG_WITHIN_WORKING_DAYS = 2


@dataclass(frozen=True)
class Photo:
    content: bytes
    filename: str


def _d(day: datetime.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _locked_open_task(task: Task, kind: str) -> Task:
    """The task row, locked so two submissions of the same form cannot both record the work."""
    task = Task.objects.select_for_update(of=("self",)).select_related("cause", "person").get(pk=task.pk)
    if task.kind != kind:
        raise ValidationError(f"该待办是“{task.get_kind_display()}”，不能在此办理。")
    if task.status not in OPEN_STATUSES:
        raise ValidationError(f"该待办已{task.get_status_display()}，不能再办理。")
    if task.person_id is None:
        raise ValidationError("该待办未关联人员，无法登记。")
    return task


def _impossible_date(errors: dict, field: str, day: datetime.date, label: str, born=None) -> None:
    problem = date_problem(day, born=born)
    if problem:
        errors[field] = problem.replace("日期", label, 1)


def _required_text(errors: dict, field: str, value: str, message: str) -> str:
    """A required line of text (names of who took part or signed, an address), all visible."""
    value = value.strip()
    if not value:
        errors[field] = message
    elif problem := name_problem(value, multiline=True):
        errors[field] = problem
    return value


def _store_photo(actor, person: Person, photo: Photo | None, title: str) -> Document | None:
    # Kind "other", not "photo": people.attach_document makes a "photo" the person's ID photo.
    if photo is None:
        return None
    return attach_document(
        actor=actor,
        person=person,
        kind=DocumentKind.OTHER,
        title=title,
        content=photo.content,
        filename=photo.filename,
    )


def _audit(actor, action: str, item: CareRecord, changes: dict) -> None:
    """On the person's timeline (object_type "person"), naming the record."""
    record(
        actor=actor,
        action=action,
        object_type="person",
        object_id=item.person_id,
        region_code=item.region_code,
        changes={"record": f"{item._meta.model_name}:{item.pk}", **changes},
    )


def log_due_on(*, task: Task, award: Award) -> datetime.date:
    """The award event's date plus two working days (the award date when no event is known)."""
    start = task.cause.occurred_on if task.cause_id else award.awarded_on
    return add_working_days(start, LOG_WITHIN_WORKING_DAYS)


@transaction.atomic
def record_merit_notice(
    *,
    actor,
    task: Task,
    award: Award,
    family_address: str,
    delivered_on: datetime.date,
    participants: str,
    logged_on: datetime.date,
    family_signed: bool,
    signer_name: str = "",
    photo: Photo | None = None,
) -> MeritNoticeDelivery:
    """喜报送达 for the award of a MERIT_NOTICE task; closes the task. A log later than two working
    days after the award event is recorded with logged_late set, not refused."""
    task = _locked_open_task(task, TaskKind.MERIT_NOTICE)
    errors: dict[str, str] = {}
    if award.person_id != task.person_id:
        errors["award"] = "该奖励不属于此待办的人员。"
    elif MeritNoticeDelivery.objects.filter(award=award).exists():
        errors["award"] = "该奖励的喜报已登记送达。"
    family_address = _required_text(errors, "family_address", family_address, "请填写家庭地址。")
    participants = _required_text(errors, "participants", participants, "请填写送达人员。")
    signer_name = signer_name.strip()
    if problem := name_problem(signer_name, label="签收人"):
        errors["signer_name"] = problem
    if family_signed and not signer_name:
        errors["signer_name"] = "家属已签收时，请填写签收人姓名。"
    _impossible_date(errors, "delivered_on", delivered_on, "送达日期", task.person.birth_date)
    _impossible_date(errors, "logged_on", logged_on, "登记日期", task.person.birth_date)
    if "delivered_on" not in errors and delivered_on < award.awarded_on:
        errors["delivered_on"] = f"送达日期不能早于授予日期（{_d(award.awarded_on)}）。"
    if errors:
        raise ValidationError(errors)
    due = log_due_on(task=task, award=award)
    level = delivery_level_for(award.level)
    document = _store_photo(actor, task.person, photo, f"喜报送达照片（{award.get_level_display()}）")
    delivery = MeritNoticeDelivery.objects.create(
        task=task,
        person=task.person,
        household_id=task.person.household_id,
        region_code=task.region_code,
        award=award,
        level=level,
        family_address=family_address,
        delivered_on=delivered_on,
        participants=participants,
        photo=document,
        family_signed=family_signed,
        signer_name=signer_name if family_signed else "",
        logged_on=logged_on,
        log_due_on=due,
        logged_late=logged_on > due,
        recorded_by=actor,
    )
    _audit(actor, "care.merit_notice.deliver", delivery, {
        "award": award.get_level_display(), "level": level.label, "delivered_on": delivered_on.isoformat(),
        "logged_on": logged_on.isoformat(), "logged_late": delivery.logged_late,
        "signed": family_signed, "photo": document.pk if document else None,
    })  # fmt: skip
    outcome = f"喜报已于{_d(delivered_on)}由{level.label}送达"
    if delivery.logged_late:
        outcome += f"；登记逾期（时限{_d(due)}，实际{_d(logged_on)}）"
    complete(actor=actor, task=task, outcome=outcome + "。", on=delivered_on)
    return delivery


@transaction.atomic
def record_gift_pack(
    *,
    actor,
    task: Task,
    delivered_on: datetime.date,
    received_by: str,
    items: Collection[str],
    signed: bool,
    notes: str = "",
) -> GiftPackDelivery:
    """入伍礼包 for a GIFT_PACK task; closes the task. All three items in one visit, or nothing."""
    task = _locked_open_task(task, TaskKind.GIFT_PACK)
    errors: dict[str, str] = {}
    missing = [label for field, label in GIFT_PACK_ITEMS if field not in items]
    if missing:
        errors["items"] = f"入伍礼包须一次送齐三件，尚缺：{'、'.join(missing)}。请备齐后再登记。"
    received_by = _required_text(errors, "received_by", received_by, "请填写签收家属姓名。")
    _impossible_date(errors, "delivered_on", delivered_on, "送达日期", task.person.birth_date)
    if "delivered_on" not in errors and task.cause_id and delivered_on < task.cause.occurred_on:
        errors["delivered_on"] = f"送达日期不能早于批准入伍日期（{_d(task.cause.occurred_on)}）。"
    if errors:
        raise ValidationError(errors)
    delivery = GiftPackDelivery.objects.create(
        task=task,
        person=task.person,
        household_id=task.household_id or task.person.household_id,
        region_code=task.region_code,
        delivered_on=delivered_on,
        received_by=received_by,
        signed=signed,
        notes=notes.strip(),
        recorded_by=actor,
        **{field: True for field, _ in GIFT_PACK_ITEMS},
    )
    _audit(actor, "care.gift_pack.deliver", delivery, {
        "delivered_on": delivered_on.isoformat(), "received_by": received_by, "signed": signed,
    })  # fmt: skip
    complete(
        actor=actor,
        task=task,
        outcome=f"入伍礼包三件已于{_d(delivered_on)}送达，{received_by}签收。",
        on=delivered_on,
    )
    emit(  # the 光荣之家 plaque among the three is the household's 光荣牌 (rules.py)
        kind=EventKind.GIFT_PACK_DELIVERED,
        key=f"gift_pack:{delivery.pk}",
        person=task.person,
        occurred_on=delivered_on,
        actor=actor,
        payload={"delivery": delivery.pk, "received_by": received_by, "signed": signed},
    )
    return delivery


@transaction.atomic
def record_visit(
    *,
    actor,
    person: Person,
    reason: str,
    visited_on: datetime.date,
    participants: str,
    money: Decimal = Decimal("0"),
    goods: str = "",
    notes: str = "",
    photo: Photo | None = None,
    task: Task | None = None,
) -> CondolenceVisit:
    """走访慰问 of a family. With a CONDOLENCE_VISIT task the visit is a condolence to the 三属 of
    the task's person and closes the task; without one it is a campaign or ad-hoc visit."""
    if task is not None:
        task = _locked_open_task(task, TaskKind.CONDOLENCE_VISIT)
        person, reason = task.person, VisitReason.CONDOLENCE
    errors: dict[str, str] = {}
    if reason not in VisitReason.values:
        errors["reason"] = "请选择走访类别。"
    participants = _required_text(errors, "participants", participants, "请填写走访人员。")
    _impossible_date(errors, "visited_on", visited_on, "走访日期", person.birth_date)
    if (
        "visited_on" not in errors
        and task is not None
        and task.cause_id
        and visited_on < task.cause.occurred_on
    ):
        errors["visited_on"] = (
            f"走访日期不能早于{task.cause.get_kind_display()}日期（{_d(task.cause.occurred_on)}）。"
        )
    if money < 0:
        errors["money"] = "慰问金不能为负数。"
    if errors:
        raise ValidationError(errors)
    label = VisitReason(reason).label
    document = _store_photo(actor, person, photo, f"{label}照片")
    visit = CondolenceVisit.objects.create(
        task=task,
        person=person,
        household_id=person.household_id,
        region_code=task.region_code if task is not None else person.region_id,
        reason=reason,
        visited_on=visited_on,
        participants=participants,
        money=money,
        goods=goods.strip(),
        notes=notes.strip(),
        photo=document,
        recorded_by=actor,
    )
    _audit(actor, "care.visit.record", visit, {
        "reason": label, "visited_on": visited_on.isoformat(), "money": str(money),
        "goods": visit.goods, "photo": document.pk if document else None,
    })  # fmt: skip
    if task is not None:
        outcome = f"已于{_d(visited_on)}走访慰问"
        if money:
            outcome += f"，慰问金{money}元"
        if visit.goods:
            outcome += f"，慰问品：{visit.goods}"
        complete(actor=actor, task=task, outcome=outcome + "。", on=visited_on)
    return visit


@transaction.atomic
def record_print(*, actor, item: CareRecord, layout: str) -> None:
    """Printing a 喜报 or a receipt names the family: every print is audited."""
    _audit(actor, "print", item, {"layout": layout})

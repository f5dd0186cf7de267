"""奖励金 (the bonus of each award, from the local table) and 光荣牌 (one plaque per household,
for good)."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from yizhan.accounts.models import User
from yizhan.accounts.roles import VETERANS, Perm
from yizhan.benefits import selectors
from yizhan.benefits.models import (
    BonusEntitlement,
    BonusRate,
    BonusStatus,
    HonorPlaque,
    PlaqueCategory,
    PlaqueStatus,
)
from yizhan.benefits.services._base import audit, require_staff
from yizhan.core.dates import check_date
from yizhan.core.idnumber import chinese_date
from yizhan.core.policy import in_force, region_label, require_officer
from yizhan.lifecycle.models import EventKind
from yizhan.lifecycle.services import emit
from yizhan.people.models import AwardLevel, Household, Identity, Person
from yizhan.people.services import audit_person
from yizhan.regions.models import scope_bounds
from yizhan.text import check_name
from yizhan.worklist import services as worklist_services
from yizhan.worklist.models import Task

# --- 奖励金 ---------------------------------------------------------------------------------


def bonus_rate_for(*, region_code: str, year: int, level: str) -> BonusRate | None:
    """The standard in force for the place: its county's table, else its city's, province's,
    or the national default."""
    return in_force(BonusRate.objects.filter(year=year, level=level), region_code)


@transaction.atomic
def set_bonus_rate(
    *, actor: User | None, region_code: str, year: int, level: str, amount: Decimal
) -> BonusRate:
    """Sets one amount of a region's table, by an officer at or above the region; the unpaid
    entitlements it now governs follow it."""
    require_officer(actor, region_code, departments=VETERANS, what="奖励金标准")
    rate, created = BonusRate.objects.update_or_create(
        region_code=region_code, year=year, level=level, defaults={"amount": amount, "updated_by": actor}
    )
    due = BonusEntitlement.objects.filter(status=BonusStatus.DUE, level=level, awarded_on__year=year)
    if region_code:
        lo, hi = scope_bounds(region_code)
        due = due.filter(region_code__gte=lo, region_code__lt=hi)
    updated = 0
    for entitlement in due:
        governing = bonus_rate_for(region_code=entitlement.region_code, year=year, level=level)
        if governing is not None and entitlement.amount != governing.amount:
            entitlement.amount = governing.amount
            entitlement.save(update_fields=["amount"])
            updated += 1
    audit(
        actor, "benefits.bonus.rate", object_type="bonus_rate", object_id=rate.pk,
        region_code=region_code,
        changes={"region": region_label(region_code), "year": year, "level": AwardLevel(level).label,
                 "amount": str(amount), "created": created, "entitlements_updated": updated},
    )  # fmt: skip
    return rate


@transaction.atomic
def entitle_bonus(
    *, actor, person: Person, level: str, awarded_on: datetime.date, award=None, event=None
) -> tuple[BonusEntitlement, bool]:
    """The one 奖励金 of an award (per event, and per award when known); the amount comes from
    the local table of the award's year, or stays open until the table has it."""
    existing = None
    if event is not None:
        existing = BonusEntitlement.objects.filter(event=event).first()
    if existing is None and award is not None:
        existing = BonusEntitlement.objects.filter(award=award).first()
    if existing is not None:
        return existing, False
    rate = bonus_rate_for(region_code=person.region_id, year=awarded_on.year, level=level)
    entitlement = BonusEntitlement(
        person=person,
        award=award,
        event=event,
        level=level,
        awarded_on=awarded_on,
        region_code=person.region_id,
        amount=rate.amount if rate else None,
    )
    try:
        with transaction.atomic():
            entitlement.save()
    except IntegrityError:
        return BonusEntitlement.objects.get(event=event) if event else BonusEntitlement.objects.get(
            award=award
        ), False
    audit_person(
        actor,
        "benefits.bonus.entitle",
        person,
        {
            "level": AwardLevel(level).label,
            "awarded_on": awarded_on.isoformat(),
            "amount": str(entitlement.amount) if entitlement.amount is not None else "",
        },
    )
    return entitlement, True


@transaction.atomic
def withdraw_bonus(*, actor, event, reason: str, release_award: bool) -> BonusEntitlement | None:
    """The award the bonus came from was corrected or withdrawn: a bonus not yet paid goes (a
    corrected award is entitled again). A paid one stays as paid and is returned, for the county's
    task; a withdrawn award is released from it (the payment keeps its event)."""
    bonus = BonusEntitlement.objects.select_for_update().filter(event=event).first()
    if bonus is None:
        return None
    if bonus.status == BonusStatus.PAID:
        if release_award and bonus.award_id:
            bonus.award = None
            bonus.save(update_fields=["award"])
        return bonus
    person, level = bonus.person, bonus.get_level_display()
    bonus.delete()
    audit_person(actor, "benefits.bonus.withdraw", person, {"level": level, "reason": reason})
    return None


@transaction.atomic
def pay_bonus(
    *, actor, entitlement: BonusEntitlement, paid_on: datetime.date, reference: str
) -> BonusEntitlement:
    check_date(paid_on, field="paid_on")
    require_staff(actor, entitlement.person.region_id)
    entitlement = BonusEntitlement.objects.select_for_update().select_related("person").get(pk=entitlement.pk)
    if entitlement.status == BonusStatus.PAID:
        raise ValidationError(f"该奖励金已于{chinese_date(entitlement.paid_on)}发放。")
    if entitlement.amount is None:
        raise ValidationError("本地尚未确定该等级、该年度的奖励金标准，请先在“奖励金标准”中设置。")
    reference = reference.strip()
    if not reference:
        raise ValidationError({"reference": "请填写发放凭证号。"})
    if paid_on < entitlement.awarded_on:
        raise ValidationError({"paid_on": "发放日期不能早于授予日期。"})
    entitlement.status = BonusStatus.PAID
    entitlement.paid_on = paid_on
    entitlement.reference = reference
    entitlement.paid_by = actor
    entitlement.save(update_fields=["status", "paid_on", "reference", "paid_by"])
    audit_person(
        actor,
        "benefits.bonus.pay",
        entitlement.person,
        {
            "level": entitlement.get_level_display(),
            "amount": str(entitlement.amount),
            "paid_on": paid_on.isoformat(),
            "reference": reference,
        },
    )
    return entitlement


# --- 光荣牌 ---------------------------------------------------------------------------------


def _audit_household(actor, action: str, household: Household, changes: dict) -> None:
    audit(
        actor, action, object_type="household", object_id=household.pk, region_code=household.region_id,
        changes=changes,
    )  # fmt: skip


@transaction.atomic
def register_plaque_due(
    *, actor, household: Household, category: str, due_on: datetime.date | None = None
) -> tuple[HonorPlaque, bool]:
    """Puts a household on the register as due; a household already on it is left as it is."""
    plaque = HonorPlaque.objects.filter(household=household).first()
    if plaque is not None:
        return plaque, False
    try:
        with transaction.atomic():
            plaque = HonorPlaque.objects.create(household=household, category=category, due_on=due_on)
    except IntegrityError:
        return HonorPlaque.objects.get(household=household), False
    _audit_household(
        actor, "benefits.plaque.due", household,
        {"category": PlaqueCategory(category).label, "due_on": due_on.isoformat() if due_on else ""},
    )  # fmt: skip
    return plaque, True


@transaction.atomic
def hang_plaque(
    *,
    actor,
    household: Household,
    category: str,
    hung_on: datetime.date,
    hung_by: str,
    signed: bool,
    signature_note: str = "",
    task: Task | None = None,
) -> HonorPlaque:
    """Records the hanging (date, who took part, the family's signature) and closes the
    household's plaque task. One plaque per household for good: a second one is refused."""
    check_date(hung_on, field="hung_on")
    if not actor.can(Perm.EDIT_PEOPLE) or not selectors.in_scope(actor, household.region_id):
        raise PermissionDenied("您的岗位不能登记该户的光荣牌。")
    plaque = HonorPlaque.objects.select_for_update().filter(household=household).first()
    if plaque is not None and plaque.status == PlaqueStatus.HUNG:
        raise ValidationError(
            f"该户已于{chinese_date(plaque.hung_on)}悬挂光荣牌（{plaque.get_category_display()}）。"
            "光荣牌一户一块，退役或牺牲后也不更换，不能再挂第二块。"
        )
    hung_by = hung_by.strip()
    if not hung_by:
        raise ValidationError({"hung_by": "请填写参加悬挂的人员。"})
    check_name(hung_by, field="hung_by", label="悬挂人员")
    return _hang(
        actor=actor, plaque=plaque, household=household, category=category, hung_on=hung_on,
        hung_by=hung_by, signed=signed, signature_note=signature_note,
        task=task or selectors.open_plaque_task(household),
    )  # fmt: skip


@transaction.atomic
def hang_with_gift_pack(
    *,
    actor: User | None,
    household: Household,
    servicemember: Person,
    delivered_on: datetime.date,
    received_by: str,
    signed: bool,
    through: str = "",
) -> HonorPlaque | None:
    """The 入伍礼包's 光荣之家 plaque is the household's 光荣牌: delivering it hangs it on the
    register and closes the plaque task. A household whose plaque already hangs keeps it (one
    per household for good); None then."""
    plaque = HonorPlaque.objects.select_for_update().filter(household=household).first()
    if plaque is not None and plaque.status == PlaqueStatus.HUNG:
        return None
    task = selectors.open_plaque_task(household, servicemember)
    category = plaque.category if plaque else selectors.plaque_category_for(task.cause if task else None)
    return _hang(
        actor=actor, plaque=plaque, household=household, category=category, hung_on=delivered_on,
        hung_by=f"随入伍礼包送达（{actor or '系统'}登记）", signed=signed,
        signature_note=f"{received_by}签收入伍礼包" if signed else "", task=task, through=through,
    )  # fmt: skip


def _hang(
    *, actor, plaque: HonorPlaque | None, household: Household, category: str, hung_on: datetime.date,
    hung_by: str, signed: bool, signature_note: str, task: Task | None, through: str = "",
) -> HonorPlaque:  # fmt: skip
    values = {
        "category": category,
        "status": PlaqueStatus.HUNG,
        "hung_on": hung_on,
        "hung_by": hung_by,
        "signed": signed,
        "signature_note": signature_note.strip(),
        "hung_through": through,
        "recorded_by": actor,
    }
    if plaque is None:
        plaque = HonorPlaque(household=household, task=task, **values)
    else:
        for name, value in values.items():
            setattr(plaque, name, value)
        plaque.task = task or plaque.task
    plaque.save()
    label = PlaqueCategory(category).label
    _audit_household(
        actor,
        "benefits.plaque.hang",
        household,
        {"category": label, "hung_on": hung_on.isoformat(), "hung_by": hung_by, "signed": signed},
    )
    # The fact is the household's; its event names the member the work was for (the soldier
    # whose enlistment or discharge called for the plaque), else the head: his hall case waits.
    person = None
    if task is not None:
        person = task.person or (task.cause.person if task.cause_id else None)
    person = person or household.members.order_by("-is_household_head", "pk").first()
    if person is not None:
        emit(
            kind=EventKind.PLAQUE_HUNG,
            key=f"plaque:{plaque.pk}",
            person=person,
            occurred_on=hung_on,
            actor=actor,
            payload={"household": household.pk},
        )
    if task is not None:
        worklist_services.complete(
            actor=actor,
            task=task,
            outcome=f"已悬挂光荣牌（{label}），{chinese_date(hung_on)}，悬挂人员：{hung_by}；"
            + ("家属已签收。" if signed else "家属未签收。"),
            on=hung_on,
        )
    return plaque


@transaction.atomic
def withdraw_plaque_due(
    *, actor: User | None, household: Household | None, servicemember: Person, reason: str, by: str = ""
) -> bool:
    """The fact that made the household due was annulled (退兵): it leaves the due list — its due
    row and its open plaque task go. A plaque already hung stays, for good. True if it left."""
    left = False
    if household is not None:
        due = (
            HonorPlaque.objects.select_for_update()
            .filter(household=household, status=PlaqueStatus.DUE)
            .first()
        )
        if due is not None:
            due.delete()
            _audit_household(actor, "benefits.plaque.withdraw", household, {"reason": reason})
            left = True
    task = selectors.open_plaque_task(household, servicemember)
    if task is not None:
        worklist_services.cancel(actor=actor, task=task, reason=reason, by=by)
        left = True
    return left


@transaction.atomic
def follow_the_family(*, plaque: HonorPlaque, today: datetime.date) -> int:
    """The due plaque of a household its family left (benefits.effects.plaques_follow_the_family)
    goes where the member it was for lives now: 1 if it moved or went, 0 if it stays."""
    task = selectors.open_plaque_task(plaque.household)
    member = (task.person or (task.cause.person if task.cause_id else None)) if task else None
    moved_to = Household.objects.filter(members=member).first() if member else None
    if moved_to is None or moved_to.pk == plaque.household_id:
        return 0
    if not Identity.objects.filter(
        Identity.current_q(today), person__household=moved_to, kind__in=selectors.PLAQUE_GIVERS
    ).exists():
        return 0
    reason = f"军人家庭已迁至{moved_to}"
    if HonorPlaque.objects.filter(household=moved_to).exists():
        return int(
            withdraw_plaque_due(actor=None, household=plaque.household, servicemember=member, reason=reason)
        )
    before = plaque.household
    plaque.household = moved_to
    plaque.save(update_fields=["household"])
    _audit_household(None, "benefits.plaque.move", moved_to, {"from": before.pk, "reason": reason})
    if Task.objects.filter(rule=task.rule, subject_key=f"household:{moved_to.pk}").exists():
        worklist_services.cancel(actor=None, task=task, reason=f"{reason}，该户已有光荣牌待办")
    else:
        worklist_services.move_to_household(actor=None, task=task, household=moved_to, reason=reason)
    return 1


@transaction.atomic
def take_down_gift_pack_plaque(*, actor: User | None, through: str, reason: str) -> HonorPlaque | None:
    """The 入伍礼包 delivery that hung the plaque was withdrawn (recorded by mistake): the plaque
    was never hung, so the household is due again and its plaque task open. A plaque hung by
    hand, or already hung before the pack, is not touched."""
    plaque = (
        HonorPlaque.objects.select_for_update().filter(hung_through=through, status=PlaqueStatus.HUNG).first()
    )
    if plaque is None:
        return None
    plaque.status, plaque.hung_on, plaque.hung_by = PlaqueStatus.DUE, None, ""
    plaque.signed, plaque.signature_note, plaque.hung_through = False, "", ""
    plaque.save(update_fields=["status", "hung_on", "hung_by", "signed", "signature_note", "hung_through"])
    _audit_household(actor, "benefits.plaque.take_down", plaque.household, {"reason": reason})
    if plaque.task is not None:
        worklist_services.reopen(actor=actor, task=plaque.task, reason=reason)
    return plaque

"""Rule effects of the benefits area, applied by lifecycle.rules inside the event's transaction.

Payloads read here: ENLISTMENT_APPROVED {"graduate": bool, "hardship": bool} (both optional;
graduate defaults to a 大专-or-above education), STATUS_CHANGED {"change": a lifecycle.models.StatusChange},
AWARD_RECORDED {"award": Award pk} or, without a row,
{"level": AwardLevel}, GIFT_PACK_DELIVERED {"delivery": pk, "received_by": str, "signed": bool}.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef

from yizhan.benefits import selectors, services
from yizhan.benefits.models import AllowancePeriod, HonorPlaque, PeriodStatus, PlaqueStatus
from yizhan.lifecycle.effects import original_of, paid_items_touched
from yizhan.lifecycle.models import DomainEvent, EventKind, StatusChange
from yizhan.people.models import Award, Education, Identity, IdentityKind

GRADUATE_EDUCATION = {Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE}

STOP_REASONS = {
    EventKind.RECRUIT_RETURNED: "退兵",
    EventKind.DISCHARGED: "退出现役",
    EventKind.DIED_IN_SERVICE: "服役期间牺牲/病故",
}


def schedule_allowance_periods(event: DomainEvent) -> None:
    """批准入伍: schedule the 义务兵家庭优待金 periods (one per started six months, at most four).
    Runs after open_service_record, whose record says whether he is a conscript."""
    person = event.person
    service_record = person.service_records.filter(enlisted_on=event.occurred_on).order_by("-pk").first()
    if service_record is None:
        return
    graduate = event.payload.get("graduate")
    if graduate is None:
        graduate = person.education in GRADUATE_EDUCATION
    services.schedule_periods(
        actor=event.actor,
        service_record=service_record,
        graduate=bool(graduate),
        hardship=bool(event.payload.get("hardship", False)),
        cause=event,
    )


def stop_allowance(event: DomainEvent) -> None:
    """提干 / 军校 / 转改军士 / discharge / death: periods starting after the event are cancelled.
    A returned recruit (退兵) was never enlisted: every unpaid period is cancelled."""
    if event.kind == EventKind.STATUS_CHANGED:
        change = event.payload.get("change", "")
        reason = StatusChange(change).label if change in StatusChange.values else "身份变化"
    else:
        reason = STOP_REASONS.get(event.kind, EventKind(event.kind).label)
    services.stop_periods(
        actor=event.actor,
        person=event.person,
        on=event.occurred_on,
        reason=reason,
        annul=event.kind == EventKind.RECRUIT_RETURNED,
        cause=event,
    )
    if event.payload.get("replaces"):
        # A corrected stop dated earlier reaches periods already paid: the county settles them.
        paid = AllowancePeriod.objects.filter(
            person=event.person, status=PeriodStatus.SCHEDULED, starts_on__gt=event.occurred_on
        )
        paid_items_touched(event, [f"优待金{p.label}已发放" for p in paid if services.is_paid(p)])


def bonus_entitlement(event: DomainEvent) -> None:
    """立功受奖: one bonus entitlement from the local per-year table."""
    award = None
    if event.payload.get("award"):
        award = Award.objects.filter(pk=event.payload["award"], person=event.person).first()
    level = award.level if award else event.payload.get("level", "")
    if not level:
        raise ValidationError("立功受奖事件缺少奖励等级（payload 须有 award 或 level）。")
    services.entitle_bonus(
        actor=event.actor,
        person=event.person,
        level=level,
        awarded_on=award.awarded_on if award else event.occurred_on,
        award=award,
        event=event,
    )


def plaque_due(event: DomainEvent) -> None:
    """Enlistment, discharge, death: the household goes on the 光荣牌 register as due, once — a
    household already on it keeps its row. For rules.py, next to the plaque task."""
    household = event.person.household
    if household is None:
        return
    task = selectors.open_plaque_task(household, event.person)
    services.register_plaque_due(
        actor=event.actor,
        household=household,
        category=selectors.plaque_category_for(task.cause if task and task.cause else event),
        due_on=task.due_on if task else None,
    )


# Who keeps a household due for its 光荣牌 when one member's enlistment is annulled.
PLAQUE_HOLDERS = [IdentityKind.ACTIVE_SERVICEMEMBER, IdentityKind.VETERAN, IdentityKind.BEREAVED_FAMILY]


def plaque_no_longer_due(event: DomainEvent) -> None:
    """退兵: he was never enlisted, so his household leaves the 光荣牌 due list — unless another
    member still serves, has served or fell. A plaque already hung stays."""
    person = event.person
    if person.household_id and (
        Identity.objects.filter(
            Identity.current_q(event.occurred_on),
            person__household_id=person.household_id,
            kind__in=PLAQUE_HOLDERS,
        )
        .exclude(person=person)
        .exists()
    ):
        return
    services.withdraw_plaque_due(
        actor=event.actor,
        household=person.household,
        servicemember=person,
        reason="退兵，光荣牌无需再挂",
        by=f"event:{event.pk}",
    )


def gift_pack_plaque_hung(event: DomainEvent) -> None:
    """入伍礼包 delivered: its 光荣之家 plaque hangs on the household's 光荣牌 register and the
    plaque task closes. Without a household there is no register row: the task waits for one."""
    household = event.person.household
    if household is None:
        return
    services.hang_with_gift_pack(
        actor=event.actor,
        household=household,
        servicemember=event.person,
        delivered_on=event.occurred_on,
        received_by=event.payload.get("received_by", ""),
        signed=bool(event.payload.get("signed")),
        through=f"event:{event.pk}",
    )


def plaques_follow_the_family(*, today: datetime.date) -> int:
    """Tick: a household due its 光荣牌 (not hung yet) where nobody gives it any more — the family
    moved — hands it to the household the member it was for now lives in: the due row and the
    open plaque task go there, or, when that household has a plaque of its own, they go (one per
    household). A hung plaque stays on the door it was hung on. How many moved."""
    givers = Identity.objects.filter(
        Identity.current_q(today),
        person__household_id=OuterRef("household_id"),
        kind__in=selectors.PLAQUE_GIVERS,
    )
    left = HonorPlaque.objects.filter(status=PlaqueStatus.DUE).exclude(Exists(givers))
    return sum(
        services.follow_the_family(plaque=plaque, today=today) for plaque in left.select_related("household")
    )


# --- corrections and withdrawals (desk/rules.py FACT_CORRECTED / FACT_WITHDRAWN) ------------------


def plaque_due_again(event: DomainEvent) -> None:
    """A withdrawn 退兵: his household is due its 光荣牌 again (after its plaque task reopened)."""
    original = original_of(event)
    if original is not None and original.kind == EventKind.RECRUIT_RETURNED:
        plaque_due(original)


def take_down_gift_pack_plaque(event: DomainEvent) -> None:
    """A withdrawn (or corrected) 入伍礼包 delivery: the plaque it hung is due again; a corrected
    delivery hangs it anew when it is applied again."""
    original = original_of(event)
    if original is not None and original.kind == EventKind.GIFT_PACK_DELIVERED:
        services.take_down_gift_pack_plaque(
            actor=event.actor, through=f"event:{original.pk}", reason=event.payload.get("reason", "")
        )


def restore_stopped_allowance(event: DomainEvent) -> None:
    """The periods the original stopped are due again; a corrected stop re-applied stops anew."""
    original = original_of(event)
    if original is not None:
        services.restore_periods(
            actor=event.actor,
            person=original.person,
            stopped_by=original,
            reason=event.payload.get("reason", ""),
        )


def recount_unpaid_allowance(event: DomainEvent) -> None:
    """The periods the original scheduled and not yet paid go (a corrected enlistment schedules
    them again from its date); paid ones stay, and the county gets a task for them."""
    original = original_of(event)
    if original is None:
        return
    paid = services.withdraw_unpaid_periods(
        actor=event.actor, person=original.person, cause=original, reason=event.payload.get("reason", "")
    )
    paid_items_touched(event, [f"优待金{p.label}已发放" for p in paid])


def withdraw_unpaid_bonus(event: DomainEvent) -> None:
    """The bonus of a corrected or withdrawn award goes while unpaid; a paid one is the county's."""
    original = original_of(event)
    if original is None:
        return
    paid = services.withdraw_bonus(
        actor=event.actor,
        event=original,
        reason=event.payload.get("reason", ""),
        release_award=event.kind == EventKind.FACT_WITHDRAWN,
    )
    if paid is not None:
        paid_items_touched(event, [f"{paid.get_level_display()}奖励金{paid.amount}元已发放"])

"""更正与撤销: one service path and one table (desk/corrections.py FACTS); every fact kind of the
rules table has its entry, and each entry is exercised here, as the station would use it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.benefits.conftest import APPROVED, approve
from yizhan.audit.models import AuditEvent
from yizhan.benefits import services as benefits
from yizhan.benefits.models import AllowancePeriod, BonusEntitlement, BonusStatus, PeriodStatus
from yizhan.conscription import services as conscription
from yizhan.conscription.models import CandidateStatus, Registration, Stage
from yizhan.desk.correction_facts import in_force
from yizhan.desk.corrections import CORRECTED_ELSEWHERE, FACTS, correct, withdraw
from yizhan.desk.rules import RULES
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import Award, Identity, IdentityKind, ServiceRecord
from yizhan.veterans import services as veterans
from yizhan.worklist.models import Escalation, Task, TaskKind, TaskStatus

D = datetime.date


LATER = D(2031, 12, 1)


def current(person, on=LATER) -> set[str]:
    return {i.kind for i in Identity.objects.filter(Identity.current_q(on), person=person)}


def test_every_event_of_the_rules_table_has_a_correction_entry_or_says_where_it_is_corrected():
    named = {kind for spec in FACTS.values() for kind in spec.events}
    missing = set(RULES) - named - set(CORRECTED_ELSEWHERE)
    assert not missing, f"add a FACTS entry (or a CORRECTED_ELSEWHERE reason) for {sorted(missing)}"
    assert named <= set(RULES), "a FACTS entry names an event the rules table does not have"


def test_every_fact_kind_in_the_table_is_exercised_by_a_test_here():
    assert set(FACTS) == set(EXERCISED)


# --- 环节结果 -----------------------------------------------------------------------------------


def walk_to_the_notice(candidate, advance, notice_on):
    candidate = advance(candidate, up_to=Stage.PROVISIONAL)
    return conscription.record_stage(
        actor=None, candidate=candidate, stage=Stage.NOTICE, passed=True, on=notice_on
    )


def test_a_stage_recorded_with_a_wrong_date_is_corrected_and_the_candidate_reaches_approval(
    candidate, advance, persona
):
    # 公示 began on 20 May; the clerk typed 30 August, two days before the intake's approval.
    candidate = walk_to_the_notice(candidate, advance, D(2026, 8, 30))
    with pytest.raises(Exception, match="公示不少于"):
        conscription.record_stage(
            actor=None, candidate=candidate, stage=Stage.APPROVAL, passed=True, on=D(2026, 9, 1)
        )
    notice = candidate.results.get(stage=Stage.NOTICE)
    head = persona("xinhu_head")
    event = correct(
        actor=head, fact="stage", obj=notice, values={"on": D(2026, 5, 20)}, reason="公示开始日期录错"
    )
    candidate.refresh_from_db()
    assert candidate.notice_starts_on == D(2026, 5, 20)
    candidate = conscription.record_stage(
        actor=head, candidate=candidate, stage=Stage.APPROVAL, passed=True, on=D(2026, 9, 1)
    )
    assert candidate.status == CandidateStatus.ENLISTED
    assert event.kind == EventKind.FACT_CORRECTED
    assert event.payload["before"] == {"日期": "2026年8月30日"}
    assert event.payload["after"] == {"日期": "2026年5月20日"}
    assert (
        AuditEvent.objects.filter(action="correction.stage", reason="公示开始日期录错", actor=head).count()
        == 1
    )


def test_a_corrected_stage_date_stays_between_its_neighbours_and_needs_a_reason(candidate, advance, persona):
    candidate = advance(candidate, up_to=Stage.POLITICAL)
    medical = candidate.results.get(stage=Stage.MEDICAL)
    head = persona("xinhu_head")
    with pytest.raises(ValidationError, match="原因"):
        correct(actor=head, fact="stage", obj=medical, values={"on": medical.on}, reason=" ")
    with pytest.raises(ValidationError, match="晚于下一环节"):
        correct(actor=head, fact="stage", obj=medical, values={"on": D(2026, 7, 1)}, reason="录错")
    with pytest.raises(ValidationError, match="早于上一环节"):
        correct(actor=head, fact="stage", obj=medical, values={"on": D(2026, 5, 1)}, reason="录错")
    with pytest.raises(ValidationError, match="没有修改"):
        correct(actor=head, fact="stage", obj=medical, values={"on": medical.on}, reason="录错")


def test_a_failed_stage_withdrawn_gives_the_candidacy_back(candidate, advance, persona):
    candidate = advance(candidate, up_to=Stage.PRESCREEN)
    candidate = conscription.record_stage(
        actor=None, candidate=candidate, stage=Stage.MEDICAL, passed=False, on=D(2026, 5, 20), reason="视力"
    )
    assert IdentityKind.APPLICANT not in current(candidate.person, D(2026, 6, 1))
    failed = candidate.results.get(stage=Stage.MEDICAL)
    withdraw(actor=persona("xinhu_head"), fact="stage", obj=failed, reason="体检结果录入错人")
    candidate.refresh_from_db()
    assert (candidate.status, candidate.stage, candidate.failure_reason) == (
        CandidateStatus.ACTIVE,
        Stage.PRESCREEN,
        "",
    )
    assert IdentityKind.APPLICANT in current(candidate.person, D(2026, 6, 1))
    candidate = conscription.record_stage(
        actor=None, candidate=candidate, stage=Stage.MEDICAL, passed=True, on=D(2026, 5, 21)
    )
    assert candidate.stage == Stage.MEDICAL


def test_only_the_last_stage_may_be_withdrawn_and_never_the_approval(candidate, advance, persona):
    candidate = advance(candidate, up_to=Stage.APPROVAL)
    head = persona("xinhu_head")
    with pytest.raises(ValidationError, match="只能撤销最后"):
        withdraw(actor=head, fact="stage", obj=candidate.results.get(stage=Stage.MEDICAL), reason="x")
    with pytest.raises(ValidationError, match="退兵"):
        withdraw(actor=head, fact="stage", obj=candidate.results.get(stage=Stage.APPROVAL), reason="x")


def test_the_armed_forces_side_of_another_township_or_a_village_liaison_may_not_correct_a_stage(
    candidate, advance, persona
):
    candidate = advance(candidate, up_to=Stage.MEDICAL)
    medical = candidate.results.get(stage=Stage.MEDICAL)
    for name in ("huaqiao_clerk", "xinhu_village", "xinhu_clerk"):  # xinhu_clerk: 服务站 only
        with pytest.raises(PermissionDenied):
            correct(
                actor=persona(name), fact="stage", obj=medical, values={"on": D(2026, 5, 12)}, reason="录错"
            )
    correct(actor=persona("decheng"), fact="stage", obj=medical, values={"on": D(2026, 5, 12)}, reason="录错")


# --- 兵役登记 -----------------------------------------------------------------------------------


def test_a_registration_corrected_and_withdrawn_moves_and_takes_back_the_registrant_identity(
    recruit, persona
):
    registration = Registration.objects.get(person=recruit)
    head = persona("xinhu_head")
    correct(
        actor=head,
        fact="registration",
        obj=registration,
        values={"registered_on": D(2026, 3, 15), "conclusion": "liable", "reason": ""},
        reason="登记日期录错",
    )
    registrant = Identity.objects.get(person=recruit, kind=IdentityKind.REGISTRANT)
    assert registrant.since == D(2026, 3, 15)
    assert in_force(EventKind.REGISTRATION_RECORDED, f"registration:{registration.pk}").key.endswith(":c1")
    withdraw(
        actor=head, fact="registration", obj=Registration.objects.get(pk=registration.pk), reason="重复登记"
    )
    assert not Registration.objects.filter(person=recruit).exists()
    assert not Identity.objects.filter(person=recruit, kind=IdentityKind.REGISTRANT).exists()


# --- 入伍 (enlistment date) and the allowance ------------------------------------------------------


def designate_and_pay(persona, soldier, father, on):
    county = persona("decheng")
    benefits.designate_recipient(
        actor=county,
        servicemember=soldier,
        recipient=father,
        bank_name="农行",
        account="6228480012345678901",
        on=APPROVED,
    )
    batch = benefits.generate_batch(actor=county, county_code="371402000000", as_of=on).batch
    benefits.review_batch(actor=county, batch=batch)
    benefits.mark_batch_paid(actor=county, batch=batch, paid_on=on, reference="回单 1")


def test_a_corrected_enlistment_date_recounts_the_periods_not_yet_paid_and_tells_the_county_of_the_paid_one(
    family, rates, persona
):
    soldier, father = family["soldier"], family["father"]
    approve(soldier)
    designate_and_pay(persona, soldier, father, D(2026, 9, 15))  # the first period is paid
    service = ServiceRecord.objects.get(person=soldier)
    event = correct(
        actor=persona("xinhu_head"),
        fact="enlistment",
        obj=service,
        values={"enlisted_on": D(2026, 10, 1)},
        reason="入伍日期有误",
    )
    periods = AllowancePeriod.objects.filter(person=soldier).order_by("sequence")
    assert [(p.sequence, p.starts_on) for p in periods] == [
        (1, D(2026, 9, 1)),  # paid: never changed
        (2, D(2027, 4, 1)),
        (3, D(2027, 10, 1)),
        (4, D(2028, 4, 1)),
    ]
    county_task = Task.objects.get(kind=TaskKind.PAID_ITEM_CORRECTED, person=soldier)
    assert (county_task.escalated_to, county_task.cause) == (Escalation.COUNTY, event)
    event.refresh_from_db()
    assert event.payload["paid_items"] == ["优待金第1期（2026年9月1日起）已发放"]
    assert Identity.objects.get(person=soldier, kind=IdentityKind.ACTIVE_SERVICEMEMBER).since == D(
        2026, 10, 1
    )
    assert Identity.objects.get(person=father, kind=IdentityKind.MILITARY_FAMILY).since == D(2026, 10, 1)
    # The tasks of the enlistment are carried over, due from the corrected date, not doubled.
    gift = Task.objects.get(person=soldier, kind=TaskKind.GIFT_PACK)
    assert (gift.status, gift.due_on) == (TaskStatus.OPEN, D(2026, 10, 8))
    assert Task.objects.filter(kind=TaskKind.HONOR_PLAQUE, status__in=["open"]).count() == 1


# --- 立功受奖 -----------------------------------------------------------------------------------


def award(soldier, persona, level="third_class"):
    return veterans.record_award(
        actor=persona("xinhu_head"),
        person=soldier,
        level=level,
        awarded_on=D(2027, 5, 1),
        received_on=D(2027, 5, 10),
    )


def test_a_withdrawn_award_cancels_its_open_merit_notice_task_and_its_unpaid_bonus(family, rates, persona):
    soldier = family["soldier"]
    approve(soldier)
    item = award(soldier, persona)
    assert BonusEntitlement.objects.filter(award=item).exists()
    withdraw(actor=persona("xinhu_clerk"), fact="award", obj=item, reason="奖励通知发错了人")
    assert not Award.objects.filter(pk=item.pk).exists()
    assert not BonusEntitlement.objects.exists()
    notice = Task.objects.get(person=soldier, kind=TaskKind.MERIT_NOTICE)
    assert notice.status == TaskStatus.CANCELLED
    assert "奖励通知发错了人" in notice.outcome


def test_a_corrected_award_level_is_entitled_again_and_its_notice_task_carried_over(family, rates, persona):
    soldier = family["soldier"]
    approve(soldier)
    item = award(soldier, persona)
    correct(
        actor=persona("xinhu_clerk"),
        fact="award",
        obj=item,
        values={
            "level": "second_class",
            "awarded_on": D(2027, 5, 1),
            "notice_number": "",
            "received_on": D(2027, 5, 12),
        },
        reason="等级录错",
    )
    bonus = BonusEntitlement.objects.get()
    assert (bonus.level, bonus.amount) == ("second_class", Decimal("5000"))
    notice = Task.objects.get(person=soldier, kind=TaskKind.MERIT_NOTICE)
    assert notice.status == TaskStatus.OPEN
    assert notice.due_on > D(2027, 5, 12)


def test_a_withdrawn_award_whose_bonus_was_paid_keeps_the_payment_and_opens_a_task_for_the_county(
    family, rates, persona
):
    soldier = family["soldier"]
    approve(soldier)
    item = award(soldier, persona)
    bonus = BonusEntitlement.objects.get()
    benefits.pay_bonus(actor=persona("decheng"), entitlement=bonus, paid_on=D(2027, 6, 1), reference="R-1")
    withdraw(actor=persona("xinhu_clerk"), fact="award", obj=item, reason="奖励已被撤销")
    bonus.refresh_from_db()
    assert (bonus.status, bonus.amount, bonus.award) == (BonusStatus.PAID, Decimal("2000"), None)
    assert Task.objects.filter(
        kind=TaskKind.PAID_ITEM_CORRECTED, person=soldier, escalated_to=Escalation.COUNTY
    ).exists()


# --- 退出现役 / 牺牲病故 / 身份变化 --------------------------------------------------------------------


def test_a_corrected_discharge_date_moves_the_closing_the_identities_and_the_tasks(family, persona):
    soldier, father = family["soldier"], family["father"]
    approve(soldier)
    veterans.record_discharge(actor=None, person=soldier, on=D(2028, 9, 1), settlement_type="self_employed")
    discharge = in_force(EventKind.DISCHARGED, f"service:{ServiceRecord.objects.get(person=soldier).pk}")
    correct(
        actor=persona("xinhu_clerk"),
        fact="discharge",
        obj=discharge,
        values={"on": D(2028, 8, 20), "settlement_type": "self_employed", "discharge_certificate_no": "T-9"},
        reason="退役证日期为8月20日",
    )
    service = ServiceRecord.objects.get(person=soldier)
    assert (service.discharged_on, service.discharge_certificate_no) == (D(2028, 8, 20), "T-9")
    assert Identity.objects.get(person=soldier, kind=IdentityKind.VETERAN).since == D(2028, 8, 20)
    assert Identity.objects.get(person=father, kind=IdentityKind.MILITARY_FAMILY).until == D(2028, 8, 20)
    checkin = Task.objects.get(person=soldier, kind=TaskKind.DISCHARGE_CHECKIN)
    assert (checkin.status, checkin.due_on) == (TaskStatus.OPEN, D(2028, 9, 19))
    with pytest.raises(ValidationError, match="最新"):  # the first version is no longer in force
        withdraw(actor=persona("xinhu_clerk"), fact="discharge", obj=discharge, reason="x")


def test_a_withdrawn_discharge_makes_him_serving_again_and_cancels_the_veteran_tasks(family, persona):
    soldier, father = family["soldier"], family["father"]
    approve(soldier)
    veterans.record_discharge(actor=None, person=soldier, on=D(2028, 9, 1), settlement_type="self_employed")
    discharge = DomainEvent.objects.get(kind=EventKind.DISCHARGED)
    withdraw(actor=persona("xinhu_clerk"), fact="discharge", obj=discharge, reason="录错了人")
    assert ServiceRecord.objects.get(person=soldier).discharged_on is None
    assert current(soldier) == {IdentityKind.ACTIVE_SERVICEMEMBER}
    assert IdentityKind.MILITARY_FAMILY in current(father)
    assert not Task.objects.filter(person=soldier, kind=TaskKind.DISCHARGE_CHECKIN, status="open").exists()
    assert AllowancePeriod.objects.filter(person=soldier, status=PeriodStatus.CANCELLED).count() == 0


def test_a_death_corrected_to_another_subtype_changes_what_the_family_is(family, persona):
    soldier, father = family["soldier"], family["father"]
    approve(soldier)
    veterans.record_death(actor=None, person=soldier, on=D(2027, 5, 1), subtype="died_of_illness")
    death = DomainEvent.objects.get(kind=EventKind.DIED_IN_SERVICE)
    correct(
        actor=persona("xinhu_clerk"),
        fact="death",
        obj=death,
        values={"on": D(2027, 5, 1), "subtype": "martyr"},
        reason="已批准为烈士",
    )
    bereaved = Identity.objects.get(person=father, kind=IdentityKind.BEREAVED_FAMILY)
    assert bereaved.subtype == "martyr"
    assert Task.objects.filter(person=soldier, kind=TaskKind.CONDOLENCE_VISIT).count() == 1


def test_a_withdrawn_status_change_restores_the_allowance_and_the_service_type(family, persona):
    soldier = family["soldier"]
    approve(soldier)
    veterans.record_status_change(actor=None, person=soldier, on=D(2027, 5, 1), change="promoted_officer")
    assert AllowancePeriod.objects.filter(person=soldier, status=PeriodStatus.CANCELLED).count() == 2
    change = DomainEvent.objects.get(kind=EventKind.STATUS_CHANGED)
    withdraw(actor=persona("xinhu_clerk"), fact="status_change", obj=change, reason="提干未获批准")
    assert AllowancePeriod.objects.filter(person=soldier, status=PeriodStatus.SCHEDULED).count() == 4
    assert ServiceRecord.objects.get(person=soldier).service_type == "conscript"


# --- 退役报到, 优待证, 入伍礼包 ------------------------------------------------------------------------


def test_a_withdrawn_check_in_reopens_its_task_and_a_corrected_one_keeps_it_closed(family, persona):
    soldier = family["soldier"]
    approve(soldier)
    veterans.record_discharge(actor=None, person=soldier, on=D(2028, 9, 1), settlement_type="self_employed")
    checkin = veterans.record_checkin(actor=None, person=soldier, on=D(2028, 9, 10), documents=["file"])
    clerk = persona("xinhu_clerk")
    with pytest.raises(ValidationError, match="逾期原因"):
        correct(
            actor=clerk,
            fact="checkin",
            obj=checkin,
            values={"checked_in_on": D(2028, 11, 1), "documents": ["file"], "late_reason": ""},
            reason="x",
        )
    correct(
        actor=clerk,
        fact="checkin",
        obj=checkin,
        values={"checked_in_on": D(2028, 9, 12), "documents": ["file"], "late_reason": ""},
        reason="日期录错",
    )
    correct(
        actor=clerk,
        fact="checkin",
        obj=checkin,
        values={"checked_in_on": D(2028, 9, 11), "documents": ["file"], "late_reason": ""},
        reason="又录错了",
    )
    assert in_force(EventKind.CHECKIN_RECORDED, f"checkin:{checkin.pk}").occurred_on == D(2028, 9, 11)
    task = Task.objects.get(person=soldier, kind=TaskKind.DISCHARGE_CHECKIN)
    assert task.status == TaskStatus.DONE
    withdraw(actor=clerk, fact="checkin", obj=checkin, reason="报到的是另一人")
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN


def test_a_card_step_is_withdrawn_by_the_office_whose_step_it_was(family, persona, settings, tmp_path):
    from tests.veterans.conftest import photo_bytes
    from yizhan.veterans.models import CardStatus

    settings.DOCUMENTS_DIR = tmp_path
    soldier = family["soldier"]
    approve(soldier, on=D(2024, 9, 1))  # a veteran today, by the machine's clock
    veterans.record_discharge(actor=None, person=soldier, on=D(2026, 9, 1), settlement_type="self_employed")
    veterans.save_profile(actor=None, person=soldier, on=D(2026, 10, 1), category="discharged_soldier")
    clerk, county = persona("xinhu_clerk"), persona("decheng")
    card = veterans.apply_card(
        actor=clerk,
        person=soldier,
        on=D(2026, 10, 1),
        photo_content=photo_bytes((704, 880), "PNG"),
        photo_name="p.png",
    )
    with pytest.raises(ValidationError, match="没有可撤销"):
        withdraw(actor=clerk, fact="card_step", obj=card, reason="x")
    veterans.move_card(actor=clerk, card=card, to=CardStatus.COUNTY_REVIEW, on=D(2026, 10, 1))
    veterans.move_card(actor=county, card=card, to=CardStatus.IN_PRODUCTION, on=D(2026, 10, 2))
    with pytest.raises(PermissionDenied):
        withdraw(actor=clerk, fact="card_step", obj=card, reason="县里点错了")
    withdraw(actor=county, fact="card_step", obj=card, reason="审核通过点错了")
    card.refresh_from_db()
    assert card.status == CardStatus.COUNTY_REVIEW


def test_a_gift_pack_delivery_date_is_corrected(family, persona):
    from yizhan.care.services import record_gift_pack

    soldier = family["soldier"]
    approve(soldier)
    task = Task.objects.get(person=soldier, kind=TaskKind.GIFT_PACK)
    items = ["plaque", "service_guide", "policy_handbook"]
    delivery = record_gift_pack(
        actor=None, task=task, delivered_on=D(2026, 9, 5), received_by="商建国", items=items, signed=True
    )
    correct(
        actor=persona("xinhu_head"),
        fact="gift_pack",
        obj=delivery,
        values={"delivered_on": D(2026, 9, 3), "received_by": "商建国"},
        reason="送达日期录错",
    )
    delivery.refresh_from_db()
    assert delivery.delivered_on == D(2026, 9, 3)
    assert in_force(EventKind.GIFT_PACK_DELIVERED, f"gift_pack:{delivery.pk}").occurred_on == D(2026, 9, 3)


def test_a_withdrawn_return_of_a_recruit_opens_again_the_work_it_cancelled(candidate, advance, persona):
    from yizhan.benefits.models import HonorPlaque, PlaqueStatus
    from yizhan.people import services as people_services

    man = candidate.person
    people_services.create_household(actor=None, region=man.region, members=[man], head=man)
    candidate = advance(candidate, up_to=Stage.APPROVAL)
    household = type(man).objects.get(pk=man.pk).household
    assert HonorPlaque.objects.filter(household=household, status=PlaqueStatus.DUE).exists()
    candidate = conscription.record_stage(
        actor=None, candidate=candidate, stage=Stage.RETURNED, passed=False, on=D(2026, 9, 20), reason="复查"
    )
    cancelled = Task.objects.filter(person=man, status=TaskStatus.CANCELLED)
    assert {t.kind for t in cancelled} >= {TaskKind.GIFT_PACK, TaskKind.ALLOWANCE_RECIPIENT}
    assert not HonorPlaque.objects.filter(household=household).exists()

    head = persona("xinhu_head")
    withdraw(actor=head, fact="stage", obj=candidate.results.get(stage=Stage.RETURNED), reason="退兵录入错人")
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.ENLISTED
    assert IdentityKind.ACTIVE_SERVICEMEMBER in current(man, D(2026, 10, 1))
    reopened = Task.objects.filter(person=man, kind__in=[TaskKind.GIFT_PACK, TaskKind.ALLOWANCE_RECIPIENT])
    assert {t.status for t in reopened} == {TaskStatus.OPEN}
    assert all(t.cancelled_by == "" for t in reopened)
    assert HonorPlaque.objects.filter(household=household, status=PlaqueStatus.DUE).count() == 1


def test_a_gift_pack_delivery_recorded_by_mistake_is_withdrawn_and_its_plaque_is_due_again(family, persona):
    from yizhan.benefits.models import HonorPlaque, PlaqueStatus
    from yizhan.care.models import GiftPackDelivery
    from yizhan.care.services import record_gift_pack

    soldier, household = family["soldier"], family["household"]
    approve(soldier)
    task = Task.objects.get(person=soldier, kind=TaskKind.GIFT_PACK)
    items = ["plaque", "service_guide", "policy_handbook"]
    delivery = record_gift_pack(
        actor=None, task=task, delivered_on=D(2026, 9, 5), received_by="商建国", items=items, signed=True
    )
    plaque = HonorPlaque.objects.get(household=household)
    assert plaque.status == PlaqueStatus.HUNG
    plaque_task = plaque.task
    assert plaque_task.status == TaskStatus.DONE

    withdraw(actor=persona("xinhu_head"), fact="gift_pack", obj=delivery, reason="登记错了人家")
    assert not GiftPackDelivery.objects.filter(pk=delivery.pk).exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.OPEN
    plaque.refresh_from_db()
    assert (plaque.status, plaque.hung_on, plaque.hung_through) == (PlaqueStatus.DUE, None, "")
    plaque_task.refresh_from_db()
    assert plaque_task.status == TaskStatus.OPEN
    assert AuditEvent.objects.filter(action="withdrawal.gift_pack", reason="登记错了人家").count() == 1

    # Delivered for real afterwards: the plaque hangs again through the new delivery.
    record_gift_pack(
        actor=None, task=task, delivered_on=D(2026, 9, 9), received_by="商建国", items=items, signed=True
    )
    plaque.refresh_from_db()
    assert (plaque.status, plaque.hung_on) == (PlaqueStatus.HUNG, D(2026, 9, 9))


def test_an_employment_service_corrected_twice_is_recorded_again_each_time_then_withdrawn(family, persona):
    soldier = family["soldier"]
    approve(soldier)
    veterans.record_discharge(actor=None, person=soldier, on=D(2028, 9, 1), settlement_type="self_employed")
    job = veterans.add_employment_service(
        actor=None, person=soldier, kind="referral", on=D(2028, 9, 20), details="推荐物流岗位"
    )
    clerk = persona("xinhu_clerk")
    values = {"on": D(2028, 9, 21), "kind": "referral", "details": "推荐物流岗位", "outcome": ""}
    correct(actor=clerk, fact="employment", obj=job, values=values, reason="日期录错")
    correct(actor=clerk, fact="employment", obj=job, values={**values, "kind": "training"}, reason="类型录错")
    event = in_force(EventKind.EMPLOYMENT_SERVED, f"employment:{job.pk}")
    assert (event.key, event.occurred_on, event.payload["kind"]) == (
        f"employment:{job.pk}:c2",
        D(2028, 9, 21),
        "training",
    )
    withdraw(actor=clerk, fact="employment", obj=job, reason="登记错人")
    assert not soldier.employment_services.exists()


def test_an_assistance_application_is_corrected_but_withdrawn_only_before_its_assessment(family, persona):
    from yizhan.veterans.models import AssistanceStatus

    soldier = family["soldier"]
    clerk = persona("xinhu_clerk")
    case = veterans.open_assistance(
        actor=None, person=soldier, on=D(2028, 9, 20), hardship="因病", description="住院"
    )
    values = {"applied_on": D(2028, 9, 19), "hardship": "因病", "description": "父亲住院"}
    correct(actor=clerk, fact="assistance", obj=case, values=values, reason="情况补充")
    case.refresh_from_db()
    assert (case.applied_on, case.description) == (D(2028, 9, 19), "父亲住院")
    veterans.move_assistance(actor=clerk, case=case, to=AssistanceStatus.ASSESSED, note="属实")
    with pytest.raises(ValidationError, match="不能撤销申请"):
        withdraw(actor=clerk, fact="assistance", obj=case, reason="x")


EXERCISED = {
    "stage": test_a_stage_recorded_with_a_wrong_date_is_corrected_and_the_candidate_reaches_approval,
    "registration": test_a_registration_corrected_and_withdrawn_moves_and_takes_back_the_registrant_identity,
    "enlistment": test_a_corrected_enlistment_date_recounts_the_periods_not_yet_paid_and_tells_the_county_of_the_paid_one,
    "award": test_a_withdrawn_award_cancels_its_open_merit_notice_task_and_its_unpaid_bonus,
    "discharge": test_a_corrected_discharge_date_moves_the_closing_the_identities_and_the_tasks,
    "death": test_a_death_corrected_to_another_subtype_changes_what_the_family_is,
    "status_change": test_a_withdrawn_status_change_restores_the_allowance_and_the_service_type,
    "checkin": test_a_withdrawn_check_in_reopens_its_task_and_a_corrected_one_keeps_it_closed,
    "card_step": test_a_card_step_is_withdrawn_by_the_office_whose_step_it_was,
    "gift_pack": test_a_gift_pack_delivery_date_is_corrected,
    "employment": test_an_employment_service_corrected_twice_is_recorded_again_each_time_then_withdrawn,
    "assistance": test_an_assistance_application_is_corrected_but_withdrawn_only_before_its_assessment,
}

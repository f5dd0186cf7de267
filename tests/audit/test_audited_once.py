"""Every distinct write is audited exactly once: a table of the audit rows each service call must
leave, run in the order a person's life goes, compared with what the call wrote. Consequences a
fact sets off (rules.py) are counted with the fact: they are part of what the call writes.

One row per write and per person it concerns: a relation is one write seen from two people, so
each person's trail holds it once; a household formed of two people writes one row on each."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest

D = datetime.date


# Every public function of the services modules: run in the tables below, or why not.
COVERED = {
    "create_person", "update_person", "reveal", "create_household", "add_relation", "grant_identity",
    "set_household", "create_people",
    "end_identity", "add_service_record", "close_service_record", "add_award", "attach_document",
    "read_document", "merge_people",
    "record_award", "record_status_change", "record_discharge", "record_death", "record_checkin",
    "save_profile", "confirm_year", "add_employment_service", "open_assistance", "move_assistance",
    "apply_card", "move_card", "record_card_print", "record_view",
    "set_registration_year", "create_campaign", "set_township_quotas", "record_registration",
    "verify_registration", "apply", "record_stage", "record_stage_for_many", "close_campaign",
    "set_allowance_rate", "set_bonus_rate", "designate_recipient", "reveal_account", "generate_batch",
    "review_batch", "bank_file", "mark_batch_paid", "pay_bonus", "hang_plaque", "stop_periods",
    "record_merit_notice", "record_print", "record_gift_pack", "record_visit",
    "ensure_task", "claim", "assign", "complete", "cancel", "mark_overdue", "hand_back", "end_post",
    "set_calendar_day", "remove_calendar_day", "export_must_register", "set_policy_value",
    "delete_relation", "record_relation", "remove_relation", "withdraw_plaque_due",
    "correct", "withdraw",
    "update_household", "set_household_head", "correct_relation", "set_household_grid",
    "record_report_output",
    # test_audited_once_station.py
    "create_team", "add_member", "record_hours", "create_activity", "add_school", "add_household",
    "add_photo", "add_participant", "add_honor", "withdraw_honor", "receive_file", "lend_file",
    "return_file", "create_unit", "join", "carry_over", "leave", "register_equipment", "inspect",
    "load_region_list", "add_village", "rename_region", "enable", "verify", "renew_recovery_codes",
    "disable", "record_log_export", "save_grid_and_hand_over",
    "create_account", "create_user", "grant_post", "reset_password", "change_password", "set_locked",
    "link_person", "issue_api_token", "revoke_api_token", "issue_device", "revoke_device", "save_grid",
    "open_standard_windows", "sign_in", "issue_ticket", "call_next", "recall", "start_service",
    "finish_service", "mark_no_show", "transfer", "finish_with_case", "sign_out", "save_window", "set_override",
}  # fmt: skip
NOT_A_WRITE = {
    "prepare_person": "builds an unsaved person for the bulk paths (the import engineer's record_many)",
    "prepare_new": "builds a new person's row for create_people, which audits it",
    "person_rows": "a computation: create_people's insert rows (and the benchmark registry's)",
    "card_eligibility": "a read", "check_photo": "a check", "prefill": "a read",
    "propose_category": "a read", "card_steps": "a read",
    "read_photo": "a read: the page or print that embeds the photo is the audited act",
    "county_code_of": "a read", "current_conclusion": "a read", "open_campaign_for": "a read",
    "registration_kind": "a check", "suggest_split": "a computation", "log_due_on": "a computation",
    "add_months": "a computation", "period_bounds": "a computation", "normalize_account": "a check",
    "bonus_rate_for": "a read",
    "audit": "the audit helper itself", "audit_person": "the audit helper itself",
    "require_reason": "a check", "require_staff": "a check",
    "enter_open_campaign": "a rule effect, counted with record_registration's consequences",
    "schedule_periods": "a rule effect, counted with the enlistment that sets it off",
    "entitle_bonus": "a rule effect, counted with record_award",
    "register_plaque_due": "a rule effect, counted with the enlistment that sets it off",
    "emit": "counted with every fact that emits (event.<kind> in the tables)",
    "use_rules": "start-up wiring", "rules": "a read", "time_rules": "a read",
    "intake_date": "a computation", "registration_settings_for": "a read",
    "needs_home_service": "a computation", "photo_size": "a read", "delivery_level_for": "a read",
    "spec_of": "a read", "row_in_force": "a read", "policy_value": "a read", "values_visible_to": "a read",
    "may_read_policies": "a check", "readable_regions": "a read",
    "hang_with_gift_pack": "a rule effect's write, counted with record_gift_pack",
    "take_down_gift_pack_plaque": "a correction's rule effect, counted with correct/withdraw",
    "carry_forward": "a rule effect's write (once-for-good tasks), counted with the fact that sets it off",
    "follow_the_family": "a tick rule's write (待挂光荣牌随军人家庭迁户), audited once: tests/benefits/test_plaques.py",
    "move_to_household": "follow_the_family's task write, audited once with it: tests/benefits/test_plaques.py",
    "follow_grid": "set_household_grid's task write, audited once a task: tests/care/test_visits_follow_the_grid.py",
    "follow_liaison": "save_grid_and_hand_over's task write, audited once a task: tests/care/test_visits_follow_the_grid.py",
    "revoke_identity": "a correction's rule effect, counted with correct/withdraw",
    "reopen_identity": "a correction's rule effect, counted with correct/withdraw",
    "reopen_service_record": "a correction's rule effect, counted with correct/withdraw",
    "change_service_record": "a corrected enlistment's rule effect, counted with correct",
    "restore_periods": "a correction's rule effect, counted with correct/withdraw",
    "withdraw_unpaid_periods": "a correction's rule effect, counted with correct",
    "withdraw_bonus": "a correction's rule effect, counted with correct/withdraw",
    "is_paid": "a read", "retarget": "a corrected fact's rule effect (its tasks carried over)",
    "reopen": "a withdrawn check-in's write, counted with withdraw",
    "may_correct": "a check", "correctable": "a check", "shown": "formatting", "fact_of_event": "a read",
    "township_of": "a read", "roster_day": "a computation",
    "read_activity_photo": "a read: the page that shows the photo is the audited act",
    "deliver_gift_packs": "record_gift_pack for each task plus one activity row: tests/station/test_send_off.py",
    "upsert_region": "the step of load_region_list (which audits the load) and of the demo seed",
    "required_for": "a check", "enabled": "a read", "new_secret": "a computation", "secret_text": "formatting",
    "qr_data_uri": "formatting", "throttled": "a read",
    "first_password": "a computation", "user_for_token": "a read", "password_expired": "a check",
    "token_hash": "a computation",
    "window_for": "a read", "priority_of": "a computation", "signed_in": "a read",
    "claim_next": "call_next's claim (one statement), audited by call_next",
}  # fmt: skip
SERVICE_MODULES = [
    "yizhan.people.services", "yizhan.veterans.services", "yizhan.conscription.services",
    "yizhan.conscription.exports",
    "yizhan.benefits.services._base", "yizhan.benefits.services.allowance", "yizhan.benefits.services.honors",
    "yizhan.care.services", "yizhan.worklist.services", "yizhan.lifecycle.services",
    "yizhan.desk.corrections",
    "yizhan.core.policy_values",
    "yizhan.reports.services",
    "yizhan.station.services", "yizhan.militia.services", "yizhan.regions.services", "yizhan.accounts.otp",
    "yizhan.system.services", "yizhan.accounts.services", "yizhan.hall.services",
]  # fmt: skip


def test_every_service_is_in_the_table_or_says_why_not():
    import importlib
    import inspect

    public = {
        name
        for module in map(importlib.import_module, SERVICE_MODULES)
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and not name.startswith("_")
    }
    assert public - COVERED - set(NOT_A_WRITE) == set()
    assert COVERED | set(NOT_A_WRITE) <= public  # no stale names


@pytest.fixture
def village(world):
    from yizhan.regions.models import Region

    return Region.objects.get(code="371402001001")


def test_the_registrys_writes_are_audited_once_each(persona, village, steps, make_person, _private_data_dir):
    from yizhan.core.idnumber import make
    from yizhan.people import services as people

    head = persona("xinhu_head")
    number = make(area_code="371402", birth_date=D(1999, 5, 1), sex="M", sequence=401)
    man = steps.run(
        "create_person", {"person.create": 1},
        lambda: people.create_person(actor=head, name="商春旺", id_number=number, region=village),
    )  # fmt: skip
    man = steps.run(
        "update_person", {"person.update": 1},
        lambda: people.update_person(actor=head, person=man, expected_version=man.version, address="新湖1号"),
    )  # fmt: skip
    steps.run(
        "update_person unchanged", {},
        lambda: people.update_person(actor=head, person=man, expected_version=man.version, address="新湖1号"),
    )  # fmt: skip
    steps.run(
        "reveal",
        {"person.reveal": 1},
        lambda: people.reveal(actor=head, person=man, field="id_number", reason="核实"),
    )
    father = make_person(name="商建国", born=D(1970, 1, 1))
    household = steps.run(
        "create_household", {"household.create": 1, "person.household": 2},
        lambda: people.create_household(actor=head, region=village, members=[father, man], head=father),
    )  # fmt: skip
    steps.run(
        "create_household empty", {"household.create": 1},
        lambda: people.create_household(actor=head, region=village),
    )  # fmt: skip
    brother = make_person(name="商建军", born=D(1975, 1, 1))
    steps.run(
        "set_household", {"person.household": 1},
        lambda: people.set_household(actor=head, person=brother, household=household, head=False),
    )  # fmt: skip
    steps.run(
        "update_household", {"household.update": 1},
        lambda: people.update_household(actor=head, household=household, name="商家", address="新湖2号"),
    )  # fmt: skip
    steps.run(
        "update_household unchanged", {},
        lambda: people.update_household(actor=head, household=household, name="商家", address="新湖2号"),
    )  # fmt: skip
    from yizhan.regions.models import Grid

    grid = Grid.objects.create(village=village, name="第二网格")
    steps.run(
        "set_household_grid", {"household.grid": 1},
        lambda: people.set_household_grid(actor=head, household=household, grid=grid),
    )  # fmt: skip
    steps.run(
        "set_household_grid unchanged", {},
        lambda: people.set_household_grid(actor=head, household=household, grid=grid),
    )  # fmt: skip
    steps.run(  # one row on each person concerned: the old head and the new
        "set_household_head", {"person.household": 2},
        lambda: people.set_household_head(actor=head, household=household, head=brother),
    )  # fmt: skip
    two = [
        people.prepare_new(values={
            "name": name, "region": village,
            "id_number": make(area_code="371402", birth_date=D(2001, 5, 1), sex="M", sequence=sequence),
        })
        for name, sequence in (("商一", 402), ("商二", 403))
    ]  # fmt: skip
    steps.run("create_people", {"person.create": 2}, lambda: people.create_people(actor=head, prepared=two))
    steps.run(
        "add_relation", {"person.relation.add": 2},
        lambda: people.add_relation(actor=head, person=man, relative=father, kind="parent"),
    )  # fmt: skip
    steps.run(
        "delete_relation", {"person.relation.delete": 2},
        lambda: people.delete_relation(actor=head, relation=man.relations.get(), reason="录入错误"),
    )  # fmt: skip
    people.add_relation(actor=head, person=man, relative=father, kind="parent")
    identity = steps.run(
        "grant_identity", {"person.identity.grant": 1},
        lambda: people.grant_identity(actor=head, person=man, kind="veteran", since=D(2020, 1, 1), source="manual"),
    )  # fmt: skip
    steps.run(
        "grant_identity again", {},
        lambda: people.grant_identity(actor=head, person=man, kind="veteran", since=D(2020, 1, 1), source="manual"),
    )  # fmt: skip
    steps.run(
        "end_identity", {"person.identity.end": 1},
        lambda: people.end_identity(actor=head, identity=identity, until=D(2021, 1, 1), source="manual"),
    )  # fmt: skip
    service = steps.run(
        "add_service_record", {"person.service.add": 1},
        lambda: people.add_service_record(actor=head, person=man, enlisted_on=D(2017, 9, 1), service_type="conscript"),
    )  # fmt: skip
    steps.run(
        "close_service_record", {"person.service.close": 1},
        lambda: people.close_service_record(actor=head, service_record=service, on=D(2019, 9, 1)),
    )  # fmt: skip
    steps.run(
        "add_award", {"person.award.add": 1},
        lambda: people.add_award(actor=head, person=man, level="third_class", awarded_on=D(2018, 8, 1)),
    )  # fmt: skip
    document = steps.run(
        "attach_document", {"person.document.attach": 1},
        lambda: people.attach_document(actor=head, person=man, kind="other", title="证明", content=b"%PDF-1.4", filename="a.pdf"),
    )  # fmt: skip
    steps.run(
        "read_document",
        {"person.document.download": 1},
        lambda: people.read_document(actor=head, document=document),
    )
    steps.run("record_view", {"person.view": 1}, lambda: people.record_view(actor=head, person=man))
    twin = make_person(name="商春旺", born=D(1999, 5, 1))
    twin.id_number_enc, twin.id_number_bidx = "", None
    twin.save()
    steps.run(
        "merge_people", {"person.merge": 1, "person.merged_into": 1},
        lambda: people.merge_people(actor=head, keep=man, duplicate=twin, reason="重复登记"),
    )  # fmt: skip
    steps.check()


@pytest.fixture
def soldier(make_person, persona, today_is):
    """A conscript of 新湖 with his father in one household, approved on 1 September 2024."""
    from yizhan.benefits.models import AllowanceRate, BonusRate
    from yizhan.lifecycle.services import emit
    from yizhan.people import services as people

    today_is(D(2031, 12, 31))  # the scenario runs to 2027
    for year in (2024, 2025, 2026, 2027):
        AllowanceRate.objects.create(region_code="370000000000", year=year, annual_amount=Decimal("22000"))
        BonusRate.objects.create(
            region_code="371402000000", year=year, level="third_class", amount=Decimal("3000")
        )
    man = make_person(name="商春旺", born=D(2005, 3, 1))
    father = make_person(name="商建国", born=D(1975, 3, 1))
    people.add_relation(actor=None, person=man, relative=father, kind="parent")
    people.create_household(actor=None, region=man.region, members=[father, man], head=father)
    man.refresh_from_db()
    emit(kind="enlistment_approved", key="candidate:77", person=man, occurred_on=D(2024, 9, 1))
    return man


def test_the_family_facts_are_audited_once_each(soldier, persona, steps, make_person):
    from yizhan.lifecycle import services as lifecycle
    from yizhan.lifecycle.services import emit

    head = persona("xinhu_head")
    wife = make_person(name="李芳", born=D(2005, 6, 1), sex="F")
    relation = steps.run(
        "record_relation", {"person.relation.add": 2, "event.relation_recorded": 1, "person.identity.grant": 1},
        lambda: lifecycle.record_relation(actor=head, person=soldier, relative=wife, kind="spouse", on=D(2025, 5, 1)),
    )  # fmt: skip
    steps.run(
        "correct_relation", {"person.relation.correct": 2, "event.relation_corrected": 1, "person.identity.end": 1},
        lambda: lifecycle.correct_relation(actor=head, relation=relation, kind="sibling", seen_from=soldier, reason="录错关系", on=D(2025, 5, 20)),
    )  # fmt: skip
    steps.run(
        "remove_relation", {"person.relation.delete": 2, "event.relation_removed": 1},
        lambda: lifecycle.remove_relation(actor=head, relation=relation, reason="录入错误", on=D(2025, 6, 1)),
    )  # fmt: skip
    father = soldier.relations.get().relative
    steps.run(
        "update_person (lifecycle)", {"person.update": 1, "event.family_facts_changed": 1},
        lambda: lifecycle.update_person(actor=head, person=father, expected_version=father.version, birth_date=D(1975, 4, 1)),
    )  # fmt: skip
    steps.run(
        "withdraw_plaque_due with the 退兵 that sets it off",
        {"event.recruit_returned": 1, "person.service.close": 1, "task.cancel": 3, "person.identity.end": 2,
         "benefits.allowance.stop": 1, "benefits.plaque.withdraw": 1},
        lambda: emit(kind="recruit_returned", key="candidate:77", person=soldier, occurred_on=D(2024, 9, 20)),
    )  # fmt: skip
    steps.check()


def test_the_veterans_writes_are_audited_once_each(soldier, persona, steps, _private_data_dir):
    from tests.veterans.conftest import photo_bytes
    from yizhan.veterans import services as veterans
    from yizhan.veterans.models import CardStatus

    head, county = persona("xinhu_head"), persona("decheng")
    steps.run(
        "record_award", {"person.award.add": 1, "event.award_recorded": 1, "task.create": 1, "benefits.bonus.entitle": 1},
        lambda: veterans.record_award(actor=head, person=soldier, level="third_class", awarded_on=D(2025, 8, 1), received_on=D(2025, 8, 3)),
    )  # fmt: skip
    steps.run(
        "record_status_change", {"person.service.type": 1, "event.status_changed": 1, "benefits.allowance.stop": 1},
        lambda: veterans.record_status_change(actor=head, person=soldier, on=D(2025, 9, 1), change="nco_conversion"),
    )  # fmt: skip
    steps.run(
        "record_discharge",
        {"event.discharged": 1, "person.service.close": 1, "person.identity.end": 2, "person.identity.grant": 1, "task.create": 4},
        lambda: veterans.record_discharge(actor=head, person=soldier, on=D(2026, 9, 1), settlement_type="self_employed"),
    )  # fmt: skip
    steps.run(
        "record_checkin", {"veteran.checkin": 1, "event.checkin_recorded": 1, "task.complete": 1},
        lambda: veterans.record_checkin(actor=head, person=soldier, on=D(2026, 9, 10), documents=[]),
    )  # fmt: skip
    profile = steps.run(
        "save_profile create", {"veteran.profile.create": 1, "event.profile_recorded": 1, "task.complete": 1},
        lambda: veterans.save_profile(actor=head, person=soldier, on=D(2026, 9, 10), category="discharged_soldier"),
    )  # fmt: skip
    steps.run(
        "save_profile update", {"veteran.profile.update": 1},
        lambda: veterans.save_profile(actor=head, person=soldier, on=D(2026, 9, 11), category="discharged_soldier", housing="自有"),
    )  # fmt: skip
    steps.run(
        "confirm_year", {"veteran.confirm": 1},
        lambda: veterans.confirm_year(actor=head, profile=profile, year=2027, on=D(2027, 1, 5), alive=True),
    )  # fmt: skip
    steps.run(
        "add_employment_service", {"veteran.employment": 1, "event.employment_served": 1},
        lambda: veterans.add_employment_service(actor=head, person=soldier, kind="training", on=D(2026, 10, 1), details="电工"),
    )  # fmt: skip
    case = steps.run(
        "open_assistance", {"veteran.assistance.apply": 1, "event.assistance_applied": 1},
        lambda: veterans.open_assistance(actor=head, person=soldier, on=D(2026, 10, 1), hardship="医疗", description="住院"),
    )  # fmt: skip
    steps.run(
        "move_assistance", {"veteran.assistance.assessed": 1},
        lambda: veterans.move_assistance(actor=head, case=case, to="assessed", note="属实"),
    )  # fmt: skip
    card = steps.run(
        "apply_card", {"person.document.attach": 1, "card.accepted": 1, "event.card_accepted": 1},
        lambda: veterans.apply_card(actor=head, person=soldier, on=D(2026, 10, 2), photo_content=photo_bytes()),
    )  # fmt: skip
    steps.run(
        "move_card", {"card.county_review": 1},
        lambda: veterans.move_card(actor=head, card=card, to=CardStatus.COUNTY_REVIEW, on=D(2026, 10, 3)),
    )  # fmt: skip
    steps.run(
        "move_card by the county", {"card.in_production": 1},
        lambda: veterans.move_card(actor=county, card=card, to=CardStatus.IN_PRODUCTION, on=D(2026, 10, 4)),
    )  # fmt: skip
    steps.run(
        "move_card to 已到县", {"card.arrived": 1, "event.card_arrived": 1, "task.create": 1},
        lambda: veterans.move_card(actor=county, card=card, to=CardStatus.ARRIVED, on=D(2026, 10, 20)),
    )  # fmt: skip
    steps.run(
        "move_card to 已发放", {"card.issued": 1, "event.card_issued": 1, "task.complete": 1},
        lambda: veterans.move_card(actor=head, card=card, to=CardStatus.ISSUED, on=D(2026, 10, 22), signed_by="商春旺"),
    )  # fmt: skip
    steps.run(
        "record_card_print", {"print": 1},
        lambda: veterans.record_card_print(actor=head, card=card, full=True, purpose="存档"),
    )  # fmt: skip
    steps.check()


def test_a_death_in_service_is_audited_once_with_its_consequences(soldier, persona, steps):
    from yizhan.veterans import services as veterans

    steps.run(
        "record_death",
        {"event.died_in_service": 1, "person.service.close": 1, "person.identity.end": 2, "person.identity.grant": 2,
         "benefits.allowance.stop": 1, "task.create": 2},
        lambda: veterans.record_death(actor=persona("xinhu_head"), person=soldier, on=D(2025, 5, 1), subtype="martyr"),
    )  # fmt: skip
    steps.check()


def test_the_benefits_and_care_writes_are_audited_once_each(soldier, persona, steps):
    from yizhan.benefits import services as benefits
    from yizhan.benefits.models import BonusEntitlement
    from yizhan.care import services as care
    from yizhan.care.models import VisitReason
    from yizhan.veterans import services as veterans
    from yizhan.worklist.models import Task, TaskKind

    head, county = persona("xinhu_head"), persona("decheng")
    father = soldier.household.members.exclude(pk=soldier.pk).get()
    steps.run(
        "set_allowance_rate", {"benefits.allowance.rate": 1},
        lambda: benefits.set_allowance_rate(actor=county, region_code="371402000000", year=2028, annual_amount=Decimal("23000")),
    )  # fmt: skip
    steps.run(
        "set_bonus_rate", {"benefits.bonus.rate": 1},
        lambda: benefits.set_bonus_rate(actor=county, region_code="371402000000", year=2028, level="second_class", amount=Decimal("5000")),
    )  # fmt: skip
    recipient_task = Task.objects.get(person=soldier, kind=TaskKind.ALLOWANCE_RECIPIENT)
    designation = steps.run(
        "designate_recipient", {"benefits.allowance.recipient": 1, "event.recipient_named": 1, "task.complete": 1},
        lambda: benefits.designate_recipient(
            actor=head, servicemember=soldier, recipient=father, bank_name="农行", account="6228480012345678901",
            on=D(2024, 9, 5), task=recipient_task,
        ),
    )  # fmt: skip
    steps.run(
        "reveal_account", {"benefits.allowance.reveal": 1},
        lambda: benefits.reveal_account(actor=head, designation=designation, reason="核对退票"),
    )  # fmt: skip
    batch = steps.run(
        "generate_batch", {"benefits.batch.generate": 1},
        lambda: benefits.generate_batch(actor=county, county_code="371402000000", as_of=D(2025, 3, 15)).batch,
    )  # fmt: skip
    steps.run(
        "review_batch", {"benefits.batch.review": 1}, lambda: benefits.review_batch(actor=county, batch=batch)
    )
    steps.run(
        "bank_file",
        {"benefits.batch.export": 1},
        lambda: benefits.bank_file(actor=county, batch=batch, reason="银行代发"),
    )
    steps.run(
        "mark_batch_paid", {"benefits.batch.paid": 1},
        lambda: benefits.mark_batch_paid(actor=county, batch=batch, paid_on=D(2025, 3, 20), reference="回单1"),
    )  # fmt: skip
    award = veterans.record_award(
        actor=head, person=soldier, level="third_class", awarded_on=D(2025, 8, 1), received_on=D(2025, 8, 4)
    )
    entitlement = BonusEntitlement.objects.get(person=soldier)
    steps.run(
        "pay_bonus", {"benefits.bonus.pay": 1},
        lambda: benefits.pay_bonus(actor=county, entitlement=entitlement, paid_on=D(2025, 9, 1), reference="回单2"),
    )  # fmt: skip
    plaque_task = Task.objects.get(household=soldier.household, kind=TaskKind.HONOR_PLAQUE)
    steps.run(
        "hang_plaque", {"benefits.plaque.hang": 1, "event.plaque_hung": 1, "task.complete": 1},
        lambda: benefits.hang_plaque(
            actor=head, household=soldier.household, category="active", hung_on=D(2024, 9, 20),
            hung_by="街道武装部 李四", signed=True, task=plaque_task,
        ),
    )  # fmt: skip
    notice = steps.run(
        "record_merit_notice", {"care.merit_notice.deliver": 1, "task.complete": 1},
        lambda: care.record_merit_notice(
            actor=head, task=Task.objects.get(person=soldier, kind=TaskKind.MERIT_NOTICE), award=award,
            family_address="新湖路 1 号", delivered_on=D(2025, 8, 5), participants="区人武部 张某",
            logged_on=D(2025, 8, 5), family_signed=True, signer_name="商建国",
        ),
    )  # fmt: skip
    steps.run("record_print", {"print": 1}, lambda: care.record_print(actor=head, item=notice, layout="喜报"))
    steps.run(
        "record_gift_pack", {"care.gift_pack.deliver": 1, "task.complete": 1, "event.gift_pack_delivered": 1},
        lambda: care.record_gift_pack(
            actor=head, task=Task.objects.get(person=soldier, kind=TaskKind.GIFT_PACK), delivered_on=D(2024, 9, 3),
            received_by="商建国", items=["plaque", "service_guide", "policy_handbook"], signed=True,
        ),
    )  # fmt: skip
    steps.run(
        "record_visit", {"care.visit.record": 1},
        lambda: care.record_visit(
            actor=head, person=father, reason=VisitReason.SPRING_FESTIVAL, visited_on=D(2025, 1, 20),
            participants="社区 王某", money=Decimal("500"),
        ),
    )  # fmt: skip
    steps.run(
        "stop_periods", {"benefits.allowance.stop": 1},
        lambda: benefits.stop_periods(actor=head, person=soldier, on=D(2025, 9, 1), reason="选改军士"),
    )  # fmt: skip
    steps.check()


def test_the_worklists_writes_are_audited_once_each(soldier, persona, steps):
    from yizhan.accounts.models import Post
    from yizhan.worklist import services as worklist
    from yizhan.worklist.models import Task, TaskKind

    head, clerk = persona("xinhu_head"), persona("xinhu_clerk")
    task, _ = steps.run(
        "ensure_task", {"task.create": 1},
        lambda: worklist.ensure_task(
            kind=TaskKind.OTHER, rule="test", department="veterans", due_on=D(2024, 10, 1),
            region_code=soldier.region_id, person=soldier,
        ),
    )  # fmt: skip
    steps.run("claim", {"task.claim": 1}, lambda: worklist.claim(actor=clerk, task=task))
    steps.run("assign", {"task.assign": 1}, lambda: worklist.assign(actor=head, task=task, assignee=head))
    steps.run(
        "complete",
        {"task.complete": 1},
        lambda: worklist.complete(actor=head, task=task, outcome="已办", on=D(2024, 9, 30)),
    )
    other = Task.objects.get(person=soldier, kind=TaskKind.GIFT_PACK)
    steps.run("cancel", {"task.cancel": 1}, lambda: worklist.cancel(actor=head, task=other, reason="重复"))
    steps.run("mark_overdue", {"task.overdue": 1}, lambda: worklist.mark_overdue(today=D(2031, 1, 1)))
    plaque = Task.objects.get(household=soldier.household, kind=TaskKind.HONOR_PLAQUE)
    worklist.claim(actor=clerk, task=plaque)
    steps.run(
        "hand_back",
        {"task.hand_back": 1},
        lambda: worklist.hand_back(actor=None, post=Post.objects.get(user=clerk)),
    )
    worklist.claim(actor=clerk, task=plaque)
    steps.run(
        "end_post",
        {"post.end": 1, "task.hand_back": 1},
        lambda: worklist.end_post(actor=head, post=Post.objects.get(user=clerk)),
    )
    steps.check()


def test_the_conscription_writes_are_audited_once_each(persona, make_person, steps, today_is):
    from yizhan.conscription import exports
    from yizhan.conscription import services as conscription
    from yizhan.conscription.models import Stage
    from yizhan.regions.models import Region

    today_is(D(2031, 12, 31))
    county, head = persona("decheng"), persona("xinhu_head")
    steps.run(
        "set_registration_year", {"registration_year.create": 1},
        lambda: conscription.set_registration_year(actor=county, region_code="371402000000", year=2026, window_start=D(2026, 1, 1), window_end=D(2026, 10, 31)),
    )  # fmt: skip
    campaign = steps.run(
        "create_campaign", {"campaign.create": 1},
        lambda: conscription.create_campaign(
            actor=county, county=Region.objects.get(code="371402000000"), year=2026, half="H2",
            opens_on=D(2026, 5, 1), approval_on=D(2026, 9, 1), quota=10,
        ),
    )  # fmt: skip
    steps.run(
        "set_township_quotas", {"campaign.quota": 1},
        lambda: conscription.set_township_quotas(actor=county, campaign=campaign, quotas={"371402001000": 3}),
    )  # fmt: skip
    man = make_person(name="商春旺", born=D(2008, 3, 1))
    registration = steps.run(
        "record_registration", {"registration.record": 1, "event.registration_recorded": 1, "person.identity.grant": 1},
        lambda: conscription.record_registration(actor=head, person=man, on=D(2026, 4, 1), conclusion="liable"),
    )  # fmt: skip
    steps.run(
        "verify_registration", {"registration.verify": 1},
        lambda: conscription.verify_registration(actor=head, registration=registration, on=D(2027, 4, 1), conclusion="liable"),
    )  # fmt: skip
    candidate = steps.run(
        "apply", {"person.identity.grant": 1, "candidate.apply": 1}, lambda: conscription.apply(actor=head, person=man, campaign=campaign, on=D(2026, 5, 10))
    )  # fmt: skip
    steps.run(
        "record_stage", {"candidate.stage": 1},
        lambda: conscription.record_stage(actor=head, candidate=candidate, stage=Stage.PRESCREEN, passed=True, on=D(2026, 5, 11)),
    )  # fmt: skip
    steps.run(
        "record_stage_for_many", {"candidate.stage": 1},
        lambda: conscription.record_stage_for_many(actor=head, candidates=[candidate], stage=Stage.MEDICAL, passed=True, on=D(2026, 5, 12)),
    )  # fmt: skip
    steps.run(
        "close_campaign",
        {"campaign.close": 1},
        lambda: conscription.close_campaign(actor=county, campaign=campaign),
    )
    steps.run(
        "export_must_register", {"export": 1},
        lambda: exports.export_must_register(actor=head, year=2026, village="", target=io.StringIO()),
    )  # fmt: skip
    steps.check()


def test_the_calendars_writes_are_audited_once_each(persona, steps):
    from yizhan.lifecycle import services as lifecycle

    admin = persona("admin")
    steps.run(
        "set_calendar_day", {"calendar.set": 1},
        lambda: lifecycle.set_calendar_day(actor=admin, day=D(2027, 10, 8), kind="holiday", name="国庆节"),
    )  # fmt: skip
    steps.run(
        "remove_calendar_day",
        {"calendar.remove": 1},
        lambda: lifecycle.remove_calendar_day(actor=admin, day=D(2027, 10, 8)),
    )
    steps.check()


def test_a_correction_and_a_withdrawal_are_audited_once_with_what_they_reverse(persona, steps, make_person):
    from yizhan.desk.corrections import correct, withdraw
    from yizhan.lifecycle.services import emit
    from yizhan.veterans import services as veterans

    head = persona("xinhu_head")
    soldier = make_person(name="商春旺", born=D(2005, 3, 1))
    emit(kind="enlistment_approved", key="candidate:1", person=soldier, occurred_on=D(2024, 9, 1))
    award = veterans.record_award(actor=head, person=soldier, level="third_class", awarded_on=D(2025, 5, 1))
    steps.run(
        "correct award",
        {"correction.award": 1, "event.fact_corrected": 1, "event.award_recorded": 1,
         "benefits.bonus.withdraw": 1, "benefits.bonus.entitle": 1, "task.retarget": 1},
        lambda: correct(actor=head, fact="award", obj=award, reason="等级录错", values={
            "level": "second_class", "awarded_on": D(2025, 5, 1), "notice_number": "", "received_on": D(2025, 5, 3),
        }),
    )  # fmt: skip
    steps.run(
        "withdraw award",
        {"withdrawal.award": 1, "event.fact_withdrawn": 1, "benefits.bonus.withdraw": 1, "task.cancel": 1},
        lambda: withdraw(actor=head, fact="award", obj=award, reason="发错了人"),
    )  # fmt: skip
    steps.check()


def test_a_rule_value_change_is_audited_once(persona, steps):
    from yizhan.core.policy_values import set_policy_value

    steps.run(
        "set_policy_value", {"policy_value.set": 1},
        lambda: set_policy_value(
            actor=persona("decheng"), name="checkin.days", region_code="371402000000",
            effective_from=D(2026, 1, 1), value=45, reason="区政府文件",
        ),
    )  # fmt: skip
    steps.check()


def test_a_statistics_export_and_print_are_audited_once_each(persona, steps):
    from yizhan.reports.services import record_report_output

    head = persona("xinhu_head")
    for action in ("report.export", "report.print"):
        steps.run(
            f"record_report_output {action}", {action: 1},
            lambda action=action: record_report_output(
                actor=head, action=action, name="identities", region_code="371402001000", year=2026
            ),
        )  # fmt: skip
    steps.check()

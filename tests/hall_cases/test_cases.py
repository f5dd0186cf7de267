"""办件: a case opened at the desk or the window runs by its table, closes itself when its form
records the fact, ticks a bundle's steps, is rated once by the visitor, and a late 承诺件 reaches the
工作台."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.hall_cases.conftest import D
from tests.veterans.conftest import photo_bytes
from yizhan.audit.models import AuditEvent
from yizhan.core.flow import TransitionError
from yizhan.hall import case_services as cases
from yizhan.hall.models import ApplicantKind, CaseState, MaterialStatus, RatingLevel, ServiceCase
from yizhan.lifecycle.calendar import add_working_days
from yizhan.lifecycle.models import EventKind
from yizhan.veterans import services as veterans
from yizhan.worklist.models import TaskKind, TaskStatus


@pytest.fixture
def card_item(make_item):
    return make_item("YZ-S-03", "优待证申领", workflow="preferential_card", days=30)


def test_a_card_case_closes_itself_when_the_existing_form_accepts_the_application(
    card_item, veteran, persona, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    clerk = persona("xinhu_clerk")
    case = cases.open_case(actor=clerk, item=card_item, person=veteran)
    statuses = {m.material.name: m.status for m in case.materials.all()}
    assert statuses == {  # the catalog's materials of 优待证申领 (hall migration 0002)
        "居民身份证": MaterialStatus.ON_FILE,  # the registry holds his ID number
        "退出现役证明（退伍证）": MaterialStatus.ON_FILE,  # and his discharge
        "白底证件照（352×440 像素）": MaterialStatus.MISSING,
        "居民户口簿": MaterialStatus.MISSING,
        "立功受奖证书": MaterialStatus.MISSING,
    }
    assert [m.name for m in cases.missing_materials(case)] == [
        "白底证件照（352×440 像素）",
        "居民户口簿",
        "立功受奖证书",
    ]
    assert case.due_on == add_working_days(case.accepted_on, 30)
    veterans.save_profile(actor=clerk, person=veteran, on=D(2026, 10, 1), category="discharged_soldier")
    assert ServiceCase.objects.get(pk=case.pk).state == CaseState.ACCEPTED  # not this case's fact
    veterans.apply_card(
        actor=clerk, person=veteran, on=D(2026, 11, 2), photo_content=photo_bytes((704, 880), "PNG"),
        photo_name="p.png",
    )  # fmt: skip
    case.refresh_from_db()
    assert case.state == CaseState.DONE
    assert case.closed_by_event.kind == EventKind.CARD_ACCEPTED
    assert (
        AuditEvent.objects.filter(
            action="hall.case.done", object_type="service_case", object_id=str(case.pk)
        ).count()
        == 1
    )


def test_an_agent_is_named_with_the_relation_and_a_case_is_only_the_stations(card_item, veteran, persona):
    with pytest.raises(ValidationError) as raised:
        cases.open_case(
            actor=persona("xinhu_clerk"),
            item=card_item,
            person=veteran,
            applicant_kind=ApplicantKind.RELATIVE,
        )
    assert set(raised.value.message_dict) == {"applicant_name", "applicant_relation"}
    case = cases.open_case(
        actor=persona("xinhu_clerk"), item=card_item, person=veteran, applicant_kind=ApplicantKind.RELATIVE,
        applicant_name="商建国", applicant_relation="父亲",
    )  # fmt: skip
    assert (case.applicant_name, case.applicant_relation) == ("商建国", "父亲")
    with pytest.raises(PermissionDenied):
        cases.move_case(actor=persona("huaqiao_clerk"), case=case, to=CaseState.IN_PROGRESS)


def test_a_plain_case_runs_by_its_table_and_the_correction_stops_the_clock(
    make_item, veteran, persona, monkeypatch
):
    # An item of its own (the catalog's 民兵整组登记 is 即办件): a 承诺件 of 10 working days.
    item = make_item("YZ-T-01", "测试承诺件", days=10, owner="armed_forces")
    clerk = persona("xinhu_clerk")
    case = cases.open_case(actor=clerk, item=item, person=veteran)
    with pytest.raises(ValidationError, match="补正"):
        cases.move_case(actor=clerk, case=case, to=CaseState.CORRECTION)
    case = cases.move_case(actor=clerk, case=case, to=CaseState.CORRECTION, note="缺户口簿复印件")
    promised = case.due_on
    # Three working days later the materials arrive: the promised day moves on by three.
    later = add_working_days(case.accepted_on, 3)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: later)
    case = cases.move_case(actor=clerk, case=case, to=CaseState.IN_PROGRESS)
    assert case.due_on == add_working_days(promised, 3)
    with pytest.raises(TransitionError, match="不能从“办理中”转为“不予受理”"):
        cases.move_case(actor=clerk, case=case, to=CaseState.REFUSED, note="x")
    case = cases.move_case(actor=clerk, case=case, to=CaseState.DONE)
    assert case.state == CaseState.DONE and case.finished_on == later
    actions = list(
        AuditEvent.objects.filter(object_type="service_case", object_id=str(case.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["hall.case.open", "hall.case.correction", "hall.case.in_progress", "hall.case.done"]


def test_a_form_item_is_not_closed_by_hand(card_item, veteran, persona):
    case = cases.open_case(actor=persona("xinhu_clerk"), item=card_item, person=veteran)
    with pytest.raises(ValidationError, match="自动办结"):
        cases.move_case(actor=persona("xinhu_clerk"), case=case, to=CaseState.DONE)


def test_the_discharge_bundle_is_one_case_whose_steps_are_ticked_as_their_facts_are_recorded(
    make_item, veteran, persona
):
    from yizhan.hall.models import ServiceItem

    bundle = ServiceItem.objects.get(code="YZ-S-08")  # seeded by hall's migration
    clerk = persona("xinhu_clerk")
    case = cases.open_case(actor=clerk, item=bundle, person=veteran)
    assert [s.workflow for s in case.steps.all()] == [
        "checkin", "reserve_registration", "file_transfer", "profile_record", "preferential_card",
    ]  # fmt: skip
    veterans.record_checkin(actor=clerk, person=veteran, on=D(2026, 9, 10), documents=["file"])
    with pytest.raises(ValidationError, match="自动勾选"):
        cases.tick_step(actor=clerk, case=case, code="checkin")
    cases.tick_step(actor=clerk, case=case, code="reserve_registration")
    cases.tick_step(actor=clerk, case=case, code="file_transfer")
    case.refresh_from_db()
    assert case.state == CaseState.ACCEPTED
    veterans.save_profile(actor=clerk, person=veteran, on=D(2026, 9, 10), category="discharged_soldier")
    case.refresh_from_db()
    assert case.state == CaseState.DONE  # the 优待证 is offered, not required
    done = {s.workflow: bool(s.done_on) for s in case.steps.all()}
    assert done == {
        "checkin": True, "reserve_registration": True, "file_transfer": True, "profile_record": True,
        "preferential_card": False,
    }  # fmt: skip


def done_case(make_item, veteran, persona):
    item = make_item("YZ-S-07", "就业创业服务", workflow="employment")
    case = cases.open_case(actor=persona("xinhu_clerk"), item=item, person=veteran)
    veterans.add_employment_service(
        actor=persona("xinhu_clerk"), person=veteran, kind="referral", on=D(2026, 11, 2), details="推荐岗位"
    )
    case.refresh_from_db()
    assert case.state == CaseState.DONE
    return case


def test_a_bad_rating_opens_the_rectification_task_for_the_station_head(make_item, veteran, persona):
    case = done_case(make_item, veteran, persona)
    rating = cases.rate(
        case=case, level=RatingLevel.DISSATISFIED, indicators=["slow"], comment="等了很久", channel="pad"
    )
    rectification = rating.rectification
    task = rectification.task
    assert (task.kind, task.status, task.assignee) == (
        TaskKind.RATING_RECTIFICATION,
        TaskStatus.OPEN,
        persona("xinhu_head"),
    )
    assert task.due_on == add_working_days(timezone.localdate(rating.rated_at), 5)
    with pytest.raises(PermissionDenied):
        cases.record_rectification(
            actor=persona("xinhu_clerk"), rectification=rectification, check_note="属实", fix_note="增开窗口",
            return_visit_on=timezone.localdate(rating.rated_at), return_visit_note="满意",
        )  # fmt: skip
    with pytest.raises(ValidationError) as raised:
        cases.record_rectification(
            actor=persona("xinhu_head"), rectification=rectification, check_note="属实", fix_note="",
            return_visit_on=None, return_visit_note="",
        )  # fmt: skip
    assert set(raised.value.message_dict) == {"fix_note", "return_visit_on", "return_visit_note"}
    cases.record_rectification(
        actor=persona("xinhu_head"), rectification=rectification, check_note="属实", fix_note="高峰期增开窗口",
        return_visit_on=timezone.localdate(rating.rated_at), return_visit_note="电话回访，本人表示认可",
    )  # fmt: skip
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_the_county_sets_how_long_the_station_has_to_rectify(make_item, veteran, persona, county_sets):
    county_sets("hall.rectification_working_days", 10)
    case = done_case(make_item, veteran, persona)
    rating = cases.rate(
        case=case, level=RatingLevel.VERY_DISSATISFIED, indicators=[], comment="", channel="pad"
    )
    assert rating.rectification.task.due_on == add_working_days(timezone.localdate(rating.rated_at), 10)


def test_a_good_rating_opens_nothing_and_a_case_is_rated_only_once(make_item, veteran, persona):
    case = done_case(make_item, veteran, persona)
    rating = cases.rate(
        case=case, level=RatingLevel.SATISFIED, indicators=["once"], comment="", channel="pad"
    )
    assert not hasattr(rating, "rectification") or rating.rectification is None
    with pytest.raises(ValidationError, match="已经评价"):
        cases.rate(case=case, level=RatingLevel.VERY_DISSATISFIED, indicators=[], comment="", channel="qr")


def test_the_printed_qr_token_rates_once(make_item, veteran, persona):
    case = done_case(make_item, veteran, persona)
    token = cases.issue_rating_token(actor=persona("xinhu_clerk"), case=case)
    assert cases.case_for_token(token) == case
    cases.rate(case=case, level=RatingLevel.VERY_SATISFIED, indicators=[], comment="", channel="qr")
    assert cases.case_for_token(token) is None


def test_a_promised_case_past_its_limit_is_marked_by_tick_and_on_the_desk(
    make_item, veteran, persona, login_as
):
    from django.core.management import call_command

    item = make_item("YZ-S-06", "帮扶援助申请", workflow="assistance", days=15)
    case = cases.open_case(actor=persona("xinhu_clerk"), item=item, person=veteran)
    late = case.due_on + datetime.timedelta(days=1)
    call_command("tick", today=late.isoformat(), stdout=io.StringIO())
    case.refresh_from_db()
    assert case.overdue_since == late
    page = login_as("xinhu_clerk").get(reverse("core:home")).content.decode()
    assert "承诺件已超期" in page
    listing = login_as("xinhu_clerk").get(reverse("hall_cases:list") + "?overdue=1").content.decode()
    assert "帮扶援助申请" in listing and "商春旺" in listing

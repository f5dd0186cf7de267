import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from tests.veterans.conftest import photo_bytes
from yizhan.accounts.models import User
from yizhan.accounts.roles import Department, Role
from yizhan.accounts.services import create_user, grant_post
from yizhan.audit.models import AuditEvent
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people import services as people_services
from yizhan.people.models import Identity, IdentityKind, Person
from yizhan.veterans import services
from yizhan.veterans.models import CardStatus, CardType, PreferentialCard, ProfileCategory
from yizhan.worklist.models import Escalation, Task, TaskKind, TaskStatus
from yizhan.worklist.services import end_post

DISCHARGED = datetime.date(2026, 9, 1)


def current(person, today=datetime.date(2026, 10, 1)):
    return {i.kind for i in Identity.objects.filter(Identity.current_q(today), person=person)}


def test_a_discharge_makes_a_veteran_and_sets_off_the_station_and_armed_forces_tasks(serving, persona):
    service = services.record_discharge(
        actor=persona("xinhu_clerk"),
        person=serving,
        on=DISCHARGED,
        settlement_type="self_employed",
        certificate_no="退字001",
    )
    assert (service.discharged_on, service.settlement_type) == (DISCHARGED, "self_employed")
    assert current(serving) == {IdentityKind.VETERAN}
    father = Person.objects.get(name="商建国")
    assert IdentityKind.MILITARY_FAMILY not in current(father)
    event = DomainEvent.objects.get(kind=EventKind.DISCHARGED)
    tasks = {t.kind: t for t in Task.objects.filter(cause=event)}
    assert set(tasks) == {
        TaskKind.DISCHARGE_CHECKIN,
        TaskKind.RESERVE_REGISTRATION,
        TaskKind.FILE_TRANSFER,
        TaskKind.PROFILE_RECORD,
    }
    assert tasks[TaskKind.DISCHARGE_CHECKIN].due_on == datetime.date(2026, 10, 1)
    assert tasks[TaskKind.RESERVE_REGISTRATION].department == "armed_forces"
    # The household already has its plaque task from the enlistment: it is never replaced.
    assert Task.objects.filter(kind=TaskKind.HONOR_PLAQUE).count() == 1


def test_family_stays_military_family_while_another_member_serves(serving, make_person):
    from yizhan.lifecycle.services import emit
    from yizhan.people import services as people_services
    from yizhan.people.models import RelationKind

    brother = make_person(name="商春雷", born=datetime.date(2003, 3, 1))
    father = Person.objects.get(name="商建国")
    people_services.add_relation(actor=None, person=brother, relative=father, kind=RelationKind.PARENT)
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:2",
        person=brother,
        occurred_on=datetime.date(2025, 3, 1),
    )
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    held = Identity.objects.filter(
        Identity.current_q(datetime.date(2026, 10, 1)), person=father, kind=IdentityKind.MILITARY_FAMILY
    )
    assert [i.through for i in held] == [brother]


def test_discharging_twice_is_refused(serving):
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    with pytest.raises(ValidationError, match="没有服役中的记录"):
        services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")


def test_a_checkin_closes_its_task_and_a_late_one_needs_a_reason(serving):
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    with pytest.raises(ValidationError) as caught:
        services.record_checkin(
            actor=None, person=serving, on=datetime.date(2026, 10, 15), documents=["discharge_certificate"]
        )
    assert "逾期原因" in caught.value.message_dict["late_reason"][0]
    services.record_checkin(
        actor=None,
        person=serving,
        on=datetime.date(2026, 10, 15),
        documents=["discharge_certificate"],
        late_reason="住院治疗",
    )
    assert Task.objects.get(kind=TaskKind.DISCHARGE_CHECKIN).status == TaskStatus.DONE


def checkin_task_after_tick(on: str) -> Task:
    call_command("tick", today=on)
    return Task.objects.get(kind=TaskKind.DISCHARGE_CHECKIN)


def appoint_head(username: str = "xinhu_head2") -> User:
    head = create_user(actor=None, username=username, display_name="新站长", password="x" * 12)
    grant_post(
        actor=None, user=head, role=Role.STATION_HEAD, department=Department.BOTH, region_code="371402001000"
    )
    return head


def test_an_overdue_checkin_is_escalated_to_the_station_head_once(serving, persona):
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    task = checkin_task_after_tick("2026-10-05")
    assert (task.escalated_to, task.assignee) == (Escalation.HEAD, persona("xinhu_head"))
    checkin_task_after_tick("2026-10-06")
    assert AuditEvent.objects.filter(action="task.escalate").count() == 1


def test_a_checkin_is_not_escalated_before_it_is_overdue(serving):
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    task = checkin_task_after_tick("2026-09-30")  # due on the 30th day, 2026-10-01
    assert (task.escalated_to, task.assignee) == ("", None)


def test_with_no_station_head_an_overdue_checkin_goes_to_the_county_officer_then_to_a_head_appointed_later(
    serving, persona
):
    end_post(actor=None, post=persona("xinhu_head").posts.get())
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    task = checkin_task_after_tick("2026-10-05")
    assert (task.escalated_to, task.assignee) == (Escalation.COUNTY, persona("decheng"))
    checkin_task_after_tick("2026-10-06")
    assert AuditEvent.objects.filter(action="task.escalate").count() == 1
    head = appoint_head()
    task = checkin_task_after_tick("2026-10-07")
    assert (task.escalated_to, task.assignee) == (Escalation.HEAD, head)
    checkin_task_after_tick("2026-10-08")
    assert AuditEvent.objects.filter(action="task.escalate").count() == 2


def test_an_escalated_checkin_handed_back_when_the_head_leaves_reaches_the_next_head(serving, persona):
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    checkin_task_after_tick("2026-10-05")
    end_post(actor=None, post=persona("xinhu_head").posts.get())
    assert Task.objects.get(kind=TaskKind.DISCHARGE_CHECKIN).assignee is None  # handed back
    head = appoint_head()
    task = checkin_task_after_tick("2026-10-06")
    assert (task.escalated_to, task.assignee) == (Escalation.HEAD, head)


def test_with_neither_a_head_nor_a_county_officer_the_checkin_waits_for_whoever_comes_first(serving, persona):
    end_post(actor=None, post=persona("xinhu_head").posts.get())
    end_post(actor=None, post=persona("decheng").posts.get())
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    task = checkin_task_after_tick("2026-10-05")
    assert (task.escalated_to, task.assignee) == ("", None)
    assert not AuditEvent.objects.filter(action="task.escalate").exists()
    head = appoint_head()
    assert checkin_task_after_tick("2026-10-06").assignee == head


def test_a_death_in_service_makes_the_family_bereaved_and_creates_the_visits(serving):
    services.record_death(actor=None, person=serving, on=datetime.date(2026, 5, 1), subtype="martyr")
    father = Person.objects.get(name="商建国")
    held = Identity.objects.filter(Identity.current_q(datetime.date(2026, 6, 1)), person=father)
    assert {(i.kind, i.subtype) for i in held} == {
        (IdentityKind.BEREAVED_FAMILY, "martyr"),
        (IdentityKind.PRIORITY_ENTITLED, ""),
    }
    assert {t.kind for t in Task.objects.filter(cause__kind=EventKind.DIED_IN_SERVICE)} == {
        TaskKind.CONDOLENCE_VISIT,
        TaskKind.COMPENSATION,
    }


def test_an_award_gives_one_merit_notice_task_due_in_two_working_days(serving):
    award = services.record_award(
        actor=None,
        person=serving,
        level="third_class",
        awarded_on=datetime.date(2026, 11, 20),
        received_on=datetime.date(2026, 11, 27),
    )
    [task] = Task.objects.filter(kind=TaskKind.MERIT_NOTICE)
    assert (task.due_on, task.department, task.cause.payload["award"]) == (
        datetime.date(2026, 12, 1),
        "joint",
        award.pk,
    )


def veteran_with_profile(serving):
    services.record_discharge(
        actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed", certificate_no="退字001"
    )
    services.save_profile(
        actor=None, person=serving, on=DISCHARGED, category=ProfileCategory.DISCHARGED_SOLDIER
    )
    return serving


def test_the_card_needs_a_veteran_or_bereaved_identity_and_a_profile_first(serving):
    assert services.card_eligibility(serving)[0] is None
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed")
    assert "建档立卡" in services.card_eligibility(serving)[1]
    services.save_profile(
        actor=None, person=serving, on=DISCHARGED, category=ProfileCategory.DISCHARGED_SOLDIER
    )
    assert services.card_eligibility(serving) == (CardType.VETERAN, "")
    assert Task.objects.get(kind=TaskKind.PROFILE_RECORD).status == TaskStatus.DONE


def test_the_application_is_filled_from_the_registry(serving):
    veteran_with_profile(serving)
    known = services.prefill(serving)
    assert (
        known["name"],
        known["enlisted_on"],
        known["discharged_on"],
        known["discharge_certificate_no"],
    ) == ("商春旺", "2024-09-01", "2026-09-01", "退字001")
    assert known["id_number_masked"].startswith("371402********")


@pytest.mark.parametrize(("size", "message"), [((400, 400), "比例不符"), ((176, 220), "太小")])
def test_a_photo_of_the_wrong_shape_or_size_is_refused(serving, size, message):
    veteran_with_profile(serving)
    with pytest.raises(ValidationError, match=message):
        services.apply_card(actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes(size))


@pytest.mark.parametrize(
    ("photo", "message"),
    [
        ({"background": (90, 90, 95)}, "背景偏暗"),
        ({"background": (170, 170, 170)}, "背景偏暗"),
        ({"blot": ((0.0, 0.0, 0.12, 0.35), (80, 80, 80))}, "背景不均匀"),
        ({"blot": ((0.85, 0.05, 1.0, 0.5), (150, 40, 40))}, "背景不均匀"),
    ],
)
def test_a_photo_without_a_light_even_background_is_refused(serving, photo, message):
    veteran_with_profile(serving)
    with pytest.raises(ValidationError, match=message):
        services.apply_card(actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes(**photo))


@pytest.mark.parametrize("background", ["white", (236, 240, 245)])
def test_a_portrait_on_a_light_even_background_is_accepted(serving, settings, tmp_path, background):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    card = services.apply_card(
        actor=None,
        person=serving,
        on=DISCHARGED,
        photo_content=photo_bytes((704, 880), background=background),
    )
    assert card.status == CardStatus.ACCEPTED


@pytest.fixture
def elderly_veteran(make_person):
    """A veteran born on 1 June 1946, with his profile record."""
    veteran = make_person(name="商老兵", born=datetime.date(1946, 6, 1))
    people_services.grant_identity(
        actor=None,
        person=veteran,
        kind=IdentityKind.VETERAN,
        since=datetime.date(1968, 3, 1),
        source="manual",
    )
    services.save_profile(
        actor=None, person=veteran, on=datetime.date(2020, 1, 1), category=ProfileCategory.DISCHARGED_SOLDIER
    )
    return veteran


@pytest.mark.parametrize(
    ("applied_on", "bed_bound", "home"),
    [
        (datetime.date(2026, 5, 31), False, False),  # 79 the day before his birthday
        (datetime.date(2026, 6, 1), False, True),  # 80 on it
        (datetime.date(2026, 5, 31), True, True),
    ],
)
def test_home_service_is_for_applicants_aged_80_or_over_or_bed_bound(
    elderly_veteran, settings, tmp_path, applied_on, bed_bound, home
):
    settings.DOCUMENTS_DIR = tmp_path
    card = services.apply_card(
        actor=None, person=elderly_veteran, on=applied_on, photo_content=photo_bytes(), bed_bound=bed_bound
    )
    assert (card.home_service, card.bed_bound) == (home, bed_bound)


def test_a_young_veteran_who_is_not_bed_bound_gets_no_home_service(serving, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    card = services.apply_card(actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes())
    assert card.home_service is False


def test_the_application_form_records_bed_bound_and_the_card_says_home_service(
    serving, login_as, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    client = login_as("xinhu_clerk")
    photo = SimpleUploadedFile("p.jpg", photo_bytes(), content_type="image/jpeg")
    response = client.post(
        f"/veterans/people/{serving.pk}/card/",
        {"photo": photo, "applicant": "本人", "bed_bound": "on", "on": "2026-09-10"},
    )
    card = PreferentialCard.objects.get()
    assert response.status_code == 302 and (card.bed_bound, card.home_service) == (True, True)
    assert "上门服务（卧床）" in client.get(response["Location"]).content.decode()


def test_refusal_grounds_stop_the_application(serving):
    veteran_with_profile(serving)
    with pytest.raises(ValidationError, match="正在服刑"):
        services.apply_card(
            actor=None,
            person=serving,
            on=DISCHARGED,
            photo_content=photo_bytes(),
            refusal_grounds=["serving_sentence"],
        )


def test_the_card_goes_from_acceptance_to_handing_out_with_each_step_by_its_office(
    serving, persona, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    clerk, county = persona("xinhu_clerk"), persona("decheng")
    card = services.apply_card(
        actor=clerk,
        person=serving,
        on=DISCHARGED,
        photo_content=photo_bytes((704, 880), "PNG"),
        photo_name="p.png",
    )
    assert card.status == CardStatus.ACCEPTED
    services.move_card(actor=clerk, card=card, to=CardStatus.COUNTY_REVIEW, on=DISCHARGED)
    with pytest.raises(PermissionDenied):
        services.move_card(actor=clerk, card=card, to=CardStatus.IN_PRODUCTION, on=DISCHARGED)
    services.move_card(actor=county, card=card, to=CardStatus.IN_PRODUCTION, on=DISCHARGED)
    services.move_card(actor=county, card=card, to=CardStatus.ARRIVED, on=DISCHARGED)
    with pytest.raises(ValidationError, match="签收"):
        services.move_card(actor=clerk, card=card, to=CardStatus.ISSUED, on=DISCHARGED)
    services.move_card(actor=clerk, card=card, to=CardStatus.ISSUED, on=DISCHARGED, signed_by="商春旺")
    assert (card.status, card.receipt_signed_by) == (CardStatus.ISSUED, "商春旺")
    with pytest.raises(ValidationError, match="不能从"):
        services.move_card(actor=clerk, card=card, to=CardStatus.RETURNED, on=DISCHARGED, reason="x")


def test_a_returned_card_names_its_reason_and_can_be_accepted_again(serving, persona, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    veteran_with_profile(serving)
    card = services.apply_card(actor=None, person=serving, on=DISCHARGED, photo_content=photo_bytes())
    with pytest.raises(ValidationError):
        services.move_card(actor=persona("xinhu_clerk"), card=card, to=CardStatus.RETURNED, on=DISCHARGED)
    services.move_card(
        actor=persona("xinhu_clerk"),
        card=card,
        to=CardStatus.RETURNED,
        on=DISCHARGED,
        reason="照片背景不是白色",
    )
    assert card.return_reason == "照片背景不是白色"
    services.move_card(actor=persona("xinhu_clerk"), card=card, to=CardStatus.ACCEPTED, on=DISCHARGED)
    assert card.status == CardStatus.ACCEPTED


def test_assistance_moves_only_along_its_flow(serving):
    from yizhan.veterans.models import AssistanceStatus

    case = services.open_assistance(
        actor=None, person=serving, on=DISCHARGED, hardship="因病", description="父亲住院"
    )
    with pytest.raises(ValidationError, match="不能从"):
        services.move_assistance(actor=None, case=case, to=AssistanceStatus.PAID)
    services.move_assistance(actor=None, case=case, to=AssistanceStatus.ASSESSED, note="属实")
    services.move_assistance(actor=None, case=case, to=AssistanceStatus.APPROVED, note="同意", amount=2000)
    services.move_assistance(
        actor=None, case=case, to=AssistanceStatus.PAID, on=DISCHARGED, reference="凭-01"
    )
    assert case.status == AssistanceStatus.PAID


def test_the_yearly_confirmation_is_recorded_from_the_person_page_once_a_year(serving, login_as):
    veteran_with_profile(serving)
    client = login_as("xinhu_clerk")
    page = client.get(f"/people/{serving.pk}/?tab=benefits").content.decode()
    assert 'data-testid="confirm-form"' in page and "本户荣誉墙" in page
    form = {"year": 2026, "on": "2026-11-02", "alive": "on", "status_note": "健在，务农"}
    client.post(f"/veterans/people/{serving.pk}/confirm/", form)
    client.post(f"/veterans/people/{serving.pk}/confirm/", form)
    assert serving.profile_record.confirmations.count() == 1
    assert "2026 年已确认" in client.get(f"/people/{serving.pk}/?tab=benefits").content.decode()

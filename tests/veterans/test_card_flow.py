"""The 优待证 without dead ends: a missing 建档立卡 is done on the application page, each office sees
the buttons of its own steps only, the station is handed the card when it 已到县, and the printed
申请表 carries the photo and — asked for with a purpose — the full ID number."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.veterans.conftest import photo_bytes
from yizhan.audit.models import AuditEvent
from yizhan.lifecycle.models import DomainEvent, EventKind
from yizhan.people.models import BereavedSubtype, IdentityKind
from yizhan.people.services import grant_identity
from yizhan.veterans import services
from yizhan.veterans.models import CardStatus, PreferentialCard, ProfileCategory, ProfileRecord
from yizhan.worklist.models import Task, TaskDepartment, TaskKind, TaskStatus

DISCHARGED = datetime.date(2026, 9, 1)


@pytest.fixture
def veteran(serving):
    """Discharged, without 建档立卡."""
    services.record_discharge(
        actor=None, person=serving, on=DISCHARGED, settlement_type="self_employed", certificate_no="退字001"
    )
    return serving


@pytest.fixture
def card(veteran, persona, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    services.save_profile(
        actor=None, person=veteran, on=DISCHARGED, category=ProfileCategory.DISCHARGED_SOLDIER
    )
    return services.apply_card(
        actor=persona("xinhu_clerk"), person=veteran, on=DISCHARGED, photo_content=photo_bytes()
    )


# --- 建档立卡 in place ------------------------------------------------------------------------


def test_a_veteran_without_a_profile_gets_it_on_the_card_page_and_goes_on_to_the_card_form(veteran, login_as):
    client = login_as("xinhu_clerk")
    url = f"/veterans/people/{veteran.pk}/card/"
    page = client.get(url).content.decode()
    assert 'data-testid="profile-form"' in page and 'data-testid="card-form"' not in page
    assert '<option value="discharged_soldier" selected>退役士兵</option>' in page

    response = client.post(url, {"step": "profile", "profile-category": ProfileCategory.DISCHARGED_SOLDIER})

    assert response.status_code == 302 and response["Location"] == url
    assert ProfileRecord.objects.get(person=veteran).category == ProfileCategory.DISCHARGED_SOLDIER
    assert Task.objects.get(person=veteran, kind=TaskKind.PROFILE_RECORD).status == TaskStatus.DONE
    page = client.get(url).content.decode()
    assert 'data-testid="card-form"' in page and "退役军人优待证" in page


def test_a_refused_profile_stays_on_the_card_page_with_the_error(veteran, login_as):
    client = login_as("xinhu_clerk")
    response = client.post(
        f"/veterans/people/{veteran.pk}/card/", {"step": "profile", "profile-category": "nonsense"}
    )
    assert response.status_code == 200 and 'data-testid="profile-form"' in response.content.decode()
    assert not ProfileRecord.objects.filter(person=veteran).exists()


@pytest.mark.parametrize(
    ("settlement", "service_type", "expected"),
    [
        ("self_employed", "conscript", ProfileCategory.DISCHARGED_SOLDIER),
        ("transferred", "officer", ProfileCategory.TRANSFERRED_OFFICER),
        ("retired", "nco", ProfileCategory.RETIRED_CADRE),
        ("demobilized", "conscript", ProfileCategory.DEMOBILIZED),
        ("assigned_job", "officer", ProfileCategory.TRANSFERRED_OFFICER),
    ],
)
def test_the_category_is_proposed_from_the_service_record(serving, settlement, service_type, expected):
    serving.service_records.update(service_type=service_type)
    services.record_discharge(actor=None, person=serving, on=DISCHARGED, settlement_type=settlement)
    assert services.propose_category(serving) == expected


def test_a_martyrs_family_is_proposed_as_such(make_person):
    mother = make_person(name="王秀英", born=datetime.date(1970, 3, 1), sex="F")
    grant_identity(
        actor=None, person=mother, kind=IdentityKind.BEREAVED_FAMILY, subtype=BereavedSubtype.MARTYR,
        since=DISCHARGED, source="manual",
    )  # fmt: skip
    assert services.propose_category(mother) == ProfileCategory.MARTYR_FAMILY
    assert services.card_eligibility(mother).needs_profile


def test_a_card_in_progress_is_said_before_anything_is_asked(card, login_as):
    page = login_as("xinhu_clerk").get(f"/veterans/people/{card.person_id}/card/").content.decode()
    assert "已申领优待证" in page and 'data-testid="profile-form"' not in page
    assert f'href="/veterans/cards/{card.pk}/">查看办理进度（受理）' in page


# --- each office its own steps --------------------------------------------------------------


def buttons(client, card) -> set[str]:
    page = client.get(f"/veterans/cards/{card.pk}/").content.decode()
    return {to for to in CardStatus.values if f'data-testid="card-action-{to}"' in page}


def test_each_office_sees_only_the_buttons_of_its_own_steps(card, login_as, persona):
    clerk, county = login_as("xinhu_clerk"), login_as("decheng")
    assert buttons(clerk, card) == {CardStatus.COUNTY_REVIEW, CardStatus.RETURNED}
    assert buttons(county, card) == set()
    assert "下一步由乡镇（街道）服务站办理" in county.get(f"/veterans/cards/{card.pk}/").content.decode()

    services.move_card(actor=persona("xinhu_clerk"), card=card, to=CardStatus.COUNTY_REVIEW, on=DISCHARGED)
    assert buttons(clerk, card) == set()
    assert "下一步由县级退役军人事务部门办理" in clerk.get(f"/veterans/cards/{card.pk}/").content.decode()
    assert buttons(county, card) == {CardStatus.IN_PRODUCTION, CardStatus.RETURNED}


def test_the_step_table_and_the_service_agree_on_who_may_move_the_card(card, persona):
    """Every step of CARD_FLOW: the office the page offers it to may take it, any other is refused."""
    users = [persona(name) for name in ("xinhu_clerk", "xinhu_head", "decheng", "xinhu_village")]
    path = [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION, CardStatus.ARRIVED, CardStatus.ISSUED]
    for to in path:
        offered = [u for u in users if to in services.card_steps(user=u, card=card)]
        assert offered, f"no one is offered {to}"
        for user in users:
            if user in offered:
                continue
            with pytest.raises(PermissionDenied):
                services.move_card(actor=user, card=card, to=to, on=DISCHARGED, signed_by="商春旺")
        services.move_card(actor=offered[0], card=card, to=to, on=DISCHARGED, signed_by="商春旺")
    assert card.status == CardStatus.ISSUED


# --- 已到县: the station's task -------------------------------------------------------------


def test_the_station_gets_a_task_when_the_card_arrives_and_handing_it_out_closes_it(card, persona):
    county, clerk = persona("decheng"), persona("xinhu_clerk")
    services.move_card(actor=clerk, card=card, to=CardStatus.COUNTY_REVIEW, on=DISCHARGED)
    services.move_card(actor=county, card=card, to=CardStatus.IN_PRODUCTION, on=DISCHARGED)
    assert not Task.objects.filter(kind=TaskKind.CARD_HANDOUT).exists()

    services.move_card(actor=county, card=card, to=CardStatus.ARRIVED, on=DISCHARGED)

    event = DomainEvent.objects.get(kind=EventKind.CARD_ARRIVED)
    task = Task.objects.get(kind=TaskKind.CARD_HANDOUT)
    assert (task.person, task.department, task.cause, task.status) == (
        card.person,
        TaskDepartment.VETERANS,
        event,
        TaskStatus.OPEN,
    )
    assert task.due_on > DISCHARGED
    services.move_card(actor=clerk, card=card, to=CardStatus.ISSUED, on=DISCHARGED, signed_by="商春旺")
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE and "签收人 商春旺" in task.outcome


def test_the_handout_task_is_on_the_clerks_desk(card, persona, login_as):
    county = persona("decheng")
    services.move_card(actor=persona("xinhu_clerk"), card=card, to=CardStatus.COUNTY_REVIEW, on=DISCHARGED)
    services.move_card(actor=county, card=card, to=CardStatus.IN_PRODUCTION, on=DISCHARGED)
    services.move_card(actor=county, card=card, to=CardStatus.ARRIVED, on=DISCHARGED)
    client = login_as("xinhu_clerk")
    desk = client.get("/").content.decode()
    assert "领取优待证" in desk and card.person.name in desk
    task = Task.objects.get(kind=TaskKind.CARD_HANDOUT)
    work = client.get(f"/tasks/{task.pk}/").content.decode()
    assert f'href="/veterans/people/{card.person_id}/card/current/"' in work
    assert (
        client.get(f"/veterans/people/{card.person_id}/card/current/")["Location"]
        == f"/veterans/cards/{card.pk}/"
    )


# --- the printed 申请表 -----------------------------------------------------------------------


def test_the_print_carries_the_photo_and_the_masked_number_and_is_audited(card, login_as):
    client = login_as("xinhu_clerk")
    page = client.get(f"/veterans/cards/{card.pk}/print/").content.decode()
    assert f'src="/veterans/cards/{card.pk}/photo/"' in page
    assert card.person.id_number_masked in page and card.person.id_number not in page
    photo = client.get(f"/veterans/cards/{card.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert photo["Cache-Control"] == "private, no-store"
    prints = AuditEvent.objects.filter(action="print", object_id=str(card.person_id))
    assert [(e.changes["masked"], e.reason) for e in prints] == [(True, "")]
    assert not AuditEvent.objects.filter(action="person.document.download").exists()


def test_the_full_number_is_printed_for_a_purpose_by_a_user_who_may_see_it(card, login_as):
    client = login_as("xinhu_clerk")
    page = client.post(
        f"/veterans/cards/{card.pk}/print/", {"full": "on", "reason": "报送县局"}
    ).content.decode()
    assert card.person.id_number in page
    event = AuditEvent.objects.get(action="print")
    assert (event.changes["masked"], event.reason) == (False, "报送县局")


def test_the_full_number_needs_a_purpose(card, login_as):
    client = login_as("xinhu_clerk")
    response = client.post(f"/veterans/cards/{card.pk}/print/", {"full": "on", "reason": " "}, follow=True)
    assert "显示完整号码须填写用途" in response.content.decode()
    assert card.person.id_number not in response.content.decode()
    assert not AuditEvent.objects.filter(action="print").exists()


def test_a_user_without_the_permission_gets_no_full_number(card, persona):
    with pytest.raises(PermissionDenied):
        services.record_card_print(actor=persona("xinhu_village"), card=card, full=True, purpose="看看")
    assert (
        services.record_card_print(actor=persona("xinhu_village"), card=card) == card.person.id_number_masked
    )


def test_only_a_photo_is_embedded(card):
    with pytest.raises(ValidationError):
        from yizhan.people.services import attach_document, read_photo

        read_photo(document=attach_document(
            actor=None, person=card.person, kind="other", title="证明", content=b"%PDF-1.4", filename="a.pdf"
        ))  # fmt: skip


def test_the_application_form_page_posts_the_photo_and_the_card_is_accepted(
    veteran, login_as, settings, tmp_path
):
    settings.DOCUMENTS_DIR = tmp_path
    client = login_as("xinhu_clerk")
    url = f"/veterans/people/{veteran.pk}/card/"
    client.post(url, {"step": "profile", "profile-category": ProfileCategory.DISCHARGED_SOLDIER})
    photo = SimpleUploadedFile("p.jpg", photo_bytes(), content_type="image/jpeg")
    response = client.post(url, {"photo": photo, "applicant": "本人", "on": "2026-09-10"})
    assert response.status_code == 302
    assert PreferentialCard.objects.get(person=veteran).status == CardStatus.ACCEPTED

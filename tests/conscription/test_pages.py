"""The conscription pages: they render for a station head, answer 404 for what lies outside his
jurisdiction, export only what he may see, and put errors beside the fields."""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from yizhan.audit.models import AuditEvent
from yizhan.conscription import services
from yizhan.conscription.models import (
    Campaign,
    Candidate,
    Half,
    Registration,
    RegistrationYear,
    Stage,
    TownshipQuota,
)
from yizhan.core.masking import mask_id_number

from .conftest import HUAQIAO_VILLAGE, XINHU_VILLAGE

TODAY = timezone.localdate()
DAY = datetime.timedelta(days=1)


def adult_born(age: int) -> datetime.date:
    """Turning `age` during this year."""
    return datetime.date(TODAY.year - age, 1, 15)


def open_campaign(county: str) -> Campaign:
    approval = TODAY + 30 * DAY
    return Campaign.objects.create(
        county_id=county,
        year=approval.year,
        half=Half.FIRST if approval.month <= 6 else Half.SECOND,
        opens_on=TODAY - 60 * DAY,
        approval_on=approval,
        quota=6,
        university_target_percent=25,
    )


@pytest.fixture
def this_year(world):
    return services.set_registration_year(
        actor=None,
        region_code="",
        year=TODAY.year,
        window_start=datetime.date(TODAY.year, 1, 1),
        window_end=datetime.date(TODAY.year, 12, 31),
    )


@pytest.fixture
def registered(make_person, this_year):
    def create(name: str, village: str = XINHU_VILLAGE, **extra):
        person = make_person(name=name, village=village, born=adult_born(19), **extra)
        services.record_registration(actor=None, person=person, on=TODAY - 40 * DAY, conclusion="liable")
        return person

    return create


@pytest.fixture
def xinhu(registered):
    """A 德城区 intake with one 新湖 candidate, 商春旺."""
    campaign = open_campaign("371402000000")
    person = registered("商春旺")
    candidate = services.apply(actor=None, person=person, campaign=campaign, on=TODAY - 30 * DAY)
    return campaign, candidate


@pytest.fixture
def huaqiao(registered):
    """A 昆山市 intake with one 花桥 candidate, 钱外乡."""
    campaign = open_campaign("320583000000")
    person = registered("钱外乡", village=HUAQIAO_VILLAGE)
    candidate = services.apply(actor=None, person=person, campaign=campaign, on=TODAY - 30 * DAY)
    return campaign, candidate


def test_every_page_renders_for_the_xinhu_station_head(login_as, xinhu):
    campaign, candidate = xinhu
    client = login_as("xinhu_head")
    pages = {
        reverse("conscription:index"): "应登未登",
        reverse("conscription:registration") + "?q=商春旺": "商春旺",
        reverse("conscription:person", args=[candidate.person.pk]): "应征记录",
        reverse("conscription:unregistered"): "应登未登",
        reverse("conscription:campaign", args=[campaign.pk]): "新湖街道",
        reverse("conscription:board", args=[campaign.pk]): "商春旺",
        reverse("conscription:candidate", args=[candidate.pk]): "办理下一环节",
    }
    for url, text in pages.items():
        response = client.get(url)
        assert response.status_code == 200, url
        assert text in response.content.decode(), url


def test_the_board_partial_answers_htmx_with_the_candidates_only(login_as, xinhu):
    campaign, _ = xinhu
    response = login_as("xinhu_head").get(
        reverse("conscription:board", args=[campaign.pk]),
        {"stage": Stage.APPLICATION},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert "商春旺" in body and "<html" not in body


def test_another_townships_candidate_campaign_and_person_answer_404_like_missing_ones(
    login_as, xinhu, huaqiao
):
    campaign, candidate = huaqiao
    client = login_as("xinhu_head")
    form = {"stage": Stage.PRESCREEN, "result": "passed", "on": TODAY.isoformat(), "reason": "退回"}
    urls = [
        ("get", "conscription:candidate", candidate.pk),
        ("post", "conscription:candidate_stage", candidate.pk),
        ("post", "conscription:candidate_return", candidate.pk),
        ("get", "conscription:campaign", campaign.pk),
        ("get", "conscription:board", campaign.pk),
        ("post", "conscription:advance", campaign.pk),
        ("get", "conscription:person", candidate.person.pk),
        ("post", "conscription:verify", candidate.person.pk),
        ("post", "conscription:apply", candidate.person.pk),
    ]
    for method, name, pk in urls:
        foreign = getattr(client, method)(reverse(name, args=[pk]), form)
        missing = getattr(client, method)(reverse(name, args=[pk + 10_000]), form)
        assert foreign.status_code == 404, name
        assert (foreign.status_code, foreign.content) == (missing.status_code, missing.content), name
        assert "钱外乡" not in foreign.content.decode()
    candidate.refresh_from_db()
    assert candidate.stage == Stage.APPLICATION
    board = client.get(reverse("conscription:board", args=[xinhu[0].pk])).content.decode()
    assert "钱外乡" not in board


def test_the_csv_export_is_scoped_masked_by_permission_and_audited(login_as, make_person, this_year):
    unregistered = make_person(name="甲未登", born=adult_born(18), phone="13812345678")
    make_person(name="乙花桥", village=HUAQIAO_VILLAGE, born=adult_born(18))
    url = reverse("conscription:unregistered_export") + f"?year={TODAY.year}"

    response = login_as("xinhu_head").get(url)

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["村（社区）", "姓名"]
    assert [r[1] for r in rows[1:]] == ["甲未登"]
    # The head may reveal, but a plain GET is masked for him too.
    assert rows[1][4] == mask_id_number(unregistered.id_number)
    event = AuditEvent.objects.filter(action="export").get()
    assert (event.object_type, event.changes["rows"], event.changes["masked"]) == ("must_register", 1, True)
    assert event.actor.username == "xinhu_head"

    assert login_as("xinhu_village").get(url).status_code == 403  # liaisons export nothing
    assert AuditEvent.objects.filter(action="export").count() == 1


def test_the_csv_gives_full_numbers_only_when_asked_for_with_a_purpose(login_as, make_person, this_year):
    unregistered = make_person(name="甲未登", born=adult_born(18), phone="13812345678")
    url = reverse("conscription:unregistered_export") + f"?year={TODAY.year}"
    head = login_as("xinhu_head")

    without_purpose = head.post(url, {"full": "on", "reason": " "}, follow=True)
    assert "显示完整号码须填写用途" in without_purpose.content.decode()
    assert not AuditEvent.objects.filter(action="export").exists()

    response = head.post(url, {"full": "on", "reason": "核对兵役登记"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][4:6] == [unregistered.id_number, unregistered.phone]
    event = AuditEvent.objects.filter(action="export").get()
    assert (event.changes["masked"], event.reason) == (False, "核对兵役登记")


def test_the_list_page_shows_counts_per_village_in_scope_only(login_as, make_person, this_year):
    make_person(name="甲未登", village=XINHU_VILLAGE, born=adult_born(18))
    make_person(name="乙未登", village="371402001002", born=adult_born(18))
    make_person(name="丙花桥", village=HUAQIAO_VILLAGE, born=adult_born(18))
    body = login_as("xinhu_head").get(reverse("conscription:unregistered")).content.decode()
    assert "共 2 人" in body and "新湖社区" in body and "湖滨社区" in body
    assert "丙花桥" not in body and "花桥社区" not in body
    village = login_as("xinhu_head").get(reverse("conscription:unregistered"), {"village": "371402001002"})
    assert "乙未登" in village.content.decode() and "甲未登" not in village.content.decode()


def test_the_veterans_clerk_has_no_conscription_pages(login_as, xinhu):
    client = login_as("xinhu_clerk")  # 服务站干事: the 武装部's work is not his
    assert client.get(reverse("conscription:index")).status_code == 403
    assert client.get(reverse("conscription:candidate", args=[xinhu[1].pk])).status_code == 404


def test_a_refused_registration_shows_the_reason_beside_the_field_and_keeps_what_was_typed(
    login_as, make_person, this_year, today_is
):
    today_is(TODAY)  # tomorrow is refused as a day still ahead
    person = make_person(name="王免服", born=adult_born(18))
    url = reverse("conscription:person", args=[person.pk])
    form = {"on": TODAY.isoformat(), "conclusion": "exempt", "reason": "", "family_contacts": "父亲 王大山"}

    body = login_as("xinhu_head").post(url, form).content.decode()

    assert 'data-testid="error-reason"' in body and "须填写原因" in body
    assert 'value="父亲 王大山"' in body
    assert not Registration.objects.filter(person=person).exists()
    future = {**form, "reason": "残疾", "on": (TODAY + DAY).isoformat()}
    assert "日期不能晚于今天" in login_as("xinhu_head").post(url, future).content.decode()


def test_a_station_head_registers_a_young_man_and_enters_him_into_the_intake(
    login_as, make_person, this_year
):
    campaign = open_campaign("371402000000")
    person = make_person(name="王应征", born=adult_born(18))
    client = login_as("xinhu_head")
    response = client.post(
        reverse("conscription:person", args=[person.pk]),
        {"on": TODAY.isoformat(), "conclusion": "liable", "family_contacts": "母亲"},
        follow=True,
    )
    assert "已登记：王应征（初次登记，应服兵役）" in response.content.decode()

    response = client.post(
        reverse("conscription:apply", args=[person.pk]),
        {"campaign": campaign.pk, "on": TODAY.isoformat()},
        follow=True,
    )

    candidate = Candidate.objects.get(person=person)
    assert response.redirect_chain[-1][0] == reverse("conscription:candidate", args=[candidate.pk])
    assert "初审初检" in response.content.decode()


def test_the_board_records_a_group_and_lists_the_refusals(login_as, registered, xinhu):
    campaign, first = xinhu
    second = services.apply(actor=None, person=registered("甲应征"), campaign=campaign, on=TODAY - 30 * DAY)
    services.record_stage(
        actor=None, candidate=first, stage=Stage.PRESCREEN, passed=True, on=TODAY - 20 * DAY
    )

    response = login_as("xinhu_head").post(
        reverse("conscription:advance", args=[campaign.pk]),
        {
            "candidates": [first.pk, second.pk],
            "stage": Stage.PRESCREEN,
            "result": "passed",
            "on": TODAY.isoformat(),
        },
        follow=True,
    )

    body = response.content.decode()
    assert "初审初检：已为 1 人记录通过" in body
    assert "初审初检未记录 — 商春旺：不能从“初审初检”直接办理“初审初检”" in body
    second.refresh_from_db()
    assert second.stage == Stage.PRESCREEN


def test_the_county_officer_adopts_the_suggested_split_and_the_station_head_only_reads_it(login_as, xinhu):
    campaign, _ = xinhu
    url = reverse("conscription:campaign", args=[campaign.pk])
    assert login_as("xinhu_head").post(url, {"use_suggested": "1"}).status_code == 403
    page = login_as("xinhu_head").get(url).content.decode()
    assert "由县（区）人武部统一测算" in page

    login_as("decheng").post(url, {"use_suggested": "1"})

    assert TownshipQuota.objects.get(campaign=campaign).quota == campaign.quota  # the only demo township
    login_as("decheng").post(url, {"quota_371402001000": "4"})
    assert TownshipQuota.objects.get(campaign=campaign).quota == 4
    assert "与县（区）任务数 6 不一致" in login_as("decheng").get(url).content.decode()


def test_a_county_officer_creates_an_intake_and_sees_errors_beside_the_fields(login_as, world):
    client = login_as("decheng")
    form = {
        "county": "371402000000",
        "year": "2031",
        "half": Half.FIRST,
        "opens_on": "2030-11-01",
        "approval_on": "2031-09-01",
        "quota": "20",
        "university_target_percent": "30",
    }
    body = client.post(reverse("conscription:index"), form).content.decode()
    assert 'data-testid="error-approval_on"' in body and "上半年批次的批准入伍日期应在1–6月" in body
    assert 'value="2030-11-01"' in body

    response = client.post(reverse("conscription:index"), {**form, "approval_on": "2031-03-01"})

    campaign = Campaign.objects.get(year=2031)
    assert response.url == reverse("conscription:campaign", args=[campaign.pk])
    assert (campaign.county_id, campaign.quota) == ("371402000000", 20)
    assert (
        login_as("huaqiao_clerk").get(reverse("conscription:campaign", args=[campaign.pk])).status_code == 404
    )


def test_the_registration_year_is_set_on_its_page(login_as, world):
    url = reverse("conscription:settings")
    form = {
        "region_code": "371402000000",
        "year": "2030",
        "window_start": "2030-01-01",
        "window_end": "2029-10-31",
        "register_age": "18",
        "volunteer_age": "17",
        "late_limit_university": "24",
        "late_limit_senior": "22",
        "late_limit_other": "20",
    }
    body = login_as("decheng").post(url, form).content.decode()
    assert "登记截止日期应在 2030 年内" in body
    login_as("decheng").post(url, {**form, "window_end": "2030-10-31"})
    assert RegistrationYear.objects.get(region_code="371402000000", year=2030).window_end == datetime.date(
        2030, 10, 31
    )
    assert login_as("xinhu_village").post(url, form).status_code == 403


def test_the_stage_forms_are_dated_today_unless_changed(login_as, xinhu):
    campaign, candidate = xinhu
    client = login_as("xinhu_head")
    today = f'value="{TODAY.isoformat()}"'
    assert today in client.get(reverse("conscription:candidate", args=[candidate.pk])).content.decode()
    assert today in client.get(reverse("conscription:board", args=[campaign.pk])).content.decode()


def test_the_registration_form_starts_from_what_the_registry_knows(login_as, make_person, this_year):
    from yizhan.people.models import Education, RelationKind
    from yizhan.people.services import add_relation

    student = make_person(name="王大学", born=adult_born(18), education=Education.BACHELOR)
    father = make_person(name="王大山", born=adult_born(45))
    mother = make_person(name="李小梅", born=adult_born(44), sex="F")
    for parent in (father, mother):
        add_relation(actor=None, person=student, relative=parent, kind=RelationKind.PARENT)
    other = make_person(name="王初中", born=adult_born(18), education=Education.JUNIOR)

    def form_of(person) -> str:
        body = login_as("xinhu_head").get(reverse("conscription:person", args=[person.pk])).content.decode()
        return body[body.index('data-testid="registration-form"') :]

    form = form_of(student)
    assert 'name="is_university_student"' in form
    assert 'id="registrationform_is_university_student" checked' in form
    assert "父亲 王大山" in form and "母亲 李小梅" in form
    form = form_of(other)
    assert 'id="registrationform_is_university_student" checked' not in form
    assert "父亲" not in form


def test_the_must_register_lists_link_registers_him_late_after_the_window_closed(
    login_as, make_person, world, today_is
):
    year = TODAY.year
    services.set_registration_year(
        actor=None, region_code="", year=year,
        window_start=datetime.date(year, 1, 1), window_end=datetime.date(year, 10, 31),
    )  # fmt: skip
    december = datetime.date(year, 12, 1)
    today_is(december)  # the day the form says he came, past 31 October
    person = make_person(name="王漏登", born=adult_born(18))
    client = login_as("xinhu_head")
    listing = client.get(reverse("conscription:unregistered")).content.decode()
    link = reverse("conscription:person", args=[person.pk])
    assert f'href="{link}">登记</a>' in listing

    response = client.post(link, {"on": december.isoformat(), "conclusion": "liable"}, follow=True)

    assert "已登记：王漏登（补登，应服兵役）" in response.content.decode()
    listed = client.get(reverse("conscription:unregistered")).context["page"].object_list
    assert person.pk not in [p.pk for p in listed]

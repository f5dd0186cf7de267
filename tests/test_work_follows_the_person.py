"""Work follows the person (SCOPES): when he moves to another township, the new station sees his
open task, visit and card, the old one answers 404 without his name, and the timeline records
the hand-over. What a region owns by law stays with it: the candidacy with the county where he
applied, the 优待金 periods with the county of enlistment. Related people are named only within
the exporter's jurisdiction."""

from __future__ import annotations

import datetime

import pytest

from tests.benefits.factories import benefits_of
from tests.files import png
from tests.ledgers.test_exports import column, export
from yizhan.benefits import selectors as benefits
from yizhan.benefits.models import HonorPlaque, PlaqueCategory
from yizhan.care import services as care
from yizhan.conscription import selectors as conscription
from yizhan.conscription.models import Campaign, Candidate
from yizhan.people import services as people
from yizhan.people.models import IdentityKind, RelationKind, ServiceRecord
from yizhan.regions.models import Region
from yizhan.veterans.models import PreferentialCard
from yizhan.worklist.services import ensure_task

XINHU, XINHU_VILLAGE = "371402001000", "371402001001"
HUAQIAO, HUAQIAO_VILLAGE = "320583400000", "320583400001"
DAY = datetime.date(2026, 10, 9)


@pytest.fixture
def mover(make_person, persona, _private_data_dir):
    """商春旺 of 新湖, with an open task, a visit, a card in progress, a candidacy and 优待金."""
    person = make_person(name="商春旺", village=XINHU_VILLAGE, phone="13800001234")
    task, _ = ensure_task(
        kind="profile_record", rule="test:move", department="joint", due_on=datetime.date(2026, 12, 1),
        region_code=person.region_id, person=person,
    )  # fmt: skip
    visit = care.record_visit(
        actor=None, person=person, reason="spring_festival", visited_on=DAY, participants="站长"
    )
    photo = people.attach_document(
        actor=None, person=person, kind="photo", title="照片", content=png("x"), filename="p.png"
    )
    card = PreferentialCard.objects.create(
        person=person, card_type="veteran", photo=photo, applicant="本人", accepted_on=DAY
    )
    campaign = Campaign.objects.create(
        county_id="371402000000", year=2026, half="H2", opens_on=datetime.date(2026, 5, 1),
        approval_on=datetime.date(2026, 9, 1), quota=5,
    )  # fmt: skip
    candidate = Candidate.objects.create(
        campaign=campaign, person=person, region_code=person.region_id, applied_on=datetime.date(2026, 6, 1)
    )
    allowance = benefits_of(person)
    return {"person": person, "task": task, "visit": visit, "card": card, "candidate": candidate, **allowance}


def move(person, village: str, actor):
    person.refresh_from_db()
    return people.update_person(
        actor=actor, person=person, expected_version=person.version, region=Region.objects.get(code=village)
    )


def pages(objects) -> list[str]:
    return [
        f"/tasks/{objects['task'].pk}/",
        f"/care/visits/{objects['visit'].pk}/",
        f"/veterans/cards/{objects['card'].pk}/",
    ]


def answers(client, mover) -> list[tuple[int, bool]]:
    """(status, names him) of his task, visit and card pages."""
    return [
        (response.status_code, "商春旺" in response.content.decode())
        for response in (client.get(url) for url in pages(mover))
    ]


def test_before_the_move_his_station_opens_his_work(mover, login_as):
    assert answers(login_as("xinhu_head"), mover) == [(200, True)] * 3


def test_after_the_move_the_old_station_answers_404_without_his_name(mover, login_as, persona):
    move(mover["person"], HUAQIAO_VILLAGE, persona("xinhu_head"))
    client = login_as("xinhu_head")
    assert answers(client, mover) == [(404, False)] * 3
    for url in ["/", "/tasks/", "/care/", "/veterans/cards/"]:
        assert "商春旺" not in client.get(url).content.decode(), url


def test_after_the_move_the_new_station_sees_his_open_work(mover, login_as, persona):
    move(mover["person"], HUAQIAO_VILLAGE, persona("xinhu_head"))
    client = login_as("huaqiao_clerk")
    assert answers(client, mover) == [(200, True)] * 3
    assert "商春旺" in client.get("/tasks/").content.decode()


def test_the_timeline_records_the_hand_over_with_his_open_tasks(mover, login_as, persona):
    move(mover["person"], HUAQIAO_VILLAGE, persona("xinhu_head"))
    body = login_as("huaqiao_clerk").get(f"/people/{mover['person'].pk}/tab/timeline/").content.decode()
    # The fixture gave him three open tasks: the profile record, the allowance recipient and
    # (his household's) plaque; the plaque task stays with the household.
    assert "移交：从 德州市德城区新湖街道新湖社区 到 苏州市昆山市花桥经济开发区花桥社区，2 项待办" in body


def test_a_move_to_another_village_is_one_hand_over_and_an_edit_without_a_move_none(mover, persona):
    from yizhan.audit.models import AuditEvent

    head = persona("xinhu_head")
    move(mover["person"], "371402001002", head)  # the village liaison's scope changes
    person = mover["person"]
    person.refresh_from_db()
    people.update_person(actor=head, person=person, expected_version=person.version, address="运河路 1 号")
    handovers = AuditEvent.objects.filter(action="person.handover")
    assert [(e.changes["from"], e.changes["to"]) for e in handovers] == [(XINHU_VILLAGE, "371402001002")]


def test_the_candidacy_stays_with_the_county_where_he_applied(mover, persona):
    move(mover["person"], HUAQIAO_VILLAGE, persona("xinhu_head"))
    candidate = mover["candidate"]
    assert conscription.candidates_visible_to(persona("xinhu_head")).filter(pk=candidate.pk).exists()
    assert not conscription.candidates_visible_to(persona("huaqiao_clerk")).filter(pk=candidate.pk).exists()


def test_the_allowance_stays_with_the_county_of_enlistment(mover, persona):
    move(mover["person"], HUAQIAO_VILLAGE, persona("xinhu_head"))
    person = mover["person"]
    assert benefits.periods_visible_to(persona("decheng")).filter(person=person).exists()
    assert benefits.payments_visible_to(persona("decheng")).filter(period__person=person).exists()
    assert not benefits.periods_visible_to(persona("huaqiao_clerk")).filter(person=person).exists()


# --- related people ---------------------------------------------------------------------------


def test_the_plaque_register_names_only_household_members_in_jurisdiction(make_person, persona):
    head = make_person(name="商建国", village=XINHU_VILLAGE)
    at_home = make_person(name="商春旺", village=XINHU_VILLAGE)
    away = make_person(name="商远方", village=HUAQIAO_VILLAGE)  # same household, lives in 花桥
    household = people.create_household(
        actor=None, region=head.region, members=[head, at_home, away], head=head
    )
    HonorPlaque.objects.create(household=household, category=PlaqueCategory.ACTIVE)
    sheet = export(persona("xinhu_clerk"), "honor-plaques", XINHU)
    assert column(sheet, "家庭成员") == ["商建国、商春旺"]


def test_the_families_roster_does_not_name_a_serving_member_of_another_township(make_person, persona):
    soldier = make_person(name="吴远方", village=HUAQIAO_VILLAGE, born=datetime.date(2006, 3, 1))
    father = make_person(name="吴建国", village=XINHU_VILLAGE, born=datetime.date(1976, 3, 1))
    ServiceRecord.objects.create(person=soldier, enlisted_on=datetime.date(2025, 9, 1))
    people.add_relation(actor=None, person=soldier, relative=father, kind=RelationKind.PARENT)
    people.grant_identity(
        actor=None, person=father, kind=IdentityKind.MILITARY_FAMILY, since=datetime.date(2025, 9, 1),
        source="test", through=soldier,
    )  # fmt: skip
    sheet = export(persona("xinhu_clerk"), "families", XINHU)
    assert column(sheet, "家属姓名") == ["吴建国"]
    assert column(sheet, "现役军人") == [None]
    assert column(sheet, "入伍时间") == [None]
    assert "吴远方" not in str(sheet)


def test_the_family_tab_and_the_honor_wall_name_only_people_in_jurisdiction(make_person, login_as):
    head = make_person(name="商建国", village=XINHU_VILLAGE)
    away = make_person(name="商远方", village=HUAQIAO_VILLAGE)
    people.create_household(actor=None, region=head.region, members=[head, away], head=head)
    people.add_relation(actor=None, person=head, relative=away, kind=RelationKind.CHILD)
    client = login_as("xinhu_head")
    family = client.get(f"/people/{head.pk}/tab/family/")
    assert family.status_code == 200 and "商远方" not in family.content.decode()
    wall = client.get(f"/benefits/people/{head.pk}/honors/").content.decode()
    assert "商建国" in wall and "商远方" not in wall

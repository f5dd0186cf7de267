"""The station's teams and their hours, the hall's honor roll (consent first, nothing but name,
honor and a consented photo), and the archive register with its loans."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from tests.files import png
from yizhan.accounts.services import issue_device
from yizhan.audit.models import AuditEvent
from yizhan.people.services import attach_document
from yizhan.station import services
from yizhan.station.models import ArchiveFile, HonorEntry, TeamKind
from yizhan.worklist.models import TaskKind, TaskStatus
from yizhan.worklist.services import ensure_task

DAY = datetime.date(2026, 11, 2)


def test_a_team_gets_members_from_the_registry_and_counts_their_hours(xinhu, make_person, login_as):
    team = services.create_team(actor=None, township=xinhu, name="老班长服务队", kind=TeamKind.SQUAD_LEADERS)
    veteran = make_person(name="魏老班长", born=datetime.date(1968, 1, 1))
    client = login_as("xinhu_head")
    client.post(f"/station/teams/{team.pk}/members/", {"member": veteran.pk, "joined_on": DAY.isoformat()})
    client.post(f"/station/teams/{team.pk}/hours/", {
        "member": veteran.pk, "served_on": DAY.isoformat(), "description": "国防教育宣讲", "hours": "2.5",
    })  # fmt: skip
    client.post(f"/station/teams/{team.pk}/hours/", {
        "member": veteran.pk, "served_on": DAY.isoformat(), "description": "慰问老兵", "hours": "1.5",
    })  # fmt: skip
    assert "4.0 小时" in client.get("/station/").content.decode()
    stranger = make_person(name="非队员", born=datetime.date(1970, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.record_hours(
            actor=None, team=team, person=stranger, served_on=DAY, description="x", hours=Decimal(1)
        )
    assert caught.value.message_dict["person"] == ["非队员不是老班长服务队的队员。"]


def test_the_honor_roll_needs_consent_and_shows_only_name_honor_and_a_consented_photo(
    xinhu, make_person, client
):
    hero = make_person(name="商模范", born=datetime.date(1970, 1, 1), phone="13912345678")
    attach_document(
        actor=None, person=hero, kind="photo", title="照片", content=png("商模范"), filename="p.png"
    )
    shy = make_person(name="韩低调", born=datetime.date(1972, 1, 1))
    with pytest.raises(ValidationError) as caught:
        services.add_honor(actor=None, person=shy, kind="award", title="三等功", consent_on=None)
    assert "同意" in caught.value.message_dict["consent_on"][0]
    hero_entry = services.add_honor(actor=None, person=hero, kind="model_veteran", title="全国模范退役军人",
                                    consent_on=DAY, photo_consented=True)  # fmt: skip
    no_photo = make_person(name="宋无照", born=datetime.date(1975, 1, 1))
    attach_document(
        actor=None, person=no_photo, kind="photo", title="照片", content=png("宋无照"), filename="q.png"
    )
    quiet = services.add_honor(
        actor=None, person=no_photo, kind="glory_family", title="光荣之家", consent_on=DAY
    )
    _, token = issue_device(actor=None, region_code="371402001000", kind="screen", name="大厅屏")
    page = client.get("/station/screen/honors/", HTTP_AUTHORIZATION=f"Device {token}").content.decode()
    assert "商模范" in page and "全国模范退役军人" in page and "宋无照" in page
    assert "韩低调" not in page and "139" not in page and hero.id_number not in page
    assert f"/station/screen/honors/{hero_entry.pk}/photo/" in page
    assert f"/station/screen/honors/{quiet.pk}/photo/" not in page
    photo = client.get(f"/station/screen/honors/{quiet.pk}/photo/", HTTP_AUTHORIZATION=f"Device {token}")
    assert photo.status_code == 404
    services.withdraw_honor(actor=None, entry=hero_entry, on=datetime.date.today())
    assert (
        "商模范"
        not in client.get("/station/screen/honors/", HTTP_AUTHORIZATION=f"Device {token}").content.decode()
    )
    assert client.get("/station/screen/honors/").status_code == 403
    assert HonorEntry.objects.count() == 2


def test_the_file_transfer_task_records_the_file_and_loans_are_audited(make_person, login_as):
    veteran = make_person(name="商退役", born=datetime.date(2000, 1, 1))
    task, _ = ensure_task(kind=TaskKind.FILE_TRANSFER, rule="test:file", department="veterans",
                          due_on=datetime.date(2026, 12, 1), region_code=veteran.region_id, person=veteran)  # fmt: skip
    client = login_as("xinhu_head")
    assert "接收入册" in client.get("/station/archives/").content.decode()
    response = client.post(f"/station/archives/receive/{task.pk}/", {
        "received_on": DAY.isoformat(), "sent_by": "某部队干部处", "shelf": "A3", "box": "017",
    })  # fmt: skip
    assert response.status_code == 302
    task.refresh_from_db()
    archive = ArchiveFile.objects.get()
    assert task.status == TaskStatus.DONE and (archive.shelf, archive.box) == ("A3", "017")
    client.post(f"/station/archives/{archive.pk}/lend/", {"borrower": "县退役军人事务局", "purpose": "核对安置",
                                                            "lent_on": DAY.isoformat()})  # fmt: skip
    loan = archive.loans.get()
    with pytest.raises(ValidationError):
        services.lend_file(actor=None, archive=archive, borrower="另一人", purpose="查阅", lent_on=DAY)
    client.post(f"/station/loans/{loan.pk}/return/", {"returned_on": DAY.isoformat()})
    loan.refresh_from_db()
    assert loan.returned_on == DAY
    actions = set(AuditEvent.objects.filter(object_id=str(veteran.pk)).values_list("action", flat=True))
    assert {"station.archive.receive", "station.archive.lend", "station.archive.return"} <= actions

"""A joint activity's photos and who took part: photos stored sealed like documents, shown on the
activity's page, refused in Chinese when too big or not an image; families and schools taken
part as well as persons and teams."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.files import jpeg, png
from yizhan.audit.models import AuditEvent
from yizhan.core import files
from yizhan.people import services as people_services
from yizhan.station import services
from yizhan.station.models import ActivitySchool

HELD = datetime.date(2026, 10, 1)


@pytest.fixture
def activity(xinhu):
    return services.create_activity(
        actor=None, township=xinhu, kind="national_defense", title="国防教育进校园", held_on=HELD,
        place="新湖中心小学", organiser="armed_forces", schools="新湖中心小学、新湖中学，新湖中心小学",
    )  # fmt: skip


def test_schools_named_when_recorded_become_one_row_each(activity):
    assert list(activity.schools.values_list("name", flat=True)) == ["新湖中心小学", "新湖中学"]


def test_a_photo_is_stored_sealed_and_shown_on_the_activity_page(activity, login_as):
    client = login_as("xinhu_clerk")
    content = png("升旗仪式")
    response = client.post(
        f"/station/activities/{activity.pk}/photos/",
        {"photo": SimpleUploadedFile("a.png", content, content_type="image/png"), "title": "升旗仪式"},
    )
    assert response.status_code == 302
    photo = activity.photos.get()
    stored = files.store("documents") / photo.path
    assert files.is_sealed(stored) and content not in stored.read_bytes()
    page = client.get(f"/station/activities/{activity.pk}/").content.decode()
    assert f"/station/activities/{activity.pk}/photos/{photo.pk}/" in page and "升旗仪式" in page
    shown = client.get(f"/station/activities/{activity.pk}/photos/{photo.pk}/")
    assert (shown.status_code, shown["Content-Type"], shown["X-Content-Type-Options"]) == (
        200,
        "image/png",
        "nosniff",
    )
    assert b"".join(shown.streaming_content if shown.streaming else [shown.content]) == content
    assert AuditEvent.objects.filter(action="station.activity.photo").count() == 1


def test_a_pdf_or_a_script_is_refused_as_a_photo_in_chinese(activity):
    with pytest.raises(ValidationError) as pdf:
        services.add_photo(actor=None, activity=activity, content=b"%PDF-1.4 x", filename="a.jpg")
    assert pdf.value.message_dict["photo"] == ["活动照片只能是 JPG 或 PNG 图片。"]
    with pytest.raises(ValidationError) as script:
        services.add_photo(actor=None, activity=activity, content=b"<script>x</script>", filename="a.png")
    assert "只能上传" in script.value.message_dict["photo"][0]
    assert not activity.photos.exists()


def test_a_photo_over_the_limit_is_refused_before_it_is_read(activity, monkeypatch):
    monkeypatch.setattr(services, "MAX_PHOTO_BYTES", 1000)
    with pytest.raises(ValidationError) as refused:
        services.add_photo(
            actor=None, activity=activity, content=jpeg((400, 300)) + b"\0" * 1000, filename="a.jpg"
        )
    assert "超过" in refused.value.message_dict["photo"][0]


def test_a_broken_upload_answers_a_chinese_message_not_an_error_page(activity, login_as):
    client = login_as("xinhu_clerk")
    response = client.post(
        f"/station/activities/{activity.pk}/photos/",
        {"photo": SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\nbroken", content_type="image/png")},
        follow=True,
    )
    assert response.status_code == 200
    assert "活动照片" in response.content.decode() and not activity.photos.exists()


def test_a_photo_of_another_townships_activity_is_missing(activity, login_as):
    photo = services.add_photo(actor=None, activity=activity, content=png(), filename="a.png")
    outsider = login_as("huaqiao_clerk")
    assert outsider.get(f"/station/activities/{activity.pk}/photos/{photo.pk}/").status_code == 404


def test_a_family_takes_part_through_any_of_its_members(activity, make_person, login_as):
    father = make_person(name="商建国", born=datetime.date(1970, 1, 1))
    son = make_person(name="商春旺", born=datetime.date(2000, 1, 1))
    household = people_services.create_household(
        actor=None, region=father.region, members=[father, son], head=father
    )
    client = login_as("xinhu_clerk")
    client.post(f"/station/activities/{activity.pk}/households/", {"household_member": son.pk})
    assert list(activity.households.all()) == [household]
    page = client.get(f"/station/activities/{activity.pk}/").content.decode()
    assert "商建国户" in page and "1 户" in page
    again = client.post(
        f"/station/activities/{activity.pk}/households/", {"household_member": father.pk}, follow=True
    )
    assert "该户已在参加家庭中" in again.content.decode()


def test_a_family_of_another_township_is_refused(activity, make_person):
    outsider = make_person(name="钱外乡", village="320583400001", born=datetime.date(1970, 1, 1))
    household = people_services.create_household(actor=None, region=outsider.region, members=[outsider])
    with pytest.raises(ValidationError):
        services.add_household(actor=None, activity=activity, household=household)


def test_a_school_is_added_once(activity, login_as):
    client = login_as("xinhu_clerk")
    client.post(f"/station/activities/{activity.pk}/schools/", {"school": "运河小学"})
    again = client.post(f"/station/activities/{activity.pk}/schools/", {"school": "运河小学"}, follow=True)
    assert "运河小学已在参加学校中" in again.content.decode()
    assert ActivitySchool.objects.filter(activity=activity, name="运河小学").count() == 1
    assert "运河小学" in client.get(f"/station/activities/{activity.pk}/").content.decode()

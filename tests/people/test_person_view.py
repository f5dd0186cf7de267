"""Opening a person's page is audited once, as a view; its tabs and the photo it shows are part of
that visit and add no row, so his record does not fill with 查看材料 on every visit."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.files import png
from yizhan.audit.models import AuditEvent
from yizhan.people import services


@pytest.fixture
def person(make_person, persona, settings, tmp_path):
    settings.DOCUMENTS_DIR = tmp_path
    man = make_person(name="商春旺")
    services.attach_document(
        actor=persona("xinhu_clerk"), person=man, kind="photo", title="照片", content=png(), filename="p.png"
    )
    man.refresh_from_db()
    return man


def rows(person, action: str) -> int:
    return AuditEvent.objects.filter(object_type="person", object_id=str(person.pk), action=action).count()


def test_opening_the_page_is_one_view_and_its_tabs_and_photo_add_nothing(person, login_as):
    client = login_as("xinhu_clerk")
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    photo = reverse("people:photo", args=[person.pk])
    assert f'src="{photo}"' in page
    before = AuditEvent.objects.count()

    image = client.get(photo)
    for tab in ("service", "documents", "timeline"):
        client.get(reverse("people:tab", args=[person.pk, tab]), HTTP_HX_REQUEST="true")

    assert image.status_code == 200 and image["Content-Type"] == "image/png"
    assert image["Content-Disposition"].startswith("inline;")
    assert AuditEvent.objects.count() == before
    assert rows(person, "person.view") == 1
    assert rows(person, "person.document.download") == 0


def test_each_opening_is_its_own_view_kept_out_of_his_timeline(person, login_as):
    client = login_as("xinhu_clerk")
    client.get(reverse("people:detail", args=[person.pk]))
    timeline = client.get(reverse("people:detail", args=[person.pk]) + "?tab=timeline")
    assert rows(person, "person.view") == 2
    assert all(event.action != "person.view" for event in timeline.context["timeline"])
    assert "查看人员信息" not in timeline.content.decode()


def test_the_documents_tab_link_is_still_an_audited_download(person, login_as):
    login_as("xinhu_clerk").get(reverse("people:document", args=[person.pk, person.photo_id]))
    assert rows(person, "person.document.download") == 1


def test_a_person_without_a_photo_has_none_to_show(make_person, login_as):
    man = make_person(name="王无照")
    assert login_as("xinhu_clerk").get(reverse("people:photo", args=[man.pk])).status_code == 404


def test_a_photo_outside_the_jurisdiction_is_not_found(person, login_as):
    assert login_as("huaqiao_clerk").get(reverse("people:photo", args=[person.pk])).status_code == 404

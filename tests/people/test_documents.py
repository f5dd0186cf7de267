"""Documents are hostile until proven otherwise: type from the bytes, sealed at rest, served as
attachments with nosniff."""

from __future__ import annotations

import hashlib
import stat

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.files import PDF, jpeg, png
from yizhan.core import files
from yizhan.people import services
from yizhan.people.models import Document

HOSTILE = {
    "an html scan": b"<!DOCTYPE html><html><script>fetch('/people/')</script></html>",
    "an html scan without doctype": b"<html><body onload=alert(1)>",
    "an svg": b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>1</script></svg>',
    "a script": b"alert(document.cookie)",
    "an unknown type": b"GIF89a\x01\x00\x01\x00",
    "a png header over html": b"\x89PNG\r\n\x1a\n<html><script>1</script></html>",
}


@pytest.fixture
def person(make_person):
    return make_person(name="商春旺")


def attach(persona, person, content: bytes, filename: str = "scan.pdf") -> Document:
    return services.attach_document(
        actor=persona("xinhu_village"), person=person, kind="other", title="扫描件", content=content,
        filename=filename,
    )  # fmt: skip


@pytest.mark.parametrize("name", list(HOSTILE))
def test_it_refuses_a_hostile_upload_with_a_chinese_message(persona, person, name):
    with pytest.raises(ValidationError) as refused:
        attach(persona, person, HOSTILE[name], filename="scan.jpg")
    assert "只能上传" in " ".join(refused.value.messages) or "图片已损坏" in " ".join(refused.value.messages)
    assert not Document.objects.exists()


@pytest.mark.parametrize(
    ("content", "content_type", "suffix"),
    [(png(), "image/png", ".png"), (jpeg(), "image/jpeg", ".jpg"), (PDF, "application/pdf", ".pdf")],
)
def test_it_stores_the_type_read_from_the_bytes_not_the_clients(
    persona, person, content, content_type, suffix
):
    document = attach(persona, person, content, filename="scan.html")
    assert document.content_type == content_type
    assert document.path.endswith(suffix)


def test_a_document_is_sealed_at_rest_0600_in_a_0700_directory(persona, person, settings):
    document = attach(persona, person, PDF)
    path = settings.DOCUMENTS_DIR / document.path
    assert PDF not in path.read_bytes()
    assert b"%PDF" not in path.read_bytes()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert stat.S_IMODE(settings.DOCUMENTS_DIR.stat().st_mode) == 0o700
    assert services.read_document(actor=persona("xinhu_clerk"), document=document) == PDF


def test_a_tampered_or_moved_document_fails_its_check(persona, person, settings):
    document = attach(persona, person, PDF)
    path = settings.DOCUMENTS_DIR / document.path
    sealed = bytearray(path.read_bytes())
    sealed[-1] ^= 1
    path.write_bytes(bytes(sealed))
    with pytest.raises(ValidationError, match="校验失败"):
        services.read_document(actor=persona("xinhu_clerk"), document=document)
    # A sealed file copied under another document's name does not decrypt either.
    other = attach(persona, person, png())
    path.write_bytes((settings.DOCUMENTS_DIR / other.path).read_bytes())
    with pytest.raises(ValidationError, match="校验失败"):
        services.read_document(actor=persona("xinhu_clerk"), document=document)


def test_a_village_liaisons_html_scan_is_refused_in_chinese_on_the_page(login_as, person):
    client = login_as("xinhu_village")
    upload = SimpleUploadedFile("退役证.jpg", HOSTILE["an html scan"], content_type="image/jpeg")
    response = client.post(
        reverse("people:document_upload", args=[person.pk]), {"kind": "other", "title": "", "file": upload},
        follow=True,
    )  # fmt: skip
    assert "只能上传 JPG、PNG 图片或 PDF 文件" in response.content.decode()
    assert not Document.objects.exists()


def test_a_pdf_is_served_as_an_attachment_with_nosniff(login_as, persona, person):
    document = attach(persona, person, PDF)
    response = login_as("xinhu_head").get(reverse("people:document", args=[person.pk, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response.content == PDF


def test_an_image_is_served_inline_for_its_img_tag_still_with_nosniff(login_as, persona, person):
    document = attach(persona, person, png())
    response = login_as("xinhu_head").get(reverse("people:document", args=[person.pk, document.pk]))
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_html_file_stored_before_the_check_is_only_ever_a_download(login_as, persona, person):
    html = HOSTILE["an html scan"]
    files.write("documents", f"{person.pk}/old.html", [html])
    document = Document.objects.create(
        person=person, kind="other", title="旧扫描件", path=f"{person.pk}/old.html", size=len(html),
        sha256=hashlib.sha256(html).hexdigest(), content_type="text/html",
    )  # fmt: skip
    response = login_as("xinhu_head").get(reverse("people:document", args=[person.pk, document.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"


def _stored() -> list[str]:
    return list(files.stored_files("documents"))


def test_a_failure_after_the_file_is_written_leaves_no_file(persona, person, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("审计写入失败")

    monkeypatch.setattr(services, "audit_person", broken)
    with pytest.raises(RuntimeError):
        attach(persona, person, PDF)
    assert not Document.objects.exists()
    assert _stored() == []


def test_a_failure_in_the_callers_transaction_leaves_no_file(persona, person):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        attach(persona, person, PDF)
        raise RuntimeError("优待证申请未能保存")  # e.g. the card the photo was for
    assert not Document.objects.exists()
    assert _stored() == []


def test_a_rolled_back_copy_of_a_stored_file_leaves_the_stored_one(persona, person):
    from django.db import transaction

    kept = attach(persona, person, PDF)
    with pytest.raises(RuntimeError), transaction.atomic():
        attach(persona, person, PDF)  # the same bytes: the same content-addressed name
        raise RuntimeError("未能保存")
    assert _stored() == [kept.path]
    assert services.read_document(actor=persona("xinhu_village"), document=kept) == PDF


def test_a_committed_document_keeps_its_file(persona, person, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = attach(persona, person, png())
    assert _stored() == [document.path]

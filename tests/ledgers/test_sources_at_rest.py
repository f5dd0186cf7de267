"""An uploaded ledger holds full ID numbers: it is sealed at rest (0600 in 0700) and every reader
of the source — preview, import, error report — reads it through ledgers.storage."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.ledgers import messy
from yizhan.ledgers.importing import reading
from yizhan.ledgers.importing.services import start_run
from yizhan.ledgers.jobs import work
from yizhan.ledgers.models import ImportRun, RunStatus


def upload(client, name: str, content: bytes):
    file = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(reverse("ledgers:import"), {"kind": "people", "region": messy.TOWNSHIP, "file": file})


def assert_sealed(path: Path, *secrets: str) -> None:
    data = path.read_bytes()
    for secret in secrets:
        assert secret.encode() not in data
    assert not data.startswith(b"PK\x03\x04")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_uploaded_csv_is_sealed_and_still_previews_and_imports(login_as, persona, settings):
    client = login_as("xinhu_clerk")
    content = f"姓名,公民身份号码,性别\n张三,{messy.ZHANG},男\n".encode()
    assert upload(client, "台账.csv", content).status_code == 302
    work(once=True)  # the worker reads the upload
    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    assert_sealed(Path(draft.source_path), messy.ZHANG, "张三")
    assert draft.file_size == len(content)
    assert "张三" in client.get(reverse("ledgers:import_preview", args=[draft.pk])).content.decode()

    run = start_run(actor=persona("xinhu_clerk"), draft=draft, dry_run=True)
    work(once=True)
    run.refresh_from_db()
    assert run.status == RunStatus.DONE


@pytest.mark.parametrize("streaming", [False, True])
def test_an_uploaded_xlsx_is_sealed_and_read_by_either_reader(login_as, ledger, monkeypatch, streaming):
    if streaming:  # the openpyxl reader, for large workbooks, seeks inside the sealed zip
        monkeypatch.setattr(reading, "CALAMINE_MAX_BYTES", 1)
    client = login_as("xinhu_clerk")
    assert upload(client, ledger.name, ledger.read_bytes()).status_code == 302
    work(once=True)  # the worker reads the upload
    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    assert_sealed(Path(draft.source_path), messy.ZHANG)
    sheet = reading.open_sheet(draft.source_path)
    assert sheet.streaming is streaming
    assert any(messy.ZHANG in [str(c) for c in row] for _, row in sheet.rows())

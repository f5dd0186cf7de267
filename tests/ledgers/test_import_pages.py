"""The import pages: upload → preview and mapping (template) → dry run → commit → report → undo,
and jurisdiction: another township's runs and regions answer 404."""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.ledgers import messy
from yizhan.audit.models import AuditEvent
from yizhan.ledgers.importing.services import import_file
from yizhan.ledgers.jobs import work
from yizhan.ledgers.models import ImportRun, MappingTemplate, RunStatus
from yizhan.people.models import Person

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, path, kind="people", region=messy.TOWNSHIP):
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type=XLSX)
    return client.post(reverse("ledgers:import"), {"kind": kind, "region": region, "file": file})


def mapping_post(draft, **extra) -> dict:
    return {"header_row": draft.header_row, **{f"col_{i}": f for i, f in draft.mapping.items()}, **extra}


def test_the_clerk_uploads_previews_dry_runs_commits_and_undoes(ledger, registry, login_as, settings):
    client = login_as("xinhu_clerk")
    assert client.get(reverse("ledgers:index")).status_code == 200

    answer = upload(client, ledger)
    uploaded = ImportRun.objects.get(status=RunStatus.UPLOADED)
    assert answer.url == reverse("ledgers:import_preview", args=[uploaded.pk])
    assert 'hx-trigger="every 1s"' in client.get(answer.url).content.decode(), "waits for the worker"
    assert work(once=True) == 1, "the worker reads the upload"
    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    assert Path(draft.source_path).parent == settings.DATA_DIR / "imports"
    assert client.get(answer.url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    page = client.get(answer.url).content.decode()
    assert "表头在第 3 行" in page and "张三" in page
    assert messy.ZHANG not in page and "371402********0036" in page, "ID numbers are masked in the preview"
    assert 'value="id_number" selected' in page

    answer = client.post(answer.url, mapping_post(draft, action="dry_run"))
    dry = ImportRun.objects.get(dry_run=True)
    assert answer.url == reverse("ledgers:run", args=[dry.pk])
    assert client.get(answer.url, headers={"HX-Request": "true"}).content.decode().count("排队") >= 1
    assert work(once=True) == 1
    partial = client.get(answer.url, headers={"HX-Request": "true"})
    assert partial["HX-Refresh"] == "true"
    page = client.get(answer.url).content.decode()
    assert "与第 4 行是同一人" in page and Person.objects.count() == 2

    report = client.get(reverse("ledgers:run_report", args=[dry.pk]))
    assert report["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content))).active
    assert sheet.cell(row=3, column=14).value == "错误原因"
    assert AuditEvent.objects.filter(action="ledger.import.report").exists()

    client.post(reverse("ledgers:import_preview", args=[draft.pk]), mapping_post(draft, action="commit"))
    work(once=True)
    run = ImportRun.objects.get(dry_run=False, status=RunStatus.DONE)
    assert (run.created, run.updated, run.rejected) == (5, 1, 7)
    assert Person.objects.count() == 7

    answer = client.post(reverse("ledgers:run_undo", args=[run.pk]))
    assert answer.status_code == 302
    run.refresh_from_db()
    assert run.status == RunStatus.UNDONE and Person.objects.count() == 2
    assert "导入 #" in client.get(reverse("ledgers:runs")).content.decode()


def test_columns_named_by_the_clerk_are_saved_as_a_template_and_applied_to_the_next_upload(
    world, login_as, sheet_file
):
    client = login_as("xinhu_clerk")
    path = sheet_file(["序号", "人员名称", "证件编号", "手机"], [[1, "张三", messy.ZHANG, "13812345678"]])
    upload(client, path)
    work(once=True)
    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    assert (draft.header_row, draft.mapping) == (1, {}), "no known header: the clerk says which is which"
    page = client.get(reverse("ledgers:import_preview", args=[draft.pk])).content.decode()
    assert "尚未对应必填项：姓名、身份证号" in page

    client.post(
        reverse("ledgers:import_preview", args=[draft.pk]),
        {"header_row": 1, "col_0": "_sequence", "col_1": "name", "col_2": "id_number", "col_3": "phone",
         "template_name": "花名册模板", "action": "save"},
    )  # fmt: skip

    template = MappingTemplate.objects.get()
    assert template.mapping == {
        "序号": "_sequence",
        "人员名称": "name",
        "证件编号": "id_number",
        "手机": "phone",
    }
    upload(client, path)
    work(once=True)
    later = ImportRun.objects.filter(status=RunStatus.DRAFT).latest("id")
    assert later.mapping == {"0": "_sequence", "1": "name", "2": "id_number", "3": "phone"}


@pytest.fixture
def xinhu_run(ledger, registry, persona):
    return import_file(actor=persona("xinhu_clerk"), path=ledger, kind="people", region_code=messy.TOWNSHIP)


def test_another_township_sees_none_of_the_runs_and_cannot_touch_them(xinhu_run, login_as):
    client = login_as("huaqiao_clerk")
    for name, method in (
        ("run", "get"),
        ("run_report", "get"),
        ("run_undo", "post"),
        ("import_preview", "get"),
    ):
        answer = getattr(client, method)(reverse(f"ledgers:{name}", args=[xinhu_run.pk]))
        assert answer.status_code == 404, name
    assert f"#{xinhu_run.pk}" not in client.get(reverse("ledgers:runs")).content.decode()
    xinhu_run.refresh_from_db()
    assert xinhu_run.status == RunStatus.DONE
    assert client.post(reverse("ledgers:run_cancel", args=[xinhu_run.pk])).status_code == 404


def test_a_clerk_cannot_import_into_another_township(ledger, login_as):
    client = login_as("huaqiao_clerk")

    answer = upload(client, ledger, region=messy.TOWNSHIP)

    assert answer.status_code == 404
    assert not ImportRun.objects.exists()


def test_the_region_list_offers_only_the_clerks_own_regions(world, login_as):
    page = login_as("xinhu_clerk").get(reverse("ledgers:import")).content.decode()
    assert "新湖街道" in page and "花桥" not in page


def test_a_file_that_is_no_spreadsheet_is_refused_on_its_page_once_the_worker_looked(
    world, login_as, tmp_path
):
    path = tmp_path / "台账.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    client = login_as("xinhu_clerk")

    answer = upload(client, path)
    work(once=True)

    upload_run = ImportRun.objects.get()
    assert upload_run.status == RunStatus.UNREADABLE and "无法读取该文件" in upload_run.failure
    page = client.get(answer.url).content.decode()
    assert "无法读取该文件" in page and "hx-trigger" not in page


def test_a_village_liaison_cannot_import(world, login_as):
    assert login_as("xinhu_village").get(reverse("ledgers:import")).status_code == 403


def test_another_header_row_sends_the_upload_back_to_the_worker(ledger, login_as):
    client = login_as("xinhu_clerk")
    url = upload(client, ledger).url
    work(once=True)
    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    assert draft.header_row == 3

    client.post(url, {**mapping_post(draft), "header_row": 2, "action": "save"})

    draft.refresh_from_db()
    assert draft.status == RunStatus.UPLOADED and 'hx-trigger="every 1s"' in client.get(url).content.decode()
    assert work(once=True) == 1
    draft.refresh_from_db()
    assert (draft.status, draft.header_row) == (RunStatus.DRAFT, 2)
    assert "表头在第 2 行" in client.get(url).content.decode()

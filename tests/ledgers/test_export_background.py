"""Exports above runs.BACKGROUND_ABOVE rows: the page queues a run and shows its progress, the worker
writes the file as the requester, and only he downloads it while his posts still cover the region.

The threshold is patched down to one row, so 新湖's two veterans (test_exports.townships) make a
large export."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.ledgers import test_exports
from tests.ledgers.test_exports import HUAQIAO, XINHU, column, read
from yizhan.accounts.models import Post
from yizhan.accounts.roles import ROLE_PERMISSIONS, Department, Perm, Role
from yizhan.audit.models import AuditEvent
from yizhan.core import jobs
from yizhan.core.masking import mask_id_number
from yizhan.ledgers.exports import runs, service
from yizhan.ledgers.exports.registry import LEDGERS
from yizhan.ledgers.exports.writer import XLSX
from yizhan.ledgers.jobs import JOBS, work
from yizhan.ledgers.models import ExportRun, ExportStatus
from yizhan.regions.models import Region

townships = test_exports.townships
without_reveal = test_exports.without_reveal
REASON = "报送区退役军人事务局"


@pytest.fixture
def background(monkeypatch):
    """Every export of more than one row goes to the background."""
    monkeypatch.setattr(runs, "BACKGROUND_ABOVE", 1)


def post_export(client, slug: str = "veterans", region: str = XINHU, *, full: bool = False):
    data = {"region": region, "reason": REASON, **({"full": "on"} if full else {})}
    return client.post(f"/ledgers/exports/{slug}/", data)


def status_url(run: ExportRun) -> str:
    return reverse("ledgers:export_run", args=[run.pk])


def download_url(run: ExportRun) -> str:
    return reverse("ledgers:export_download", args=[run.pk])


@pytest.fixture
def finished(townships, login_as, background):
    """The clerk's veterans roster of 新湖, queued and written: (his client, the done run)."""
    client = login_as("xinhu_clerk")
    post_export(client, full=True)
    assert work(once=True) == 1
    return client, ExportRun.objects.get()


def transfer_to_huaqiao(username: str) -> None:
    Post.objects.filter(user__username=username).update(ended_on=timezone.localdate())
    Post.objects.create(
        user=Post.objects.filter(user__username=username).first().user,
        role=Role.STATION_CLERK,
        department=Department.VETERANS,
        region_id=HUAQIAO,
    )


# --- queueing ------------------------------------------------------------------------------------


def test_a_large_export_is_queued_and_the_page_redirects_to_its_status(townships, login_as, background):
    response = post_export(login_as("xinhu_clerk"), full=True)
    run = ExportRun.objects.get()
    assert response.status_code == 302 and response.url == status_url(run)
    assert (run.status, run.ledger, run.region_id, run.year, run.total, run.done) == (
        ExportStatus.QUEUED, "veterans", XINHU, None, 2, 0,
    )  # fmt: skip
    assert (run.requested_by.username, run.reason, run.title) == (
        "xinhu_clerk",
        REASON,
        "德城区新湖街道退役军人花名册",
    )
    assert not AuditEvent.objects.filter(action="export").exists(), "audited once the file exists"
    queued = AuditEvent.objects.get(action="export.queue")
    assert (queued.object_type, queued.object_id, queued.region_code) == ("export_run", str(run.pk), XINHU)
    assert queued.changes == {"ledger": "退役军人花名册", "rows": 2, "full": True}


def test_an_export_at_the_threshold_is_still_downloaded_at_once(townships, login_as, monkeypatch):
    monkeypatch.setattr(runs, "BACKGROUND_ABOVE", 2)
    response = post_export(login_as("xinhu_clerk"))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert column(read(b"".join(response.streaming_content)), "姓名") == ["商春旺", "李湖滨"]
    assert not ExportRun.objects.exists()


def test_a_queued_run_settles_the_year_of_a_ledger_that_needs_one(townships, login_as, monkeypatch):
    monkeypatch.setattr(runs, "BACKGROUND_ABOVE", 0)  # 新湖 has one unregistered 18-year-old
    post_export(login_as("xinhu_head"), slug="unregistered")  # 应登未登: this year when none is given
    assert ExportRun.objects.get().year == timezone.localdate().year


def test_a_queued_export_is_claimed_by_one_worker_only(townships, login_as, background):
    post_export(login_as("xinhu_clerk"))
    export_job = next(job for job in JOBS if job.model is ExportRun)
    first, second = jobs.claim(export_job), jobs.claim(export_job)
    assert first is not None and second is None
    assert ExportRun.objects.get().status == ExportStatus.RUNNING


# --- the status page and the worker ----------------------------------------------------------------


def test_the_status_page_polls_its_progress_partial_every_second_until_done(townships, login_as, background):
    client = login_as("xinhu_clerk")
    url = post_export(client).url
    run = ExportRun.objects.get()
    page = client.get(url).content.decode()
    assert "德城区新湖街道退役军人花名册" in page and 'hx-trigger="every 1s"' in page
    assert status_url(run) in client.get("/ledgers/exports/").content.decode(), "listed on the export page"

    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert partial.lstrip().startswith('<div id="progress"') and "<html" not in partial
    assert 'data-status="queued"' in partial and "排队中" in partial and 'hx-trigger="every 1s"' in partial
    assert download_url(run) not in partial

    assert work(once=True) == 1
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="done"' in partial and "hx-trigger" not in partial, "polling stops when done"
    assert f'href="{download_url(run)}"' in partial and "100%" in partial


def test_the_worker_writes_the_file_with_progress_on_the_run_and_audits_the_export(
    townships, login_as, background, settings, monkeypatch
):
    post_export(login_as("xinhu_clerk"), full=True)
    monkeypatch.setattr(service, "PROGRESS_EVERY", 1)
    seen = []
    write_export = service.write_export

    def watched(*, progress, **kwargs):
        def and_look(done, total):
            progress(done, total)
            seen.append(ExportRun.objects.values_list("status", "done", "total").get())

        return write_export(progress=and_look, **kwargs)

    monkeypatch.setattr(service, "write_export", watched)
    assert work(once=True) == 1
    assert seen == [("running", 0, 2), ("running", 1, 2), ("running", 2, 2)]
    run = ExportRun.objects.get()
    assert (run.status, run.done, run.total, run.percent, run.full) == (ExportStatus.DONE, 2, 2, 100, True)
    exports = settings.DATA_DIR / "exports"
    assert Path(run.file_path) == exports / f"{run.pk}.xlsx" and Path(run.file_path).is_file()
    assert [p.name for p in exports.iterdir()] == [f"{run.pk}.xlsx"], "no partial file left behind"
    sealed = Path(run.file_path).read_bytes()
    assert not sealed.startswith(b"PK") and townships["xinhu"].id_number.encode() not in sealed, (
        "sealed at rest"
    )
    event = AuditEvent.objects.get(action="export")
    assert (event.actor.username, event.object_id, event.region_code, event.reason) == (
        "xinhu_clerk", "veterans", XINHU, REASON,
    )  # fmt: skip
    assert event.changes == {"ledger": "退役军人花名册", "rows": 2, "full": True}
    assert work(once=True) == 0


def test_progress_is_reported_before_the_first_row_and_every_500_rows(townships, persona, monkeypatch):
    monkeypatch.setattr(service, "PROGRESS_EVERY", 2)
    seen = []
    service.write_export(
        actor=persona("xinhu_clerk"), ledger=LEDGERS["veterans"], region=Region.objects.get(code=XINHU),
        year=None, target=io.BytesIO(), full=False, progress=lambda done, total: seen.append((done, total)),
    )  # fmt: skip
    assert seen == [(0, 2), (2, 2)]
    assert not AuditEvent.objects.filter(action="export").exists(), "the caller audits"


def test_a_run_fails_without_a_file_when_the_requester_left_the_region_before_it_ran(
    townships, login_as, background, settings
):
    post_export(login_as("xinhu_clerk"))
    transfer_to_huaqiao("xinhu_clerk")
    assert work(once=True) == 1
    run = ExportRun.objects.get()
    assert (run.status, run.failure, run.file_path) == (
        ExportStatus.FAILED,
        "申请人已无权导出该区域的此台账。",
        "",
    )
    exports = settings.DATA_DIR / "exports"
    assert not exports.exists() or not any(exports.iterdir())
    assert not AuditEvent.objects.filter(action="export").exists()


# --- the download -----------------------------------------------------------------------------------


def test_the_download_is_the_ledger_masked_for_a_requester_without_reveal(
    townships, login_as, background, without_reveal
):
    client = login_as("xinhu_clerk")
    post_export(client)
    work(once=True)
    run = ExportRun.objects.get()
    assert run.full is False
    response = client.get(download_url(run))
    assert response.status_code == 200 and response["Content-Type"] == XLSX
    assert (
        "attachment" in response["Content-Disposition"] and response["Cache-Control"] == "private, no-store"
    )
    sheet = read(b"".join(response.streaming_content))
    assert sheet[0][0] == "德城区新湖街道退役军人花名册"
    assert column(sheet, "姓名") == ["商春旺", "李湖滨"]
    assert column(sheet, "公民身份号码") == [
        mask_id_number(townships[k].id_number) for k in ("xinhu", "hubin")
    ]
    assert column(sheet, "联系电话") == ["138****1234", "138****5678"]
    event = AuditEvent.objects.get(action="export.download")
    assert (event.actor.username, event.object_type, event.object_id, event.region_code) == (
        "xinhu_clerk", "export_run", str(run.pk), XINHU,
    )  # fmt: skip
    assert event.changes == {"ledger": "退役军人花名册", "rows": 2, "full": False}


@pytest.mark.parametrize("who", ["huaqiao_clerk", "xinhu_head"])
def test_the_run_and_its_download_answer_404_to_anyone_but_the_requester(finished, login_as, who):
    _, run = finished
    client = login_as(who)  # another township's clerk; the requester's own station head
    for url, missing in [
        (status_url(run), reverse("ledgers:export_run", args=[run.pk + 1000])),
        (download_url(run), reverse("ledgers:export_download", args=[run.pk + 1000])),
    ]:
        hidden, absent = client.get(url), client.get(missing)
        assert (hidden.status_code, hidden.content) == (404, absent.content), url
    assert status_url(run) not in client.get("/ledgers/exports/").content.decode()
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_the_requester_loses_the_run_once_his_posts_no_longer_cover_the_region(finished):
    client, run = finished
    transfer_to_huaqiao("xinhu_clerk")
    assert client.get(status_url(run)).status_code == 404
    assert client.get(download_url(run)).status_code == 404


def test_a_file_in_full_is_refused_once_the_requester_lost_the_reveal_permission(finished, monkeypatch):
    client, run = finished
    assert run.full
    clerk = ROLE_PERMISSIONS[Role.STATION_CLERK]
    monkeypatch.setitem(ROLE_PERMISSIONS, Role.STATION_CLERK, clerk - {Perm.REVEAL_PII})
    assert client.get(download_url(run)).status_code == 403
    assert "现已不能下载" in client.get(status_url(run)).content.decode()
    assert not AuditEvent.objects.filter(action="export.download").exists()


def test_the_worker_deletes_files_older_than_seven_days(finished):
    client, run = finished
    path = Path(run.file_path)
    assert work(once=True) == 0 and path.is_file(), "a fresh file is kept"
    ExportRun.objects.update(finished_at=timezone.now() - runs.KEEP - datetime.timedelta(minutes=1))
    assert work(once=True) == 0
    run.refresh_from_db()
    assert not path.exists() and run.file_path == ""
    assert client.get(download_url(run)).status_code == 404
    assert "已删除" in client.get(status_url(run)).content.decode()


def test_an_export_whose_worker_died_stops_polling_and_is_written_again_by_the_next(
    townships, login_as, background, settings
):
    client = login_as("xinhu_clerk")
    url = post_export(client).url
    export_job = next(job for job in JOBS if job.model is ExportRun)
    run = jobs.claim(export_job)
    stale = timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS + 1)
    ExportRun.objects.filter(pk=run.pk).update(worker="dead-host:1:0", heartbeat_at=stale, done=1)

    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="stale"' in partial and "已中断" in partial and "hx-trigger" not in partial

    assert work(once=True) == 1
    run.refresh_from_db()
    assert (run.status, run.done, run.attempts) == (ExportStatus.DONE, 2, 2)
    assert Path(run.file_path).is_file()
    assert AuditEvent.objects.filter(action="export").count() == 1

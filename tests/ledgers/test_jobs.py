"""The job runner (core.jobs) on the import runs: who may claim a run, what a stale heartbeat
means, why a batch of a run that is no longer this worker's never commits, and the page of an
interrupted run (已中断 · 可继续 · 取消 → 撤销), which stops polling."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.ledgers import messy
from tests.ledgers.test_import_memory import generated
from yizhan.audit.models import AuditEvent
from yizhan.core import jobs
from yizhan.ledgers.importing.services import create_run, execute_run
from yizhan.ledgers.jobs import JOBS
from yizhan.ledgers.models import ExportStatus, ImportRun, ImportRunRow, RunStatus
from yizhan.people.models import Person
from yizhan.regions.models import Region

IMPORT = next(job for job in JOBS if job.name == "导入")


@pytest.fixture
def queued(world, persona, tmp_path):
    return create_run(
        actor=persona("xinhu_clerk"),
        path=generated(tmp_path / "台账.xlsx", 30),
        kind="people",
        region=Region.objects.get(code=messy.TOWNSHIP),
    )


def beat(run: ImportRun, *, seconds_ago: int) -> None:
    ImportRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(seconds=seconds_ago)
    )


def test_the_status_values_the_runner_knows_are_those_of_every_runs_table():
    for status in (jobs.QUEUED, jobs.RUNNING, jobs.DONE, jobs.FAILED, jobs.CANCELLED):
        assert status in RunStatus.values and status in ExportStatus.values


def test_a_run_is_claimed_once_and_a_live_one_is_left_to_its_worker(queued):
    assert jobs.claim(IMPORT).pk == queued.pk
    assert jobs.claim(IMPORT) is None, "running, heartbeat fresh"
    queued.refresh_from_db()
    assert (queued.status, queued.worker, queued.attempts) == (RunStatus.RUNNING, jobs.WORKER, 1)


def test_a_run_whose_heartbeat_went_stale_is_claimed_again(queued, settings):
    settings.JOB_STALE_SECONDS = 60
    jobs.claim(IMPORT)
    ImportRun.objects.filter(pk=queued.pk).update(worker="dead-host:1:0")
    beat(queued, seconds_ago=59)
    assert jobs.claim(IMPORT) is None
    beat(queued, seconds_ago=61)
    assert ImportRun.objects.get(pk=queued.pk).is_stale

    again = jobs.claim(IMPORT)

    assert (again.pk, again.worker, again.attempts) == (queued.pk, jobs.WORKER, 2)


def test_a_batch_of_a_run_taken_over_by_another_worker_is_rolled_back(queued):
    run = jobs.claim(IMPORT)
    ImportRun.objects.filter(pk=run.pk).update(worker="other-host:2:0")  # took it over meanwhile

    with pytest.raises(jobs.Lost):
        execute_run(run)

    assert not Person.objects.exists() and not ImportRunRow.objects.exists()
    assert not AuditEvent.objects.filter(action__in=["person.create", "ledger.import"]).exists()
    assert ImportRun.objects.get(pk=run.pk).worker == "other-host:2:0"


def test_a_cancelled_run_writes_no_batch_after_the_cancel(queued, persona):
    from yizhan.ledgers.importing.services import cancel_run

    run = jobs.claim(IMPORT)
    cancel_run(actor=persona("xinhu_clerk"), run=run)

    with pytest.raises(jobs.Lost):
        execute_run(run)

    assert not Person.objects.exists()
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.CANCELLED


def test_an_interrupted_run_says_so_stops_polling_and_offers_cancel_then_undo(queued, login_as, settings):
    settings.IMPORT_BATCH_ROWS = 10
    run = jobs.claim(IMPORT)
    execute_run(run)  # done: rewind it to "killed after the first batch" by hand
    ImportRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING, worker="dead-host:1:0", cursor=11)
    beat(run, seconds_ago=settings.JOB_STALE_SECONDS + 1)
    client = login_as("xinhu_clerk")
    url = reverse("ledgers:run", args=[run.pk])

    page = client.get(url).content.decode()
    assert "已中断" in page and "可继续" in page and "从第 12 行继续" in page
    assert 'data-status="stale"' in page and "hx-trigger" not in page, "the page stops polling"
    assert client.get(url, headers={"HX-Request": "true"})["HX-Refresh"] == "true"
    assert 'data-testid="cancel"' in page and 'data-testid="undo"' not in page

    client.post(reverse("ledgers:run_cancel", args=[run.pk]))
    page = client.get(url).content.decode()
    assert "已取消" in page and 'data-testid="undo"' in page
    assert AuditEvent.objects.filter(action="ledger.import.cancel", object_id=str(run.pk)).count() == 1

    client.post(reverse("ledgers:run_undo", args=[run.pk]))
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.UNDONE and not Person.objects.exists()


def test_a_run_interrupted_too_often_is_not_taken_over_again(queued, login_as, settings):
    jobs.claim(IMPORT)
    ImportRun.objects.filter(pk=queued.pk).update(worker="dead-host:1:0", attempts=jobs.MAX_ATTEMPTS)
    beat(queued, seconds_ago=settings.JOB_STALE_SECONDS + 1)

    assert jobs.claim(IMPORT) is None
    page = login_as("xinhu_clerk").get(reverse("ledgers:run", args=[queued.pk])).content.decode()
    assert f"已中断 {jobs.MAX_ATTEMPTS} 次" in page and "不再自动继续" in page and "hx-trigger" not in page


def test_a_handler_that_breaks_fails_its_run_and_the_worker_goes_on(world, persona, tmp_path):
    from yizhan.ledgers.jobs import work

    path = generated(tmp_path / "台账.xlsx", 3)
    township = Region.objects.get(code=messy.TOWNSHIP)
    vanished = create_run(
        actor=persona("xinhu_clerk"), path=path, kind="people", region=township, status="uploaded"
    )
    later = create_run(actor=persona("xinhu_clerk"), path=path, kind="people", region=township)
    path.unlink()  # the stored upload is gone before the worker reads it

    assert work(once=True) == 1

    vanished.refresh_from_db()
    later.refresh_from_db()
    assert vanished.status == RunStatus.UNREADABLE and "任务异常中止" in vanished.failure
    assert later.status == RunStatus.FAILED and later.finished_at is not None

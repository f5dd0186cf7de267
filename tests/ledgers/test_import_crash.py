"""A worker killed mid-import (kill -9, a real process): its run is noticed as stale through the
heartbeat on the row, resumed from its last committed batch by the next worker with every row
imported exactly once, or cancelled; either way it can be undone."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import connection

from tests.ledgers import messy
from tests.ledgers.test_import_memory import generated
from yizhan.accounts.models import User
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.ledgers.importing.services import cancel_run, create_run
from yizhan.ledgers.importing.undo import undo_run
from yizhan.ledgers.models import ImportRun, ImportRunRow, RunStatus
from yizhan.people.models import Person
from yizhan.regions.models import Region

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 1500
BATCH = 50
# Only so that a broken worker fails the test instead of hanging it; nothing is timed.
GIVE_UP_SECONDS = 300


def database_url() -> str:
    """The test database, as the worker subprocess must see it."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(tmp_path: Path, name: str, *, stale_seconds: int) -> subprocess.Popen:
    command = shutil.which("yizhan", path=str(Path(sys.executable).parent)) or "yizhan"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        # The same data directory as this process: the same generated keys decrypt the same rows.
        "YIZHAN_DATA_DIR": str(django_settings.CONFIG.data_dir),
        "YIZHAN_IMPORT_BATCH_ROWS": str(BATCH),
        "YIZHAN_JOB_STALE_SECONDS": str(stale_seconds),
    }
    log = open(tmp_path / f"{name}.log", "wb")  # noqa: SIM115 — the process writes it until it ends
    return subprocess.Popen(
        [command, "run_jobs", "--once", "--poll", "0.1"], env=env, stdout=log, stderr=subprocess.STDOUT
    )


def wait_for(condition, what: str, worker: subprocess.Popen | None = None):
    give_up = time.monotonic() + GIVE_UP_SECONDS
    while not (value := condition()):
        if worker is not None and worker.poll() is not None:
            pytest.fail(f"the worker exited ({worker.returncode}) before {what}")
        if time.monotonic() > give_up:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)
    return value


@pytest.fixture
def killed_run(world, tmp_path, settings):
    """A people import of ROWS rows whose worker was killed after at least one committed batch,
    and that has since gone stale."""
    settings.JOB_STALE_SECONDS = 2
    path = generated(tmp_path / "大台账.xlsx", ROWS)
    run = create_run(
        actor=User.objects.get(username="xinhu_clerk"),
        path=path,
        kind="people",
        region=Region.objects.get(code=messy.TOWNSHIP),
    )
    worker = start_worker(tmp_path, "first", stale_seconds=2)
    try:
        wait_for(lambda: ImportRun.objects.get(pk=run.pk).cursor > 0, "a committed batch", worker)
        os.kill(worker.pid, signal.SIGKILL)
    finally:
        worker.kill()
        worker.wait()
    run.refresh_from_db()
    assert run.status == RunStatus.RUNNING, "killed mid-import (the worker had not finished)"
    assert 0 < run.done < ROWS and run.cursor == run.done + 1, "the cursor is the last committed row"
    assert Person.objects.count() == run.created, "the counts describe exactly the committed batches"
    wait_for(lambda: ImportRun.objects.get(pk=run.pk).is_stale, "the heartbeat to go stale")
    return ImportRun.objects.get(pk=run.pk)


def test_a_killed_import_is_resumed_by_the_next_worker_with_every_row_once(killed_run, tmp_path):
    committed = killed_run.done

    second = start_worker(tmp_path, "second", stale_seconds=2)
    assert second.wait(timeout=GIVE_UP_SECONDS) == 0, (tmp_path / "second.log").read_text()

    run = ImportRun.objects.get(pk=killed_run.pk)
    assert run.status == RunStatus.DONE and run.attempts == 2
    assert "继续被中断的任务" in (tmp_path / "second.log").read_text()
    assert (run.rows, run.created, run.rejected) == (ROWS, ROWS, 0), (
        "rows before the cursor not counted twice"
    )
    assert Person.objects.count() == ROWS
    assert ImportRunRow.objects.filter(run=run).values("row").distinct().count() == ROWS
    created_events = AuditEvent.objects.filter(action="person.create")
    assert created_events.count() == ROWS, "the killed batch left no audit row behind"
    assert created_events.values("object_id").distinct().count() == ROWS
    assert first_broken_link() is None
    assert committed < ROWS

    undo_run(actor=User.objects.get(username="xinhu_clerk"), run=run)
    assert Person.objects.count() == 0, "the registry is back as before the import"
    assert ImportRun.objects.get(pk=run.pk).status == RunStatus.UNDONE


def test_a_killed_import_can_be_cancelled_and_undone_instead(killed_run, tmp_path):
    clerk = User.objects.get(username="xinhu_clerk")
    cancel_run(actor=clerk, run=killed_run)
    assert ImportRun.objects.get(pk=killed_run.pk).status == RunStatus.CANCELLED

    second = start_worker(tmp_path, "second", stale_seconds=2)
    assert second.wait(timeout=GIVE_UP_SECONDS) == 0
    assert Person.objects.count() == killed_run.created, "a cancelled run is not resumed"

    run = undo_run(actor=clerk, run=ImportRun.objects.get(pk=killed_run.pk))
    assert run.status == RunStatus.UNDONE and Person.objects.count() == 0
    assert first_broken_link() is None

"""The worker: the runs table is the queue. `yizhan run_jobs` claims the oldest queued run,
executes it, and looks again; deployments keep one such process running beside the web server."""

from __future__ import annotations

import time

from django.db import connection, transaction
from django.utils import timezone

from yizhan.ledgers.importing.services import execute_run
from yizhan.ledgers.models import ImportRun, RunStatus


def claim_next() -> ImportRun | None:
    """The oldest queued run, now marked running; None when the queue is empty. Two workers never
    claim the same run: the conditional update decides (and PostgreSQL skips locked rows)."""
    with transaction.atomic():
        queued = ImportRun.objects.filter(status=RunStatus.QUEUED).order_by("id")
        if connection.vendor == "postgresql":
            queued = queued.select_for_update(skip_locked=True)
        run = queued.first()
        if run is None:
            return None
        claimed = ImportRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.RUNNING, started_at=timezone.now()
        )
    return run if claimed else None


def work(*, once: bool = False, poll_seconds: float = 1.0, log=lambda message: None) -> int:
    """Executes queued runs; with `once`, until the queue is empty, else forever. Returns how
    many runs it executed."""
    executed = 0
    while True:
        run = claim_next()
        if run is None:
            if once:
                return executed
            time.sleep(poll_seconds)
            continue
        log(f"开始导入 #{run.pk}：{run.file_name}")
        run = execute_run(run)
        executed += 1
        log(f"导入 #{run.pk} {run.get_status_display()}：{run.counts()}")

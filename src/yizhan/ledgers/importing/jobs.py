"""The worker: the runs tables are the queue. `yizhan run_jobs` claims the oldest queued import run
and the oldest queued export run, executes them, and looks again; deployments keep one such process
running beside the web server. When the queues are empty it also deletes export files older than
exports.runs.KEEP (7 days), at most once an hour."""

from __future__ import annotations

import time
from typing import TypeVar

from django.db import connection, models, transaction
from django.utils import timezone

from yizhan.ledgers.exports.runs import execute_export, purge_expired
from yizhan.ledgers.importing.services import execute_run
from yizhan.ledgers.models import ExportRun, ExportStatus, ImportRun, RunStatus

R = TypeVar("R", bound=models.Model)
PURGE_EVERY_SECONDS = 3600


def _claim(queued: models.QuerySet[R], *, running: str) -> R | None:
    """The oldest run of `queued`, now marked running; None when there is none. Two workers never
    claim the same run: the conditional update decides (and PostgreSQL skips locked rows; on SQLite
    the IMMEDIATE transaction serialises the claims)."""
    with transaction.atomic():
        oldest = queued.order_by("id")
        if connection.vendor == "postgresql":
            oldest = oldest.select_for_update(skip_locked=True)
        run = oldest.first()
        if run is None:
            return None
        claimed = queued.filter(pk=run.pk).update(status=running, started_at=timezone.now())
    return run if claimed else None


def claim_next() -> ImportRun | None:
    return _claim(ImportRun.objects.filter(status=RunStatus.QUEUED), running=RunStatus.RUNNING)


def claim_next_export() -> ExportRun | None:
    return _claim(ExportRun.objects.filter(status=ExportStatus.QUEUED), running=ExportStatus.RUNNING)


def work(*, once: bool = False, poll_seconds: float = 1.0, log=lambda message: None) -> int:
    """Executes queued runs, an import and an export in turn (neither kind waits behind a long
    queue of the other); with `once`, until both queues are empty, else forever. Returns how many
    runs it executed."""
    executed = 0
    purge_due = 0.0
    while True:
        run = claim_next()
        if run is not None:
            log(f"开始导入 #{run.pk}：{run.file_name}")
            run = execute_run(run)
            executed += 1
            log(f"导入 #{run.pk} {run.get_status_display()}：{run.counts()}")
        export = claim_next_export()
        if export is not None:
            log(f"开始导出 #{export.pk}：{export.title}")
            export = execute_export(export)
            executed += 1
            log(f"导出 #{export.pk} {export.get_status_display()}：{export.done} 行")
        if run is not None or export is not None:
            continue
        if time.monotonic() >= purge_due:
            if purged := purge_expired():
                log(f"已删除 {purged} 个过期的导出文件。")
            purge_due = time.monotonic() + PURGE_EVERY_SECONDS
        if once:
            return executed
        time.sleep(poll_seconds)

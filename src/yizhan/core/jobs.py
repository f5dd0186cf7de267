"""The crash-safe job runner: the runs tables are the queue, and each run row carries who works on
it and when that worker last showed signs of life.

- A job kind (`Job`) names a runs table, the status its queued rows wait in and the status they
  run in, and the function that executes one run. The table of kinds lives with the highest app
  that owns one (today ledgers/jobs.py), so this module imports nothing above core.
- `claim` takes the oldest queued run, or a run whose worker stopped beating (its heartbeat older
  than settings.JOB_STALE_SECONDS: killed, out of memory, machine lost), in one conditional UPDATE:
  two workers never both win. The winner's token goes into `worker`.
- A handler commits its work in batches; each batch's transaction ends with `checkpoint`, which
  moves the cursor and the heartbeat *only if the row still belongs to this worker and is still
  running*. Otherwise it raises `Lost` and the batch rolls back with it: a run taken over by
  another worker, or cancelled, never gets a batch written twice or after the cancel.
- A resumed run starts after `cursor` (its last committed batch); the handler decides what the
  cursor means (the last spreadsheet row for imports).
"""

from __future__ import annotations

import datetime
import logging
import os
import socket
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.db.models import F, Q
from django.utils import timezone

logger = logging.getLogger(__name__)

QUEUED = "queued"
RUNNING = "running"
DONE = "done"
FAILED = "failed"
CANCELLED = "cancelled"
# A run whose workers died this many times (a file that kills the worker, say) is not taken over
# again: it waits, interrupted, for someone to cancel it.
MAX_ATTEMPTS = 3
# This process's token: a worker restarted with the same pid still gets a new one.
WORKER = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Lost(Exception):
    """The run is no longer this worker's (taken over after a stale heartbeat, or cancelled)."""


class JobRun(models.Model):
    """The columns every runs table adds for the runner."""

    worker = models.CharField("执行进程", max_length=100, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True, editable=False)
    # Where the last committed batch ended; a resumed run continues after it.
    cursor = models.PositiveBigIntegerField("已提交位置", default=0, editable=False)
    attempts = models.PositiveIntegerField("执行次数", default=0, editable=False)

    class Meta:
        abstract = True

    @property
    def is_stale(self) -> bool:
        """Running, but its worker has not been heard of for longer than the threshold."""
        return self.status == RUNNING and (self.heartbeat_at is None or self.heartbeat_at < stale_before())

    @property
    def given_up(self) -> bool:
        """Interrupted too often to be resumed automatically."""
        return self.is_stale and self.attempts >= MAX_ATTEMPTS


@dataclass(frozen=True)
class Job:
    name: str  # for the log
    model: type[JobRun]
    execute: Callable[[Any], Any]  # takes the claimed run, returns it finished
    describe: Callable[[Any], str] = str
    queued: str = QUEUED
    running: str = RUNNING
    failed: str = FAILED  # where a run goes when its handler raises (a bug, not a refusal)


def stale_before() -> datetime.datetime:
    return timezone.now() - datetime.timedelta(seconds=settings.JOB_STALE_SECONDS)


def stale_q(running: str = RUNNING) -> Q:
    """Running runs whose worker is presumed dead and that may still be taken over."""
    beat_lost = Q(heartbeat_at__lt=stale_before()) | Q(heartbeat_at__isnull=True)
    return Q(status=running, attempts__lt=MAX_ATTEMPTS) & beat_lost


def claim(job: Job, *, pk: int | None = None) -> Any | None:
    """The oldest claimable run of the job (or run `pk`), now this worker's; None when there is none."""
    claimable = job.model.objects.filter(Q(status=job.queued) | stale_q(job.running))
    if pk is not None:
        claimable = claimable.filter(pk=pk)
    for candidate in claimable.order_by("id").values_list("pk", flat=True)[:5]:
        # The conditional UPDATE decides: the row must still be claimable when it runs (PostgreSQL
        # re-checks the WHERE after a concurrent writer commits; SQLite serialises writers).
        now = timezone.now()
        won = claimable.filter(pk=candidate).update(
            status=job.running, worker=WORKER, heartbeat_at=now, attempts=F("attempts") + 1
        )
        if won:
            run = job.model.objects.get(pk=candidate)
            if run.started_at is None:
                job.model.objects.filter(pk=candidate).update(started_at=now)
                run.started_at = now
            return run
    return None


def checkpoint(run: JobRun, *, running: str = RUNNING, **fields: Any) -> None:
    """Records progress (and the heartbeat) if the run is still this worker's, else raises Lost.
    Call it last inside a batch's transaction, so the batch and its checkpoint commit together."""
    fields["heartbeat_at"] = timezone.now()
    updated = type(run).objects.filter(pk=run.pk, worker=run.worker, status=running).update(**fields)
    if not updated:
        raise Lost(f"{type(run).__name__} #{run.pk}")
    for name, value in fields.items():
        if not hasattr(value, "resolve_expression"):
            setattr(run, name, value)


def own(run: JobRun) -> JobRun:
    """Makes a run this worker's outright (the command line executes a run it just created)."""
    now = timezone.now()
    type(run).objects.filter(pk=run.pk).update(
        worker=WORKER, heartbeat_at=now, started_at=now, attempts=F("attempts") + 1
    )
    run.refresh_from_db()
    return run


def cancel(run: JobRun, *, cancellable: Sequence[str] = (QUEUED, RUNNING), **fields: Any) -> bool:
    """Marks the run cancelled; its worker, if alive, stops at its next checkpoint. False if the
    run had already ended."""
    with transaction.atomic():
        updated = (
            type(run)
            .objects.filter(pk=run.pk, status__in=cancellable)
            .update(status=CANCELLED, finished_at=timezone.now(), **fields)
        )
    if updated:
        run.refresh_from_db()
    return bool(updated)


def work(
    jobs: Sequence[Job],
    *,
    once: bool = False,
    poll_seconds: float = 1.0,
    idle: Callable[[], None] = lambda: None,
    log: Callable[[str], None] = lambda message: None,
) -> int:
    """Executes claimable runs, one of each job kind in turn (no kind waits behind a long queue of
    another); with `once` until nothing is claimable, else forever. `idle` runs when the queues
    are empty. Returns how many runs it executed."""
    executed = 0
    while True:
        worked = False
        for job in jobs:
            run = claim(job)
            if run is None:
                continue
            worked = True
            resumed = "（继续被中断的任务）" if run.attempts > 1 else ""
            log(f"开始{job.name} #{run.pk}{resumed}：{job.describe(run)}")
            try:
                run = job.execute(run)
            except Lost:
                log(f"{job.name} #{run.pk} 已被取消或由其他进程接手，本进程停止执行。")
                continue
            except Exception as exc:  # a handler's bug must not stop the worker nor loop on the run
                logger.exception("%s #%s failed", job.name, run.pk)
                job.model.objects.filter(pk=run.pk, worker=WORKER, status=job.running).update(
                    status=job.failed, failure=f"任务异常中止（{type(exc).__name__}），请联系系统管理员。",
                    finished_at=timezone.now(),
                )  # fmt: skip
                log(f"{job.name} #{run.pk} 异常中止：{type(exc).__name__}")
                continue
            executed += 1
            log(f"{job.name} #{run.pk} {run.get_status_display()}")
        if worked:
            continue
        idle()
        if once:
            return executed
        if not connection.in_atomic_block:  # a long-lived process: drop a broken or aged connection
            connection.close_if_unusable_or_obsolete()
        time.sleep(poll_seconds)

"""THE table of background job kinds, and the worker loop `yizhan run_jobs` runs (core.jobs is the
mechanism: claim, heartbeat, resume, cancel). Deployments keep one worker beside the web server;
`make demo` starts one. When every queue is empty the worker also deletes export files older than
exports.runs.KEEP (7 days), at most once an hour.

The table lives here, with the highest app that owns a job, so that core imports nothing above it;
when another app gains a job kind, the table moves up to the layer that sees them all."""

from __future__ import annotations

import time

from yizhan.care.generation import execute_generation
from yizhan.care.models import CampaignRun, CampaignRunStatus
from yizhan.core import jobs
from yizhan.ledgers.exports.runs import execute_export, purge_expired
from yizhan.ledgers.importing.services import analyse_upload, execute_run
from yizhan.ledgers.models import ExportRun, ImportRun, RunStatus

PURGE_EVERY_SECONDS = 3600

JOBS = (
    # An upload: limits checked, header found, first rows read for the preview page.
    jobs.Job(
        "读取上传文件", ImportRun, analyse_upload, lambda run: run.file_name,
        queued=RunStatus.UPLOADED, running=RunStatus.READING, failed=RunStatus.UNREADABLE,
    ),
    jobs.Job("导入", ImportRun, execute_run, lambda run: run.file_name),
    jobs.Job("导出", ExportRun, execute_export, lambda run: run.title),
    # A county-wide 走访慰问 campaign's households and tasks, batch by batch (care.generation).
    jobs.Job(
        "生成走访对象", CampaignRun, execute_generation, lambda run: str(run.campaign),
        queued=CampaignRunStatus.QUEUED, running=CampaignRunStatus.RUNNING, failed=CampaignRunStatus.FAILED,
    ),
)  # fmt: skip


def work(*, once: bool = False, poll_seconds: float = 1.0, log=lambda message: None) -> int:
    purge_due = 0.0

    def idle() -> None:
        nonlocal purge_due
        if time.monotonic() >= purge_due:
            if purged := purge_expired():
                log(f"已删除 {purged} 个过期的导出文件。")
            purge_due = time.monotonic() + PURGE_EVERY_SECONDS

    return jobs.work(JOBS, once=once, poll_seconds=poll_seconds, idle=idle, log=log)

"""Exports too large to write during a request: queued as an ExportRun, written by the `run_jobs`
worker as the one who asked, downloaded by him alone.

- queue_export — the export page's POST above BACKGROUND_ABOVE rows (audited "export.queue");
- execute_export — the worker's job (claimed through core.jobs): the file sealed under DATA_DIR/exports, progress on the row, and the
  "export" audit event in the transaction that marks the run done, once the file is complete;
- runs_visible_to / get_run — a run is seen by its requester only, and only while his posts still
  cover its region: anyone else, and he after a transfer, gets 404 as for a missing run;
- open_download — the finished file, each download audited ("export.download");
- purge_expired — the worker deletes files of runs finished more than KEEP (7 days) ago; the run
  stays as the record, without its file.
"""

from __future__ import annotations

import datetime
import logging
import tempfile
from pathlib import Path
from typing import IO

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from yizhan.accounts.reveal import full_values
from yizhan.accounts.roles import Perm
from yizhan.audit.services import record
from yizhan.core import files, jobs, replica
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.ledgers.exports import service
from yizhan.ledgers.exports.registry import LEDGERS, Ledger
from yizhan.ledgers.models import ExportRun, ExportStatus
from yizhan.regions.models import Region

logger = logging.getLogger(__name__)

# Above this many rows the export page queues a run instead of writing the file in the request.
BACKGROUND_ABOVE = 5000
KEEP = datetime.timedelta(days=7)


STORE = "exports"  # core.files: sealed with the column keys, 0600 in 0700


# --- reads ---------------------------------------------------------------------------------------


def runs_visible_to(user) -> QuerySet[ExportRun]:
    """The user's own runs in the regions his posts cover today."""
    return visible(user, "ledgers.ExportRun").filter(requested_by_id=user.pk).select_related("region")


def get_run(*, user, pk: int) -> ExportRun:
    return get_in_scope(runs_visible_to(user), pk=pk)


def may_download(user, run: ExportRun) -> bool:
    """He may still export the ledger, and a file in full needs the reveal permission still."""
    ledger = LEDGERS.get(run.ledger)
    return (
        ledger is not None
        and service.may_export(user, ledger)
        and (not run.full or user.can(Perm.REVEAL_PII))
    )


# --- writes --------------------------------------------------------------------------------------


@transaction.atomic
def queue_export(
    *, actor, ledger: Ledger, region: Region, year: int | None, reason: str, total: int, full: bool = False
) -> ExportRun:
    """A queued run of the export the actor asked for (the worker writes it), masked unless he
    asked for full numbers (accounts.reveal)."""
    if not service.may_export(actor, ledger):
        raise PermissionDenied("您的岗位没有导出此台账的权限。")
    full = full_values(actor, requested=full, purpose=reason)
    service.region_in_scope(actor, region.code)
    # The year settled now: a run queued on 31 December is still of that year.
    year = service.effective_year(ledger, year)
    run = ExportRun.objects.create(
        requested_by=actor, ledger=ledger.slug, title=service.title_of(ledger, region, year), region=region,
        year=year, reason=reason, full=full, total=total,
    )  # fmt: skip
    changes: dict = {"ledger": ledger.name, "rows": total, "full": run.full}
    if year:
        changes["year"] = year
    record(
        actor=actor,
        action="export.queue",
        object_type="export_run",
        object_id=run.pk,
        region_code=region.code,
        changes=changes,
        reason=reason,
    )
    return run


def execute_export(run: ExportRun) -> ExportRun:
    """Writes the run's file as its requester, with his scope and masking as they are now; the run
    ends done (file in place, export audited) or failed (no file, nothing audited). The worker has
    claimed the run (core.jobs.claim); a run resumed after its worker died is written again from
    the start, since an xlsx cannot be appended to. Raises jobs.Lost, leaving no file, when the run
    was cancelled or taken over meanwhile."""
    # Written to an anonymous temporary file, then sealed into the exports store (core.files), which
    # makes the file appear whole or not at all: a failed run leaves nothing to download.
    partial = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115 — closed below
    actor = run.requested_by

    def progress(done: int, total: int) -> None:
        jobs.checkpoint(run, done=done, total=total)

    try:
        ledger = LEDGERS[run.ledger]
        # A large export reads the replica when there is one (once it has replayed the request
        # that queued this run); its checkpoints are writes and stay on the primary.
        with replica.reads():
            export = service.write_export(
                actor=actor,
                ledger=ledger,
                region=run.region,
                year=run.year,
                target=partial,
                full=run.full,
                progress=progress,
            )
    except (Http404, PermissionDenied):
        failure = "申请人已无权导出该区域的此台账。"
    except jobs.Lost:
        partial.close()
        raise
    except Exception as exc:
        logger.exception("export run %s failed", run.pk)
        failure = f"生成中断（{type(exc).__name__}），请重新导出。"
    else:
        partial.seek(0)
        path = files.write(STORE, f"{run.pk}.xlsx", iter(lambda: partial.read(files.SEGMENT), b""))
        partial.close()
        try:
            with transaction.atomic():
                service.audit_export(
                    actor=actor, ledger=ledger, region=run.region, export=export, reason=run.reason
                )
                jobs.checkpoint(
                    run, status=ExportStatus.DONE, done=export.rows, total=export.rows, full=export.full,
                    file_path=str(path), finished_at=timezone.now(),
                )  # fmt: skip
        except jobs.Lost:
            path.unlink(missing_ok=True)
            raise
        run.refresh_from_db()
        return run
    partial.close()
    jobs.checkpoint(run, status=ExportStatus.FAILED, failure=failure, finished_at=timezone.now())
    run.refresh_from_db()
    return run


def open_download(*, user, run: ExportRun) -> IO[bytes]:
    """The finished file, opened for streaming; the download is audited. 404 while there is no
    file (not written yet, failed, or purged)."""
    if not may_download(user, run):
        raise PermissionDenied("您的岗位现已不能下载此文件。")
    if run.status != ExportStatus.DONE or not run.file_path:
        raise Http404("文件不存在或已过期。")
    try:
        handle = files.open_sealed(STORE, Path(run.file_path).name)  # FileResponse closes it
    except FileNotFoundError:
        raise Http404("文件不存在或已过期。") from None
    try:
        record(
            actor=user,
            action="export.download",
            object_type="export_run",
            object_id=run.pk,
            region_code=run.region_id,
            changes={"ledger": LEDGERS[run.ledger].name, "rows": run.done, "full": run.full},
        )
    except BaseException:
        handle.close()
        raise
    return handle


def purge_expired(*, now: datetime.datetime | None = None) -> int:
    """Deletes the files of runs finished more than KEEP ago; returns how many."""
    cutoff = (now or timezone.now()) - KEEP
    purged = 0
    for run in ExportRun.objects.filter(finished_at__lt=cutoff).exclude(file_path=""):
        Path(run.file_path).unlink(missing_ok=True)
        purged += ExportRun.objects.filter(pk=run.pk).update(file_path="")
    return purged

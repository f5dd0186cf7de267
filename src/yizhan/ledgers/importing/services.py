"""Writes of ledger imports: storing an upload, starting and executing a run, mapping templates.

A run is executed by `execute_run` — called by the `run_jobs` worker for queued runs, directly by
`import_ledger` on the command line and by tests. Auditing: one `ledger.import` event per run
with its counts and file checksum; people created in bulk (the people kind) are named in one
`ledger.import.people` event per batch; every other write (updates, service records, relations,
awards, registrations) goes through its own service and is audited there, per person.
"""

from __future__ import annotations

import logging
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from yizhan.accounts.roles import Perm
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import record
from yizhan.core.maintenance import refresh_statistics
from yizhan.ledgers import storage
from yizhan.ledgers.importing.engine import BATCH_SIZE, Importer
from yizhan.ledgers.importing.layout import locate
from yizhan.ledgers.importing.reading import UnreadableFile, open_sheet, sha256_of, source_size
from yizhan.ledgers.models import ImportKind, ImportRun, MappingTemplate, RunStatus
from yizhan.regions.models import Level, Region

logger = logging.getLogger(__name__)
MAX_UPLOAD_BYTES = 200 * 1024 * 1024
ALLOWED_SUFFIXES = {".xlsx", ".xls", ".csv", ".txt"}


def can_import(user) -> bool:
    """Holders of a post that opens the 台账 area and may edit people."""
    return user.can(Perm.EDIT_PEOPLE) and any(key == "ledgers" for key, _, _ in user.menu_areas)


def _check_actor(actor, region: Region) -> None:
    if actor is None:  # the command line without --user: the system itself
        return
    if not can_import(actor):
        raise PermissionDenied("您的岗位不能导入台账。")
    if not any(lo <= region.code < hi for lo, hi in actor.scope_bounds):
        raise PermissionDenied("只能导入到您管辖范围内的地区。")


def _check_region(region: Region) -> None:
    if region.level not in {Level.COUNTY, Level.TOWNSHIP, Level.VILLAGE}:
        raise ValidationError({"region": "导入地区须为县（区）、乡镇（街道）或村（社区）。"})


def _audit_run(actor, action: str, run: ImportRun, changes: dict) -> AuditEvent:
    return record(
        actor=actor,
        action=action,
        object_type="import_run",
        object_id=run.pk,
        region_code=run.region_id,
        changes={"kind": run.kind, "file": run.file_name, "sha256": run.file_sha256, **changes},
    )


@transaction.atomic
def create_run(
    *,
    actor,
    path: Path | str,
    kind: str,
    region: Region,
    dry_run: bool = False,
    file_name: str = "",
    status: str = RunStatus.QUEUED,
) -> ImportRun:
    """A run over a file already on disk (the command line's path, or a stored upload)."""
    if kind not in ImportKind.values:
        raise ValidationError({"kind": f"台账类型只能是：{'、'.join(ImportKind.values)}。"})
    _check_region(region)
    _check_actor(actor, region)
    path = Path(path).resolve()
    if not path.is_file():
        raise ValidationError({"file": f"文件不存在：{path.name}"})
    return ImportRun.objects.create(
        kind=kind,
        region=region,
        file_name=file_name or path.name,
        source_path=str(path),
        file_sha256=sha256_of(path),
        file_size=source_size(path),
        dry_run=dry_run,
        status=status,
        created_by=actor,
    )


def upload(*, actor, kind: str, region: Region, file_name: str, chunks) -> ImportRun:
    """Stores an uploaded file sealed (ledgers.storage) and returns a draft run with
    the detected header row and column mapping, saved templates applied."""
    suffix = Path(file_name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ValidationError({"file": "请上传 xlsx、xls 或 csv 文件。"})
    size = 0

    def limited():
        nonlocal size
        for chunk in chunks:
            size += len(chunk)
            if size > MAX_UPLOAD_BYTES:
                raise ValidationError({"file": "文件超过 200 MB，请拆分后上传，或使用命令行导入。"})
            yield chunk

    stored = storage.write_source(limited(), suffix=suffix)
    if size == 0:
        stored.unlink()
        raise ValidationError({"file": "文件是空的。"})
    try:
        rows = open_sheet(stored).rows()
        first = next(rows, None)
    except UnreadableFile as exc:
        raise ValidationError({"file": str(exc)}) from None
    if first is None:
        raise ValidationError({"file": "文件中没有任何内容。"})
    try:
        layout, _ = locate(open_sheet(stored).rows(), kind, extra_headers=template_headers(kind, region))
        header_row, mapping = layout.header_row, layout.mapping()
    except UnreadableFile:  # no known header: the clerk names the header row and columns
        header_row, mapping = 1, {}
    with transaction.atomic():  # the draft and its audit event, or neither
        run = create_run(
            actor=actor,
            path=stored,
            kind=kind,
            region=region,
            file_name=Path(file_name).name[:255],
            status=RunStatus.DRAFT,
        )
        run.header_row, run.mapping = header_row, mapping
        run.save(update_fields=["header_row", "mapping"])
        _audit_run(actor, "ledger.import.upload", run, {"size": run.file_size})
    return run


def template_headers(kind: str, region: Region) -> dict[str, str]:
    """{header spelling: field} of the saved templates of this kind at the region or above it,
    newer templates winning."""
    codes = [r.code for r in [*region.ancestors(), region]]
    merged: dict[str, str] = {}
    for template in MappingTemplate.objects.filter(kind=kind, region_id__in=codes).order_by("id"):
        merged.update(template.mapping)
    return merged


@transaction.atomic
def save_template(*, actor, draft: ImportRun, name: str, headers: dict[int, str]) -> MappingTemplate:
    """Saves the draft's mapping by header text, for later uploads of the same kind."""
    name = name.strip()
    if not name:
        raise ValidationError({"template_name": "请填写模板名称。"})
    mapping = {headers[int(i)]: field for i, field in draft.mapping.items() if headers.get(int(i))}
    template, _ = MappingTemplate.objects.update_or_create(
        region=draft.region,
        kind=draft.kind,
        name=name[:100],
        defaults={"mapping": mapping, "created_by": actor},
    )
    record(
        actor=actor,
        action="ledger.template.save",
        object_type="mapping_template",
        object_id=template.pk,
        region_code=draft.region_id,
        changes={"name": template.name, "kind": template.kind, "columns": len(mapping)},
    )
    return template


@transaction.atomic
def set_mapping(*, actor, draft: ImportRun, header_row: int, mapping: dict[str, str]) -> ImportRun:
    if draft.status != RunStatus.DRAFT:
        raise ValidationError("该文件已开始导入，不能再修改列对应。")
    draft.header_row, draft.mapping = header_row, mapping
    draft.save(update_fields=["header_row", "mapping"])
    _audit_run(actor, "ledger.import.mapping", draft, {"header_row": header_row, "mapping": mapping})
    return draft


@transaction.atomic
def start_run(*, actor, draft: ImportRun, dry_run: bool) -> ImportRun:
    """Queues an execution of a draft with its confirmed mapping (a dry run or the real one)."""
    if draft.status != RunStatus.DRAFT:
        raise ValidationError("只能从待确认的上传文件开始导入。")
    _check_actor(actor, draft.region)
    run = ImportRun.objects.create(
        kind=draft.kind, region=draft.region, file_name=draft.file_name, source_path=draft.source_path,
        file_sha256=draft.file_sha256, file_size=draft.file_size, header_row=draft.header_row,
        mapping=draft.mapping, dry_run=dry_run, status=RunStatus.QUEUED, created_by=actor, draft=draft,
    )  # fmt: skip
    _audit_run(actor, "ledger.import.queue", run, {"dry_run": dry_run})
    return run


# Rows created by one run after which the planner's statistics are refreshed.
STATISTICS_AFTER = 1000


def execute_run(run: ImportRun, *, batch_size: int = BATCH_SIZE) -> ImportRun:
    """Runs the import (the worker's job); the run ends done or failed, never half-recorded:
    each batch is its own transaction, and counts always describe the committed batches."""
    updated = ImportRun.objects.filter(pk=run.pk, status__in=[RunStatus.QUEUED, RunStatus.RUNNING]).update(
        status=RunStatus.RUNNING, started_at=timezone.now()
    )
    if not updated:
        raise ValidationError("该导入不在排队中。")
    run.refresh_from_db()
    status, failure = RunStatus.DONE, ""
    try:
        Importer(run, batch_size=batch_size).execute()
    except UnreadableFile as exc:
        status, failure = RunStatus.FAILED, str(exc)
    except Exception as exc:
        logger.exception("import run %s failed", run.pk)
        status, failure = RunStatus.FAILED, f"导入中断（{type(exc).__name__}），已导入的批次保留，可撤销。"
    run.refresh_from_db()
    with transaction.atomic():
        event = _audit_run(
            run.created_by,
            "ledger.import",
            run,
            {"dry_run": run.dry_run, "status": status, "counts": run.counts(), "failure": failure},
        )
        ImportRun.objects.filter(pk=run.pk).update(
            status=status, failure=failure, finished_at=timezone.now(), audit_mark=event.pk
        )
    run.refresh_from_db()
    if not run.dry_run and run.created >= STATISTICS_AFTER:
        refresh_statistics()  # a large import changes what the planner should choose
    return run


def import_file(
    *,
    actor,
    path: Path | str,
    kind: str,
    region_code: str,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
) -> ImportRun:
    """The whole import of a file on disk, synchronously: the command line's path and the
    fastest way through the real code (benchmarks call this)."""
    region = Region.objects.filter(code=region_code).first()
    if region is None:
        raise ValidationError({"region": f"没有区划代码为 {region_code} 的地区。"})
    run = create_run(actor=actor, path=path, kind=kind, region=region, dry_run=dry_run)
    return execute_run(run, batch_size=batch_size)

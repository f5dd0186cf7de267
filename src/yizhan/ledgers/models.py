"""Ledger imports: each run recorded (who, what file, counts, outcome of every row that changed
something or was rejected), mapping templates, and the household numbers of imported ledgers;
and the exports too large to write during a request.

A run (import or export) is also its own job: status queued → running → done/failed/cancelled,
with progress, heartbeat and cursor on the row (core.jobs.JobRun); the `run_jobs` worker claims
queued runs and runs whose worker died (the runs tables are the queue, see ledgers/jobs.py).
An upload is read by the worker too (uploaded → reading → draft) before the clerk sees it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from yizhan.core import jobs
from yizhan.people.models import Household, Person
from yizhan.regions.models import Region


class ImportKind(models.TextChoices):
    PEOPLE = "people", "人员（户）"
    VETERANS = "veterans", "退役军人 / 现役军人（服役记录）"
    FAMILIES = "families", "军人家属（亲属关系）"
    REGISTRATIONS = "registrations", "兵役登记"
    AWARDS = "awards", "立功受奖"


class RunStatus(models.TextChoices):
    # An upload waits for the worker to check its limits and read its header and first rows.
    UPLOADED = "uploaded", "待读取"
    READING = "reading", "读取中"
    DRAFT = "draft", "待确认"  # read, mapping being checked; never executed
    UNREADABLE = "unreadable", "无法读取"  # refused by the limits, or not a spreadsheet
    QUEUED = jobs.QUEUED, "排队中"
    RUNNING = jobs.RUNNING, "导入中"
    DONE = jobs.DONE, "已完成"
    FAILED = jobs.FAILED, "失败"
    CANCELLED = jobs.CANCELLED, "已取消"
    UNDONE = "undone", "已撤销"


# The statuses of an upload (a draft), as opposed to an executed run.
UPLOAD_STATUSES = (RunStatus.UPLOADED, RunStatus.READING, RunStatus.DRAFT, RunStatus.UNREADABLE)


class Outcome(models.TextChoices):
    CREATED = "created", "新增"
    UPDATED = "updated", "更新"
    UNCHANGED = "unchanged", "无变化"
    REJECTED = "rejected", "未导入"
    IGNORED_BLANK = "ignored_blank", "空行"


class ImportRun(jobs.JobRun):
    kind = models.CharField("台账类型", max_length=20, choices=ImportKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="导入地区")
    file_name = models.CharField("文件名", max_length=255)
    # Where the worker and the report writer read the file: under DATA_DIR/imports for uploads,
    # the given path for the command line. Never under a static or media URL.
    source_path = models.CharField(max_length=1000, editable=False)
    file_sha256 = models.CharField("文件校验值", max_length=64)
    file_size = models.PositiveBigIntegerField("文件大小", default=0)
    header_row = models.PositiveIntegerField("表头行", null=True, blank=True)
    # {column index (as a string): field key}; empty means detect from the header synonyms.
    mapping = models.JSONField("列对应", default=dict, blank=True)
    # What the worker read for the preview page: {"headers": {index: text}, "rows": [[n, [cells]]]},
    # ID numbers and phones masked.
    preview = models.JSONField("预览", default=dict, blank=True, editable=False)
    dry_run = models.BooleanField("试运行", default=False)
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField("总行数（估计）", null=True, blank=True)
    done = models.PositiveIntegerField("已处理行数", default=0)
    rows = models.PositiveIntegerField("数据行", default=0)
    created = models.PositiveIntegerField("新增", default=0)
    updated = models.PositiveIntegerField("更新", default=0)
    unchanged = models.PositiveIntegerField("无变化", default=0)
    rejected = models.PositiveIntegerField("未导入", default=0)
    ignored_blank = models.PositiveIntegerField("空行", default=0)
    failure = models.TextField("失败原因", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="操作人"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # The draft this run was started from (the upload whose mapping the clerk confirmed).
    draft = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="runs")
    # The highest audit event id when the run finished: a later event on one of its people means
    # someone touched that person after the import (undo refuses then).
    audit_mark = models.BigIntegerField(default=0)
    undone_at = models.DateTimeField("撤销时间", null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "台账导入"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="importrun_queue")]

    def __str__(self) -> str:
        return f"导入#{self.pk} {self.get_kind_display()} {self.file_name}"

    @property
    def percent(self) -> int:
        if self.status in {RunStatus.DONE, RunStatus.UNDONE}:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in {RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED, RunStatus.UNDONE}

    @property
    def can_undo(self) -> bool:
        return not self.dry_run and self.status in {RunStatus.DONE, RunStatus.FAILED, RunStatus.CANCELLED}

    @property
    def can_cancel(self) -> bool:
        return self.status in {RunStatus.QUEUED, RunStatus.RUNNING}

    def counts(self) -> dict[str, int]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "ignored_blank": self.ignored_blank,
        }


class ImportRunRow(models.Model):
    """One spreadsheet row of a run that created, updated or was rejected (unchanged and blank
    rows are only counted). Enough to write the error report and to undo the run."""

    # No index of its own: importrow_outcome (run, outcome, row) serves every lookup by run, and
    # an import writes one of these a row.
    run = models.ForeignKey(ImportRun, on_delete=models.CASCADE, related_name="row_results", db_index=False)
    row = models.PositiveIntegerField("行号")  # as Excel shows it, 1-based
    outcome = models.CharField("结果", max_length=15, choices=Outcome.choices)
    # [{"column": header text, "value": masked cell, "reason": Chinese sentence}] when rejected.
    errors = models.JSONField(default=list, blank=True)
    person = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    person_created = models.BooleanField(default=False)
    person_version = models.PositiveIntegerField(null=True, blank=True)  # right after this run's write
    # For an updated person: {field: value before} (only ever empty values or a township region).
    previous = models.JSONField(default=dict, blank=True)
    # What the row created besides the person, in creation order: [["app_label.model", pk]].
    records = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = "导入行结果"
        ordering = ["run", "row"]
        indexes = [models.Index(fields=["run", "outcome", "row"], name="importrow_outcome")]

    def __str__(self) -> str:
        return f"第 {self.row} 行：{self.get_outcome_display()}"


class MappingTemplate(models.Model):
    """A clerk's saved column mapping (header text → field), applied to later uploads of the kind."""

    name = models.CharField("模板名称", max_length=100)
    kind = models.CharField("台账类型", max_length=20, choices=ImportKind.choices)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="地区")
    mapping = models.JSONField("表头对应", default=dict)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "导入模板"
        ordering = ["-id"]
        constraints = [
            models.UniqueConstraint(fields=["region", "kind", "name"], name="mapping_template_unique_name")
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdKey(models.Model):
    """The household number (户号) a ledger used, so re-importing it finds the same 户."""

    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    key = models.CharField("户号", max_length=50)
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = "台账户号"
        constraints = [models.UniqueConstraint(fields=["region", "key"], name="household_key_unique")]

    def __str__(self) -> str:
        return self.key


class ExportStatus(models.TextChoices):
    QUEUED = jobs.QUEUED, "排队中"
    RUNNING = jobs.RUNNING, "生成中"
    DONE = jobs.DONE, "已完成"
    FAILED = jobs.FAILED, "失败"
    CANCELLED = jobs.CANCELLED, "已取消"


class ExportRun(jobs.JobRun):
    """A ledger export too large to write during the request: queued by the export page, written
    by the worker as its requester, downloaded by him alone (see exports/runs.py)."""

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    ledger = models.CharField("台账", max_length=40)  # the slug in exports.registry.LEDGERS
    title = models.CharField("标题", max_length=200)
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name="区域")
    year = models.PositiveIntegerField("年度", null=True, blank=True)
    reason = models.CharField("用途", max_length=100)
    # Personal numbers in full: asked for explicitly, with a purpose, by a holder of REVEAL_PII
    # (accounts.reveal); the worker asks for the permission again when it writes the file.
    full = models.BooleanField("含完整个人号码", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ExportStatus.choices, default=ExportStatus.QUEUED
    )
    total = models.PositiveIntegerField("总行数", null=True, blank=True)
    done = models.PositiveIntegerField("已写入行数", default=0)
    # Under DATA_DIR/exports, never under a static or media URL; "" until written and once purged.
    file_path = models.CharField(max_length=1000, blank=True, editable=False)
    failure = models.TextField("失败原因", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "台账导出"
        ordering = ["-id"]
        indexes = [models.Index(fields=["status", "id"], name="exportrun_queue")]

    def __str__(self) -> str:
        return f"导出#{self.pk} {self.title}"

    @property
    def percent(self) -> int:
        if self.status == ExportStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, self.done * 100 // self.total)

    @property
    def is_finished(self) -> bool:
        return self.status in {ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.CANCELLED}

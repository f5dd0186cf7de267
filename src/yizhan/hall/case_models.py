"""办件 (service cases): what a visit to a window opens, its materials, its steps, its rating.

A case is the station's (like its ticket): opened at the window from a called ticket or at the
desk for a person of the registry, it runs 受理 → 办理中 → 办结 (or 补正, 不予受理, 转办) by the table
in hall/case_services.py, and closes itself when the workflow it opened records its fact (the
lifecycle event named in hall/effects.py). 好差评 is the visitor's, written once, never by staff.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yizhan.regions.models import Region

__all__ = [
    "BAD_LEVELS", "OPEN_CASE_STATES", "ApplicantKind", "CaseMaterial", "CaseState", "CaseStep", "MaterialStatus",
    "Rating", "RatingChannel", "RatingLevel", "Rectification", "ServiceCase",
]  # fmt: skip


class CaseState(models.TextChoices):
    ACCEPTED = "accepted", "已受理"
    IN_PROGRESS = "in_progress", "办理中"
    CORRECTION = "correction", "补正中"
    DONE = "done", "已办结"
    REFUSED = "refused", "不予受理"
    REFERRED = "referred", "已转办"


class ApplicantKind(models.TextChoices):
    """Who stands at the window (帮办代办: a relative or an agent is named, with the relation)."""

    SELF = "self", "本人"
    RELATIVE = "relative", "亲属代办"
    AGENT = "agent", "委托代理人"


class ServiceCase(models.Model):
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="hall_cases", verbose_name="站点"
    )
    item = models.ForeignKey(
        "hall.ServiceItem", on_delete=models.PROTECT, related_name="cases", verbose_name="事项"
    )
    # One case on one ticket (a bundle, 一件事一次办, is one case with steps).
    ticket = models.OneToOneField(
        "hall.Ticket",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="case",
        verbose_name="排队号",
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="hall_cases", verbose_name="办事人"
    )
    applicant_kind = models.CharField(
        "申请人", max_length=20, choices=ApplicantKind.choices, default=ApplicantKind.SELF
    )
    applicant_name = models.CharField("代办人姓名", max_length=50, blank=True)
    applicant_relation = models.CharField("与本人关系", max_length=50, blank=True)
    state = models.CharField("状态", max_length=20, choices=CaseState.choices, default=CaseState.ACCEPTED)
    accepted_at = models.DateTimeField("受理时间")
    accepted_on = models.DateField("受理日期")
    # 承诺件: the promised day (working days from 受理, moved on by the days spent in 补正).
    due_on = models.DateField("承诺办结日期", null=True, blank=True)
    correction_since = models.DateField("补正开始日期", null=True, blank=True)
    overdue_since = models.DateField("超期日期", null=True, blank=True)
    finished_at = models.DateTimeField("办结时间", null=True, blank=True)
    finished_on = models.DateField("办结日期", null=True, blank=True)
    # The reason of a refusal, the office of a referral, what a 补正 waits for.
    note = models.TextField("说明", blank=True)
    closed_by_event = models.ForeignKey(
        "lifecycle.DomainEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="办结依据",
    )  # fmt: skip
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    # The visitor's rating link (QR code): only its hash is kept; spent once the rating is given.
    rating_token_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)

    class Meta:
        verbose_name = "办件"
        ordering = ["-accepted_at", "-id"]
        indexes = [models.Index(fields=["region", "state", "due_on"], name="hall_case_region_state")]

    def __str__(self) -> str:
        return f"{self.item}（{self.get_state_display()}）"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_CASE_STATES

    @property
    def number(self) -> str:
        return f"{self.accepted_on:%Y%m%d}{self.pk:05d}"


OPEN_CASE_STATES = (CaseState.ACCEPTED, CaseState.IN_PROGRESS, CaseState.CORRECTION)


class MaterialStatus(models.TextChoices):
    RECEIVED = "received", "已收取"
    MISSING = "missing", "缺少"
    ON_FILE = "on_file", "已有登记，免提交"


class CaseMaterial(models.Model):
    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey("hall.Material", on_delete=models.PROTECT, related_name="+")
    status = models.CharField("情况", max_length=20, choices=MaterialStatus.choices)

    class Meta:
        verbose_name = "办件材料"
        ordering = ["material__order", "material_id"]
        constraints = [models.UniqueConstraint(fields=["case", "material"], name="hall_case_material_once")]

    def __str__(self) -> str:
        return f"{self.material}（{self.get_status_display()}）"


class CaseStep(models.Model):
    """A sub-step of a bundle (一件事一次办): ticked when its fact is recorded."""

    case = models.ForeignKey(ServiceCase, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    workflow = models.CharField("环节", max_length=40)
    optional = models.BooleanField("可选", default=False)
    done_on = models.DateField("完成日期", null=True, blank=True)
    done_by_event = models.ForeignKey(
        "lifecycle.DomainEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # A step done by hand (a workflow not built yet, e.g. 档案接收 without its own form).
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "一件事环节"
        ordering = ["case", "order"]
        constraints = [models.UniqueConstraint(fields=["case", "workflow"], name="hall_case_step_once")]

    def __str__(self) -> str:
        return f"{self.case} · {self.workflow}"


# What a rating may say besides its level (好差评's 评价指标), by code.
INDICATORS = {
    "efficiency": "办事效率高",
    "attitude": "服务态度好",
    "guide": "办事指南清楚",
    "once": "一次办成",
    "materials": "材料精简",
    "facilities": "环境设施好",
    "slow": "等候或办理时间长",
    "unclear": "告知不清楚",
    "repeat": "需要多次跑",
}


class RatingLevel(models.TextChoices):
    VERY_SATISFIED = "5", "非常满意"
    SATISFIED = "4", "满意"
    BASICALLY_SATISFIED = "3", "基本满意"
    DISSATISFIED = "2", "不满意"
    VERY_DISSATISFIED = "1", "非常不满意"


# The bottom two are a 差评 (国办发〔2019〕51号): verified, fixed and followed by a return visit.
BAD_LEVELS = (RatingLevel.DISSATISFIED, RatingLevel.VERY_DISSATISFIED)


class RatingChannel(models.TextChoices):
    PAD = "pad", "窗口评价器"
    QR = "qr", "扫码评价"


class Rating(models.Model):
    """The visitor's 好差评 of one case: written once by the visitor's page; no staff path edits it."""

    case = models.OneToOneField(ServiceCase, on_delete=models.PROTECT, related_name="rating")
    level = models.CharField("评价", max_length=1, choices=RatingLevel.choices)
    indicators = models.JSONField("评价指标", default=list)  # codes of INDICATORS
    comment = models.TextField("意见建议", blank=True)
    channel = models.CharField("评价渠道", max_length=10, choices=RatingChannel.choices)
    rated_at = models.DateTimeField("评价时间", auto_now_add=True)

    class Meta:
        verbose_name = "好差评"
        constraints = [
            models.CheckConstraint(condition=Q(level__in=["1", "2", "3", "4", "5"]), name="hall_rating_level")
        ]

    def __str__(self) -> str:
        return self.get_level_display()

    @property
    def indicator_labels(self) -> list[str]:
        return [INDICATORS.get(code, code) for code in self.indicators]

    @property
    def is_bad(self) -> bool:
        return self.level in BAD_LEVELS


class Rectification(models.Model):
    """差评整改: the station head verifies the complaint, fixes it and visits the visitor again."""

    rating = models.OneToOneField(Rating, on_delete=models.PROTECT, related_name="rectification")
    task = models.OneToOneField("worklist.Task", on_delete=models.PROTECT, related_name="rectification")
    due_on = models.DateField("整改时限")
    check_note = models.TextField("核实情况", blank=True)
    fix_note = models.TextField("整改措施", blank=True)
    return_visit_note = models.TextField("回访情况", blank=True)
    return_visit_on = models.DateField("回访日期", null=True, blank=True)
    closed_on = models.DateField("整改完成日期", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "差评整改"

    def __str__(self) -> str:
        return f"差评整改：{self.rating.case}"

"""Tasks (待办): the work the lifecycle rules and the daily tick hand to each department."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone


class TaskDepartment(models.TextChoices):
    ARMED_FORCES = "armed_forces", "武装部"
    VETERANS = "veterans", "服务站"
    JOINT = "joint", "部站联办"


class TaskStatus(models.TextChoices):
    OPEN = "open", "待办"
    IN_PROGRESS = "in_progress", "办理中"
    DONE = "done", "已办结"
    CANCELLED = "cancelled", "已取消"


OPEN_STATUSES = [TaskStatus.OPEN, TaskStatus.IN_PROGRESS]


class Escalation(models.TextChoices):
    """Whom an overdue task was put before: the station head, or — while the station has none —
    the county officer, until a head is appointed."""

    COUNTY = "county", "区县督办"
    HEAD = "head", "站长督办"


class TaskKind(models.TextChoices):
    GIFT_PACK = "gift_pack", "送入伍礼包（光荣牌＋优待服务指南＋安置政策手册）"
    HONOR_PLAQUE = "honor_plaque", "悬挂光荣牌"
    ALLOWANCE_RECIPIENT = "allowance_recipient", "确定优待金领取人"
    MERIT_NOTICE = "merit_notice", "送喜报"
    DISCHARGE_CHECKIN = "discharge_checkin", "退役报到"
    RESERVE_REGISTRATION = "reserve_registration", "预备役登记"
    FILE_TRANSFER = "file_transfer", "档案接收"
    PROFILE_RECORD = "profile_record", "建档立卡"
    CONDOLENCE_VISIT = "condolence_visit", "慰问遗属"
    COMPENSATION = "compensation", "抚恤办理"
    PAID_ITEM_CORRECTED = "paid_item_corrected", "更正涉及已发放款项（区县核处）"
    CARD_HANDOUT = "card_handout", "领取优待证（通知本人，签收发放）"
    RATING_RECTIFICATION = "rating_rectification", "差评整改（核实、整改、回访）"
    CAMPAIGN_VISIT = "campaign_visit", "走访慰问（活动）"
    CONTACT_DUE = "contact_due", "常态化联系"
    OTHER = "other", "其他"


# The work a grid's liaison is given because the household lies in his grid (走访慰问活动, 常态化联系):
# it follows the household into another grid (worklist.services.follow_grid).
GRID_WORK = [TaskKind.CAMPAIGN_VISIT, TaskKind.CONTACT_DUE]


class Task(models.Model):
    kind = models.CharField("事项", max_length=40, choices=TaskKind.choices)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    department = models.CharField("部门", max_length=20, choices=TaskDepartment.choices)
    region_code = models.CharField("区划", max_length=12, db_index=True)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    due_on = models.DateField("办理时限")
    status = models.CharField("状态", max_length=20, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    overdue_since = models.DateField("逾期日期", null=True, blank=True)
    escalated_to = models.CharField("督办", max_length=10, choices=Escalation.choices, blank=True)
    outcome = models.TextField("办理结果", blank=True)
    # Why the task exists: the event and the rule that created it.
    cause = models.ForeignKey(
        "lifecycle.DomainEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    rule = models.CharField("规则", max_length=80)
    # "event:<pk>" of the fact that cancelled it (a 退兵 cancels the gift pack): withdrawing that
    # fact opens the task again (desk/rules.py REVERSE_THE_ORIGINAL).
    cancelled_by = models.CharField(max_length=30, blank=True)
    # Subject and period make the task unique per rule: replays and repeated ticks add nothing.
    subject_key = models.CharField(max_length=40)
    period = models.CharField(max_length=20, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "待办"
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key", "period"], name="task_once_per_rule_subject_period"
            )
        ]
        indexes = [models.Index(fields=["region_code", "status", "due_on"], name="task_region_status_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject_name}"

    @property
    def subject_name(self) -> str:
        if self.person_id:
            return self.person.name
        return str(self.household) if self.household_id else ""

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.is_open and self.due_on < (today or timezone.localdate())

    @staticmethod
    def open_q() -> Q:
        return Q(status__in=OPEN_STATUSES)

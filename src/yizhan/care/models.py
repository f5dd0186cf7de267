"""走访慰问: the work done at a family's door — 喜报 deliveries, 入伍礼包 deliveries and visits.

Each record names the task it closed (if a task called for it) and copies the person's region
code, so every read scopes by one indexed range. Writes go through care.services only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from yizhan.care.groups import label_of
from yizhan.core.jobs import JobRun
from yizhan.people.models import AwardLevel


class DeliveryLevel(models.TextChoices):
    TOWNSHIP = "township", "乡镇（街道）"
    COUNTY = "county", "县（区）"
    CITY = "city", "市"


# 立功受奖军人家庭送喜报工作办法 (2020): the higher the award, the higher the level that delivers
# it; which level delivers which award is a rule value (参数设置, care.services.delivery_level_for).
DELIVERY_LEVEL_POLICY = {
    AwardLevel.BAYI_MEDAL: "merit_notice.level.bayi_medal",
    AwardLevel.HONORARY_TITLE: "merit_notice.level.honorary_title",
    AwardLevel.FIRST_CLASS: "merit_notice.level.first_class",
    AwardLevel.SECOND_CLASS: "merit_notice.level.second_class",
    AwardLevel.THIRD_CLASS: "merit_notice.level.third_class",
    AwardLevel.OUTSTANDING_SOLDIER: "merit_notice.level.outstanding_soldier",
    AwardLevel.FOUR_HAVES: "merit_notice.level.four_haves",
}


# The 入伍礼包 of 娄底: all three handed over in one visit. (field name, label)
GIFT_PACK_ITEMS = [
    ("plaque", "光荣之家牌"),
    ("service_guide", "军人军属优待服务指南"),
    ("policy_handbook", "退役安置政策法规手册"),
]


class VisitReason(models.TextChoices):
    CONDOLENCE = "condolence", "慰问遗属"
    SPRING_FESTIVAL = "spring_festival", "春节走访慰问"
    AUGUST_FIRST = "august_first", "八一走访慰问"
    HARDSHIP = "hardship", "困难帮扶慰问"
    DOUBLE_NINTH = "double_ninth", "重阳走访慰问"
    OTHER = "other", "其他走访"


class CareRecord(models.Model):
    """What every record at a family's door shares: who, where, which task, who recorded it."""

    # The task this work closed; null for work no task called for (e.g. a campaign visit).
    task = models.OneToOneField(
        "worklist.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="%(class)s"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="对象"
    )
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    region_code = models.CharField("区划", max_length=12)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        abstract = True


class MeritNoticeDelivery(CareRecord):
    """喜报送达: one per award, delivered jointly to the family address the soldier named."""

    award = models.OneToOneField(
        "people.Award", on_delete=models.PROTECT, related_name="merit_notice", verbose_name="立功受奖"
    )
    level = models.CharField("送达层级", max_length=20, choices=DeliveryLevel.choices)
    family_address = models.CharField("家庭地址", max_length=200)
    delivered_on = models.DateField("送达日期")
    participants = models.TextField("送达人员")
    photo = models.ForeignKey(
        "people.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="照片",
    )
    family_signed = models.BooleanField("家属已签收", default=False)
    signer_name = models.CharField("签收人", max_length=50, blank=True)
    logged_on = models.DateField("登记日期")
    # Two working days after the award event; a later log is recorded and flagged, not refused.
    log_due_on = models.DateField("登记时限")
    logged_late = models.BooleanField("逾期登记", default=False)

    class Meta:
        verbose_name = "喜报送达"
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["region_code", "delivered_on"], name="merit_notice_region_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(family_signed=False) | ~Q(signer_name=""), name="merit_notice_signer_named"
            ),
            models.CheckConstraint(
                condition=Q(logged_late=True, logged_on__gt=F("log_due_on"))
                | Q(logged_late=False, logged_on__lte=F("log_due_on")),
                name="merit_notice_late_flag_matches_dates",
            ),
        ]

    def __str__(self) -> str:
        return f"喜报送达：{self.person}（{self.award.get_level_display()}）"


class GiftPackDelivery(CareRecord):
    """入伍礼包: the plaque, the guide and the handbook, handed over together to the family."""

    delivered_on = models.DateField("送达日期")
    received_by = models.CharField("签收家属", max_length=50)
    plaque = models.BooleanField("光荣之家牌")
    service_guide = models.BooleanField("军人军属优待服务指南")
    policy_handbook = models.BooleanField("退役安置政策法规手册")
    signed = models.BooleanField("家属已签字", default=False)
    notes = models.TextField("备注", blank=True)

    class Meta:
        verbose_name = "入伍礼包送达"
        ordering = ["-delivered_on", "-id"]
        indexes = [models.Index(fields=["region_code", "delivered_on"], name="gift_pack_region_date")]
        constraints = [
            models.CheckConstraint(
                condition=Q(plaque=True, service_guide=True, policy_handbook=True),
                name="gift_pack_delivered_whole",
            ),
        ]

    def __str__(self) -> str:
        return f"入伍礼包：{self.person}"


class CondolenceVisit(CareRecord):
    """走访慰问: a visit to a family — condolence to 三属 now, the 春节/八一 campaigns later."""

    reason = models.CharField("走访类别", max_length=20, choices=VisitReason.choices)
    visited_on = models.DateField("走访日期")
    participants = models.TextField("走访人员")
    money = models.DecimalField("慰问金（元）", max_digits=10, decimal_places=2, default=0)
    goods = models.TextField("慰问品", blank=True)
    notes = models.TextField("走访情况", blank=True)
    photo = models.ForeignKey(
        "people.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="照片",
    )

    class Meta:
        verbose_name = "走访慰问"
        ordering = ["-visited_on", "-id"]
        indexes = [models.Index(fields=["region_code", "visited_on"], name="visit_region_date")]
        constraints = [
            models.CheckConstraint(condition=Q(money__gte=0), name="visit_money_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}：{self.person}"


# --- 走访慰问活动 (campaigns) and 常态化联系 (regular contact) --------------------------------


class Occasion(models.TextChoices):
    SPRING_FESTIVAL = "spring_festival", "春节走访慰问"
    AUGUST_FIRST = "august_first", "八一走访慰问"
    DOUBLE_NINTH = "double_ninth", "重阳走访慰问"
    HARDSHIP = "hardship", "困难帮扶慰问"


class VisitCampaign(models.Model):
    """A 走访慰问 campaign of a county or a township: its window, its target groups with their
    standard (CampaignGroup), and one visit per matching household (CampaignVisit)."""

    name = models.CharField("活动名称", max_length=100)
    occasion = models.CharField("活动类别", max_length=20, choices=Occasion.choices)
    # The county or township that opened it: its households are the ones visited.
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="活动范围"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="发起人"
    )
    opened_at = models.DateTimeField("发起时间", auto_now_add=True)

    class Meta:
        verbose_name = "走访慰问活动"
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="campaign_window_ordered"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def rule(self) -> str:
        """The rule name of its tasks: one task per (campaign, household), never twice."""
        return f"care.campaign:{self.pk}"


class CampaignGroup(models.Model):
    """A target group of a campaign and what each of its households receives."""

    campaign = models.ForeignKey(VisitCampaign, on_delete=models.CASCADE, related_name="groups")
    target = models.CharField("慰问对象类别", max_length=40)  # care.groups.GROUPS
    position = models.PositiveSmallIntegerField(default=0)  # a household in several counts for the first
    money = models.DecimalField("慰问金标准（元）", max_digits=10, decimal_places=2, default=0)
    goods = models.CharField("慰问品标准", max_length=200, blank=True)

    class Meta:
        verbose_name = "慰问对象类别"
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "target"], name="campaign_group_once"),
            models.CheckConstraint(condition=Q(money__gte=0), name="campaign_money_not_negative"),
        ]

    def __str__(self) -> str:
        return label_of(self.target)


class VisitStatus(models.TextChoices):
    DUE = "due", "待走访"
    VISITED = "visited", "已走访"
    REFUSED = "refused", "拒绝走访"
    UNREACHABLE = "unreachable", "联系不上"


STATUS_LABELS = dict(VisitStatus.choices)


class CampaignVisit(models.Model):
    """One household (or a person without one) a campaign visits: the row coverage counts. Made in
    bulk by care.generation; kept when the household no longer matches."""

    campaign = models.ForeignKey(VisitCampaign, on_delete=models.PROTECT, related_name="visits")
    subject_key = models.CharField(max_length=40)  # as Task.subject_key: "household:N" or "person:N"
    household = models.ForeignKey(
        "people.Household", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="慰问对象"
    )
    target = models.CharField("慰问对象类别", max_length=40)
    region_code = models.CharField("区划", max_length=12)
    grid = models.ForeignKey(
        "regions.Grid", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="网格"
    )
    task = models.OneToOneField(
        "worklist.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="campaign_visit"
    )
    status = models.CharField("走访状态", max_length=20, choices=VisitStatus.choices, default=VisitStatus.DUE)
    reason = models.CharField("原因", max_length=200, blank=True)
    visit = models.OneToOneField(
        CondolenceVisit, null=True, blank=True, on_delete=models.PROTECT, related_name="campaign_visit"
    )

    class Meta:
        verbose_name = "活动走访对象"
        ordering = ["region_code", "grid", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "subject_key"], name="campaign_visit_once"),
            models.CheckConstraint(
                condition=Q(status__in=["due", "visited"]) | ~Q(reason=""), name="campaign_visit_reason_given"
            ),
        ]
        # One index serves the campaign page: its list (ordered by village, grid, id), the
        # coverage counts by village or township (status and person in the index: no row is read
        # but the person's, for the scope), and by grid (docs/benchmarks.md).
        indexes = [
            models.Index(
                fields=["campaign", "region_code", "grid", "id", "status", "person"],
                name="campaign_visit_page",
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign}：{self.person}"

    @property
    def target_label(self) -> str:
        return label_of(self.target)

    @property
    def status_label(self) -> str:
        """get_status_display without its cost: Django flattens the field's choices on every call
        (a third of the campaign page's list, 100 rows)."""
        return STATUS_LABELS.get(self.status, self.status)


class CoverageTally(models.Model):
    """How many of a campaign's visits lie in each village × grid × group × status: the coverage
    page's counts, read instead of counting 66,000 visits per request at a county's size. Kept by
    the database's triggers in the transaction of every write to a visit (core/derived.py
    "coverage_tally"), so it always equals the visits it counts; never written from Python."""

    # No constraint and no index of its own: the rows are the triggers' (a dropped campaign's
    # stay at n = 0), and the unique key leads with the campaign.
    campaign = models.ForeignKey(
        VisitCampaign, on_delete=models.DO_NOTHING, related_name="+", db_constraint=False, db_index=False
    )
    region_code = models.CharField(max_length=12)
    grid_key = models.BigIntegerField()  # the visit's grid id, 0 for none (a unique key cannot hold NULL)
    target = models.CharField(max_length=40)
    status = models.CharField(max_length=20)
    n = models.IntegerField()

    class Meta:
        verbose_name = "走访覆盖汇总"
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "region_code", "grid_key", "target", "status"], name="coverage_tally_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.campaign_id} {self.region_code} {self.grid_key} {self.target} {self.status}: {self.n}"


class FollowUp(models.TextChoices):
    """What a need found on a visit opens, in the same save."""

    NONE = "none", "无需后续办理"
    HARDSHIP = "hardship", "帮扶援助申请"
    EMPLOYMENT = "employment", "就业创业服务"
    TASK = "task", "生成待办"


class CampaignRunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    CANCELLED = "cancelled", "已取消"


class CampaignRun(JobRun):
    """One generation of a campaign's visits (the first, or a re-run): the worker's queue row."""

    campaign = models.ForeignKey(VisitCampaign, on_delete=models.PROTECT, related_name="runs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="申请人"
    )
    status = models.CharField(
        "状态", max_length=10, choices=CampaignRunStatus.choices, default=CampaignRunStatus.QUEUED
    )
    added = models.PositiveIntegerField("新增走访户数", default=0)
    failure = models.TextField("失败原因", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "走访对象生成"
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.campaign}：{self.get_status_display()}"


class ContactChannel(models.TextChoices):
    PHONE = "phone", "电话联系"
    VISIT = "visit", "上门走访"
    MESSAGE = "message", "短信微信"
    HALL = "hall", "来站办事"


class ContactLog(models.Model):
    """常态化联系: one contact with a person; the latest one tells when he is due again."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="联系对象"
    )
    region_code = models.CharField("区划", max_length=12)
    channel = models.CharField("联系方式", max_length=10, choices=ContactChannel.choices)
    contacted_on = models.DateField("联系日期")
    notes = models.CharField("联系情况", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "联系记录"
        ordering = ["-contacted_on", "-id"]
        indexes = [models.Index(fields=["person", "contacted_on"], name="contact_person_on")]

    def __str__(self) -> str:
        return f"{self.get_channel_display()}：{self.person}"

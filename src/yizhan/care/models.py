"""走访慰问: the work done at a family's door — 喜报 deliveries, 入伍礼包 deliveries and visits.

Each record names the task it closed (if a task called for it) and copies the person's region
code, so every read scopes by one indexed range. Writes go through care.services only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

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

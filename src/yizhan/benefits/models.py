"""优抚: the policy tables (优待金 per province and year, 奖励金 per locality and year), the
义务兵家庭优待金 cycle (periods, the recipient's bank card, county payment batches), the 奖励金 of
each award, and the 光荣牌 register.

Rows hold single-row rules only; every write goes through benefits.services, which audits it.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q

from yizhan.core import crypto
from yizhan.core.idnumber import chinese_date
from yizhan.core.masking import mask_bank_account
from yizhan.people.models import AwardLevel

ACCOUNT_CONTEXT = "allowance.bank_account"
USER = settings.AUTH_USER_MODEL
MONEY = {"max_digits": 12, "decimal_places": 2, "validators": [MinValueValidator(Decimal("0"))]}

# 义务兵家庭优待金: one payment per started six months of service, at most two years.
MONTHS_PER_PERIOD = 6
MAX_PERIODS = 4


class AllowanceRate(models.Model):
    """The yearly 优待金 standard with its extras (yuan per year) of a region — usually the
    province's, a city or county may set its own; "" is the national default. The most specific
    applies (core.policy.in_force)."""

    region_code = models.CharField("适用地区", max_length=12, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    annual_amount = models.DecimalField("年标准（元）", **MONEY)
    graduate_extra = models.DecimalField("大学生增发（元/年）", default=Decimal("0"), **MONEY)
    hardship_extra = models.DecimalField("艰苦边远地区增发（元/年）", default=Decimal("0"), **MONEY)
    note = models.CharField("依据/说明", max_length=200, blank=True)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "优待金标准"
        ordering = ["region_code", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="allowance_rate_once_per_region"),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '全国'} {self.year}年 {self.annual_amount}元"

    def period_amount(self, *, graduate: bool, hardship: bool) -> Decimal:
        """Half a year's standard plus half of each extra that applies."""
        yearly = self.annual_amount
        if graduate:
            yearly += self.graduate_extra
        if hardship:
            yearly += self.hardship_extra
        return (yearly / 2).quantize(Decimal("0.01"))


class PeriodStatus(models.TextChoices):
    SCHEDULED = "scheduled", "应发"
    CANCELLED = "cancelled", "停发"


class AllowancePeriod(models.Model):
    """One six-month period of a conscript's service, counted from 批准入伍; paid once."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="allowance_periods")
    service_record = models.ForeignKey(
        "people.ServiceRecord", on_delete=models.PROTECT, related_name="allowance_periods"
    )
    sequence = models.PositiveSmallIntegerField("期次")
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("截止日期")
    # The place of enlistment: its province sets the rate, its county pays.
    region_code = models.CharField("入伍地", max_length=12, db_index=True)
    graduate = models.BooleanField("大学生", default=False)
    hardship = models.BooleanField("艰苦边远地区", default=False)
    status = models.CharField(
        "状态", max_length=20, choices=PeriodStatus.choices, default=PeriodStatus.SCHEDULED
    )
    stopped_on = models.DateField("停发日期", null=True, blank=True)
    stop_reason = models.CharField("停发原因", max_length=100, blank=True)
    cause = models.ForeignKey(
        "lifecycle.DomainEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The event that stopped it: a corrected or withdrawn stop restores the period.
    stopped_by = models.ForeignKey(
        "lifecycle.DomainEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "优待金期次"
        ordering = ["person_id", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["service_record", "sequence"], name="allowance_period_once"),
            models.CheckConstraint(
                condition=Q(sequence__gte=1, sequence__lte=MAX_PERIODS), name="allowance_period_at_most_four"
            ),
        ]
        indexes = [models.Index(fields=["region_code", "status", "starts_on"], name="allowance_period_due")]

    def __str__(self) -> str:
        return f"{self.person} 第{self.sequence}期"

    @property
    def label(self) -> str:
        return f"第{self.sequence}期（{chinese_date(self.starts_on)}起）"


class AllowanceRecipient(models.Model):
    """The family member the soldier names to receive the allowance, and the bank card. A change
    of recipient supersedes the row (kept: payments made to it still point at it)."""

    servicemember = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="allowance_designations"
    )
    service_record = models.ForeignKey(
        "people.ServiceRecord", on_delete=models.PROTECT, related_name="allowance_recipients"
    )
    recipient = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="allowance_recipient_of",
        verbose_name="领取人",
    )
    relation = models.CharField("与军人关系", max_length=20)
    bank_name = models.CharField("开户行", max_length=100)
    account_enc = models.TextField(editable=False)
    ENCRYPTED_COLUMNS = (("account_enc", None, ACCOUNT_CONTEXT),)  # re-encrypted by rotate_keys
    designated_on = models.DateField("确定日期")
    designated_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    superseded_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = "优待金领取人"
        ordering = ["-designated_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_record"],
                condition=Q(superseded_at__isnull=True),
                name="allowance_one_current_recipient",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.servicemember} → {self.recipient}"

    @property
    def account(self) -> str:
        return crypto.decrypt(self.account_enc, context=ACCOUNT_CONTEXT)

    @property
    def account_masked(self) -> str:
        return mask_bank_account(self.account)


class BatchStatus(models.TextChoices):
    DRAFT = "draft", "待审核"
    REVIEWED = "reviewed", "已审核"
    PAID = "paid", "已发放"


class PaymentBatch(models.Model):
    """What a county's veterans office pays at once: the periods due as of a date."""

    county_code = models.CharField("区县", max_length=12, db_index=True)
    as_of = models.DateField("截至日期")
    status = models.CharField("状态", max_length=20, choices=BatchStatus.choices, default=BatchStatus.DRAFT)
    created_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(null=True, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    reference = models.CharField("发放凭证号", max_length=100, blank=True)
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "优待金发放批次"
        ordering = ["-as_of", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=BatchStatus.PAID) | (Q(paid_on__isnull=False) & ~Q(reference="")),
                name="allowance_batch_paid_has_date_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"优待金批次 #{self.pk}（截至 {chinese_date(self.as_of)}）"


class AllowancePayment(models.Model):
    batch = models.ForeignKey(PaymentBatch, on_delete=models.PROTECT, related_name="payments")
    period = models.ForeignKey(AllowancePeriod, on_delete=models.PROTECT, related_name="payments")
    recipient = models.ForeignKey(AllowanceRecipient, on_delete=models.PROTECT, related_name="payments")
    rate = models.ForeignKey(AllowanceRate, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField("金额（元）", **MONEY)
    region_code = models.CharField(max_length=12, db_index=True)

    class Meta:
        verbose_name = "优待金发放明细"
        ordering = ["region_code", "period__person__name", "period__sequence"]
        constraints = [
            # The final word on "never paid twice", whatever races or replays the services see.
            models.UniqueConstraint(fields=["period"], name="allowance_payment_once_per_period"),
        ]

    def __str__(self) -> str:
        return f"{self.period} {self.amount}元"


class BonusRate(models.Model):
    """The 奖励金 of one award level in one year for a region (county, city, province; "" the
    national default); the most specific applies (core.policy.in_force)."""

    region_code = models.CharField("适用地区", max_length=12, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("奖励等级", max_length=30, choices=AwardLevel.choices)
    amount = models.DecimalField("金额（元）", **MONEY)
    updated_by = models.ForeignKey(USER, null=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "奖励金标准"
        ordering = ["region_code", "-year", "-amount"]
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year", "level"], name="bonus_rate_once_per_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region_code or '全国'} {self.year}年 {self.get_level_display()} {self.amount}元"


class BonusStatus(models.TextChoices):
    DUE = "due", "待发放"
    PAID = "paid", "已发放"


class BonusEntitlement(models.Model):
    """The 奖励金 one award gives; one per award event (and per award)."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="bonus_entitlements")
    award = models.OneToOneField(
        "people.Award", null=True, blank=True, on_delete=models.PROTECT, related_name="bonus"
    )
    event = models.OneToOneField(
        "lifecycle.DomainEvent", null=True, blank=True, on_delete=models.PROTECT, related_name="bonus"
    )
    level = models.CharField("奖励等级", max_length=30, choices=AwardLevel.choices)
    awarded_on = models.DateField("授予日期")
    region_code = models.CharField(max_length=12, db_index=True)
    # Null while the locality has no standard for the level and year; filled when it is set.
    amount = models.DecimalField("金额（元）", null=True, blank=True, **MONEY)
    status = models.CharField("状态", max_length=20, choices=BonusStatus.choices, default=BonusStatus.DUE)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    reference = models.CharField("发放凭证号", max_length=100, blank=True)
    paid_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "奖励金"
        ordering = ["-awarded_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=BonusStatus.PAID)
                | (Q(paid_on__isnull=False, amount__isnull=False) & ~Q(reference="")),
                name="bonus_paid_has_amount_date_and_reference",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.get_level_display()} 奖励金"


class PlaqueCategory(models.TextChoices):
    ACTIVE = "active", "现役军人家庭"
    VETERAN = "veteran", "退役军人家庭"
    MARTYR = "martyr", "烈士家庭"
    DIED_ON_DUTY = "died_on_duty", "因公牺牲军人家庭"
    DIED_OF_ILLNESS = "died_of_illness", "病故军人家庭"


class PlaqueStatus(models.TextChoices):
    DUE = "due", "待悬挂"
    HUNG = "hung", "已悬挂"


class HonorPlaque(models.Model):
    """光荣牌: one per household, for good — not replaced after discharge or death."""

    household = models.ForeignKey("people.Household", on_delete=models.PROTECT, related_name="plaques")
    category = models.CharField("类别", max_length=20, choices=PlaqueCategory.choices)
    status = models.CharField("状态", max_length=10, choices=PlaqueStatus.choices, default=PlaqueStatus.DUE)
    due_on = models.DateField("应挂日期", null=True, blank=True)
    hung_on = models.DateField("悬挂日期", null=True, blank=True)
    hung_by = models.CharField(
        "悬挂人员", max_length=200, blank=True, help_text="如：区退役军人事务局 张三、街道武装部 李四"
    )
    signed = models.BooleanField("家属已签收", default=False)
    signature_note = models.CharField("签收说明", max_length=200, blank=True)
    # "event:<pk>" when it was hung with an 入伍礼包 (GIFT_PACK_DELIVERED): withdrawing that
    # delivery, recorded by mistake, leaves the plaque due again.
    hung_through = models.CharField(max_length=30, blank=True)
    task = models.ForeignKey(
        "worklist.Task", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "光荣牌"
        ordering = ["household__region_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["household"], name="plaque_one_per_household"),
            models.CheckConstraint(
                condition=~Q(status=PlaqueStatus.HUNG) | Q(hung_on__isnull=False),
                name="plaque_hung_has_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household} {self.get_category_display()}光荣牌"

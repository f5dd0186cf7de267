"""After service: 报到 (check-in), 建档立卡 (profile record) and its yearly confirmation,
employment services, hardship assistance, and the 优待证 (preferential card)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

USER = settings.AUTH_USER_MODEL


class CheckinDocument(models.TextChoices):
    DISCHARGE_CERTIFICATE = "discharge_certificate", "退役证"
    INTRODUCTION_LETTER = "introduction_letter", "退役安置介绍信"
    FILE = "file", "个人档案"
    HUKOU_TRANSFER = "hukou_transfer", "户口迁移证明"
    PARTY_TRANSFER = "party_transfer", "组织关系介绍信"


class Checkin(models.Model):
    """退役报到: within 30 days of discharge, with the documents received."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="checkins")
    service_record = models.OneToOneField(
        "people.ServiceRecord", on_delete=models.PROTECT, related_name="checkin"
    )
    checked_in_on = models.DateField("报到日期")
    documents = models.JSONField("已收材料", default=list)
    late_reason = models.CharField("逾期原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "退役报到"

    def __str__(self) -> str:
        return f"{self.person} {self.checked_in_on:%Y-%m-%d}报到"


class ProfileCategory(models.TextChoices):
    """建档立卡's twelve categories (DOMAIN.md)."""

    TRANSFERRED_OFFICER = "transferred_officer", "军队转业干部"
    DISCHARGED_SOLDIER = "discharged_soldier", "退役士兵"
    RETIRED_CADRE = "retired_cadre", "离退休干部、退休士官"
    NON_MILITARY_STAFF = "non_military_staff", "无军籍职工"
    DEMOBILIZED = "demobilized", "复员军人"
    RED_ARMY = "red_army", "红军老战士、失散人员"
    DISABLED_VETERAN = "disabled_veteran", "残疾军人"
    DISABLED_MILITIA = "disabled_militia", "伤残民兵民工"
    MARTYR_FAMILY = "martyr_family", "烈士遗属"
    DIED_ON_DUTY_FAMILY = "died_on_duty_family", "因公牺牲军人遗属"
    DIED_OF_ILLNESS_FAMILY = "died_of_illness_family", "病故军人遗属"
    SERVICEMEMBER_FAMILY = "servicemember_family", "现役军人家属"


class EmploymentStatus(models.TextChoices):
    EMPLOYED = "employed", "在岗就业"
    SELF_EMPLOYED = "self_employed", "自主创业"
    FLEXIBLE = "flexible", "灵活就业"
    SEEKING = "seeking", "待业求职"
    RETIRED = "retired", "离退休"
    UNABLE = "unable", "无劳动能力"


class ProfileRecord(models.Model):
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="profile_record")
    category = models.CharField("类别", max_length=30, choices=ProfileCategory.choices)
    living_conditions = models.CharField("生活状况", max_length=200, blank=True)
    employment = models.CharField("就业状况", max_length=20, choices=EmploymentStatus.choices, blank=True)
    insurance = models.CharField(
        "社会保险", max_length=200, blank=True, help_text="如：城镇职工养老、医疗保险"
    )
    housing = models.CharField("住房情况", max_length=200, blank=True)
    notes = models.TextField("备注", blank=True)
    created_on = models.DateField("建档日期")
    created_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "建档立卡"

    def __str__(self) -> str:
        return f"{self.person}（{self.get_category_display()}）"


class YearlyConfirmation(models.Model):
    """年度确认: once a year the station confirms the person and his status."""

    profile = models.ForeignKey(ProfileRecord, on_delete=models.CASCADE, related_name="confirmations")
    year = models.PositiveSmallIntegerField("年度")
    confirmed_on = models.DateField("确认日期")
    alive = models.BooleanField("健在", default=True)
    status_note = models.CharField("情况说明", max_length=200, blank=True)
    confirmed_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "年度确认"
        constraints = [models.UniqueConstraint(fields=["profile", "year"], name="confirmation_once_a_year")]

    def __str__(self) -> str:
        return f"{self.profile.person} {self.year}年确认"


class EmploymentKind(models.TextChoices):
    JOB_SEEKER = "job_seeker", "求职登记"
    REFERRAL = "referral", "岗位推荐"
    TRAINING = "training", "技能培训"
    STARTUP = "startup", "创业扶持"


class EmploymentService(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="employment_services")
    kind = models.CharField("服务类型", max_length=20, choices=EmploymentKind.choices)
    on = models.DateField("日期")
    details = models.CharField("内容", max_length=300, help_text="如：推荐岗位、培训项目、贷款额度")
    outcome = models.CharField("结果", max_length=300, blank=True)
    recorded_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = "就业创业服务"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.get_kind_display()}"


class AssistanceStatus(models.TextChoices):
    APPLIED = "applied", "已申请"
    ASSESSED = "assessed", "已评估"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予帮扶"
    PAID = "paid", "已发放"


class AssistanceCase(models.Model):
    """帮扶援助: application → assessment → decision → payment."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="assistance_cases")
    applied_on = models.DateField("申请日期")
    hardship = models.CharField("困难类型", max_length=100, help_text="如：因病、因灾、住房、收入")
    description = models.TextField("困难情况")
    status = models.CharField(
        "状态", max_length=20, choices=AssistanceStatus.choices, default=AssistanceStatus.APPLIED
    )
    assessment = models.TextField("评估意见", blank=True)
    decision_note = models.CharField("决定说明", max_length=300, blank=True)
    amount = models.DecimalField("帮扶金额（元）", max_digits=10, decimal_places=2, null=True, blank=True)
    paid_on = models.DateField("发放日期", null=True, blank=True)
    payment_reference = models.CharField("发放凭证号", max_length=100, blank=True)

    class Meta:
        verbose_name = "帮扶援助"
        ordering = ["-applied_on", "-id"]

    def __str__(self) -> str:
        return f"{self.person} {self.hardship}（{self.get_status_display()}）"


class CardType(models.TextChoices):
    VETERAN = "veteran", "退役军人优待证"
    BEREAVED = "bereaved", "烈士遗属、因公牺牲军人遗属、病故军人遗属优待证"


class CardStatus(models.TextChoices):
    ACCEPTED = "accepted", "受理"
    COUNTY_REVIEW = "county_review", "县级审核"
    IN_PRODUCTION = "in_production", "制卡中"
    ARRIVED = "arrived", "已到县"
    ISSUED = "issued", "已发放"
    RETURNED = "returned", "退回"


class PreferentialCard(models.Model):
    """优待证 application and its way to the holder. What the registry already knew is copied in
    at application time (`snapshot`), so the printed form shows what was submitted."""

    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="preferential_cards")
    card_type = models.CharField("证件类型", max_length=20, choices=CardType.choices)
    status = models.CharField("状态", max_length=20, choices=CardStatus.choices, default=CardStatus.ACCEPTED)
    photo = models.ForeignKey(
        "people.Document", on_delete=models.PROTECT, related_name="+", verbose_name="照片"
    )
    applicant = models.CharField("申请人", max_length=50, help_text="本人，或监护人姓名及关系")
    bed_bound = models.BooleanField("卧床（行动不便）", default=False)
    # Decided by apply_card from the age on the application date and `bed_bound`, never typed.
    home_service = models.BooleanField("上门服务（80 岁以上或卧床）", default=False)
    snapshot = models.JSONField("申请信息", default=dict)
    accepted_on = models.DateField("受理日期")
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    # The status before the last step, so that step can be withdrawn (撤销上一步).
    previous_status = models.CharField("上一状态", max_length=20, choices=CardStatus.choices, blank=True)
    issued_on = models.DateField("发放日期", null=True, blank=True)
    receipt_signed_by = models.CharField("签收人", max_length=50, blank=True)
    accepted_by = models.ForeignKey(USER, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # The person's current region ("" once he is merged away), kept by the database in the
    # transaction of every move, merge and write of the card (core/derived.py, card_region):
    # jurisdiction and 统计 read it instead of joining the person. Never set from Python.
    region_code = models.CharField("区划", max_length=12, default="", editable=False)

    class Meta:
        verbose_name = "优待证"
        ordering = ["-accepted_on", "-id"]
        # 统计's 优待证（按状态）: the year's cards by village and status from the index alone.
        indexes = [models.Index(fields=["accepted_on", "region_code", "status"], name="card_figure")]

    def __str__(self) -> str:
        return f"{self.person} {self.get_card_type_display()}（{self.get_status_display()}）"


class CardStep(models.Model):
    """One stay of a 优待证 in a status: entered on the day of the step that set it, left on the
    day of the next. Written only by veterans.card_steps — the one place a card's status changes —
    in the transaction of the change; 统计 averages `days` over the stays that ended."""

    card = models.ForeignKey(PreferentialCard, on_delete=models.CASCADE, related_name="steps")
    status = models.CharField("状态", max_length=20, choices=CardStatus.choices)
    entered_on = models.DateField("开始日期")
    left_on = models.DateField("结束日期", null=True, blank=True)
    # left_on − entered_on, kept with it: an average of whole days reads the same on both databases.
    days = models.PositiveIntegerField("用时（天）", null=True, blank=True)
    # 撤销上一步 undoes the stay that step began: kept for the record, counted in no figure.
    withdrawn = models.BooleanField("已撤销", default=False)
    # The card's person's current region, kept by the database like the card's (card_step_region).
    region_code = models.CharField("区划", max_length=12, default="", editable=False)

    class Meta:
        verbose_name = "优待证办理环节"
        ordering = ["entered_on", "pk"]
        # 统计's 各环节平均用时: the stays that ended in the year, by village and status, with
        # their days, from the index alone (withdrawn last: Django tests a flag as NOT withdrawn,
        # which no index range can lead with).
        indexes = [
            models.Index(
                fields=["left_on", "region_code", "status", "days", "withdrawn"], name="card_step_figure"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["card"],
                condition=models.Q(left_on__isnull=True, withdrawn=False),
                name="card_one_current_step",
            ),
            models.CheckConstraint(
                condition=models.Q(left_on__isnull=True) | models.Q(left_on__gte=models.F("entered_on")),
                name="card_step_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        until = f"{self.left_on:%Y-%m-%d}，{self.days}天" if self.left_on else "至今"
        return f"{self.card.person} {self.get_status_display()}（{self.entered_on:%Y-%m-%d}—{until}）"

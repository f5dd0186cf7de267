"""兵役登记 (military-service registration) and 征兵 (conscription campaigns, quotas, candidates)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q

from yizhan.regions.models import Region


class RegistrationYear(models.Model):
    """Per-year registration settings (兵役登记工作规定; the 2026 notices: 1 Jan – 31 Oct) of a
    region: a county, city or province, or "" for the national default. The most specific row
    applies (core.policy.in_force)."""

    region_code = models.CharField("适用地区", max_length=12, blank=True)
    year = models.PositiveSmallIntegerField("年度")
    window_start = models.DateField("登记开始")
    window_end = models.DateField("登记截止")
    # Those who turn 18 by 31 December must register; from this age one may volunteer.
    register_age = models.PositiveSmallIntegerField("应登记年龄", default=18)
    volunteer_age = models.PositiveSmallIntegerField("可自愿登记年龄", default=17)
    # 补登 (late registration) is allowed up to these ages, by education.
    late_limit_university = models.PositiveSmallIntegerField("补登年龄上限（大学）", default=24)
    late_limit_senior = models.PositiveSmallIntegerField("补登年龄上限（高中）", default=22)
    late_limit_other = models.PositiveSmallIntegerField("补登年龄上限（其他）", default=20)

    class Meta:
        verbose_name = "兵役登记年度设置"
        ordering = ["-year", "region_code"]
        constraints = [
            models.UniqueConstraint(fields=["region_code", "year"], name="registration_year_once_per_region")
        ]

    def __str__(self) -> str:
        return f"{self.year}年兵役登记"


class Conclusion(models.TextChoices):
    LIABLE = "liable", "应服兵役"
    EXEMPT = "exempt", "免服兵役"
    DISQUALIFIED = "disqualified", "不得服兵役"


class RegistrationKind(models.TextChoices):
    INITIAL = "initial", "初次登记"
    VOLUNTEER = "volunteer", "自愿登记（17 岁）"
    LATE = "late", "补登"


class Registration(models.Model):
    person = models.OneToOneField("people.Person", on_delete=models.PROTECT, related_name="registration")
    year = models.PositiveSmallIntegerField("登记年度")
    registered_on = models.DateField("登记日期")
    kind = models.CharField("登记类型", max_length=20, choices=RegistrationKind.choices)
    conclusion = models.CharField("初步结论", max_length=20, choices=Conclusion.choices)
    reason = models.CharField("免服/不得服原因", max_length=200, blank=True)
    education = models.CharField("文化程度", max_length=20, blank=True)
    is_university_student = models.BooleanField("在校大学生或毕业生", default=False)
    family_contacts = models.CharField("家庭联系人", max_length=200, blank=True)
    wants_to_enlist = models.BooleanField("有应征意向", default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "兵役登记"
        constraints = [
            models.CheckConstraint(
                condition=Q(conclusion="liable") | ~Q(reason=""), name="registration_reason_unless_liable"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.year}年{self.get_kind_display()}"


class Verification(models.Model):
    """The yearly 核验 of a registration."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="verifications")
    year = models.PositiveSmallIntegerField("核验年度")
    verified_on = models.DateField("核验日期")
    conclusion = models.CharField("核验结论", max_length=20, choices=Conclusion.choices)
    notes = models.CharField("说明", max_length=200, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "兵役登记核验"
        constraints = [
            models.UniqueConstraint(fields=["registration", "year"], name="verification_once_a_year")
        ]

    def __str__(self) -> str:
        return f"{self.registration.person} {self.year}年核验"


class Half(models.TextChoices):
    FIRST = "H1", "上半年"
    SECOND = "H2", "下半年"


class Campaign(models.Model):
    county = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="campaigns", verbose_name="县（区）"
    )
    year = models.PositiveSmallIntegerField("年度")
    half = models.CharField("批次", max_length=2, choices=Half.choices)
    opens_on = models.DateField("报名开始")
    approval_on = models.DateField("批准入伍日期", help_text="通常为 3 月 1 日或 9 月 1 日")
    quota = models.PositiveIntegerField("征集任务数")
    university_target_percent = models.PositiveSmallIntegerField("大学生比例目标（%）", default=0)
    closed = models.BooleanField("已结束", default=False)

    class Meta:
        verbose_name = "征兵批次"
        ordering = ["-year", "-half"]
        constraints = [
            models.UniqueConstraint(fields=["county", "year", "half"], name="campaign_once_per_half")
        ]

    def __str__(self) -> str:
        return f"{self.county.name}{self.year}年{self.get_half_display()}征兵"

    def is_open_on(self, day: datetime.date) -> bool:
        return not self.closed and self.opens_on <= day <= self.approval_on


class TownshipQuota(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="township_quotas")
    township = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+")
    quota = models.PositiveIntegerField("任务数")

    class Meta:
        verbose_name = "乡镇征集任务"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "township"], name="quota_once_per_township")
        ]

    def __str__(self) -> str:
        return f"{self.township.name} {self.quota}"


class Stage(models.TextChoices):
    APPLICATION = "enlistment_application", "应征报名"
    PRESCREEN = "prescreen", "初审初检"
    MEDICAL = "medical_exam", "体格检查"
    POLITICAL = "political_review", "政治考核"
    HOME_CHECK = "home_check", "走访调查"
    TRAINING = "pre_service_training", "役前教育"
    PROVISIONAL = "provisional_recruit", "预定新兵"
    NOTICE = "public_notice", "公示"
    APPROVAL = "enlistment_approval", "批准入伍"
    HANDOVER = "handover", "交接起运"
    RETURNED = "returned_recruit", "退兵"


class CandidateStatus(models.TextChoices):
    ACTIVE = "active", "进行中"
    FAILED = "failed", "未通过"
    ENLISTED = "enlisted", "已批准入伍"
    RETURNED = "returned", "已退兵"


class Candidate(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.PROTECT, related_name="candidates")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="candidacies")
    region_code = models.CharField("户籍区划", max_length=12, db_index=True)
    stage = models.CharField(
        "当前环节（已通过）", max_length=30, choices=Stage.choices, default=Stage.APPLICATION
    )
    status = models.CharField(
        "状态", max_length=20, choices=CandidateStatus.choices, default=CandidateStatus.ACTIVE
    )
    is_university_student = models.BooleanField("大学生", default=False)
    notice_starts_on = models.DateField("公示开始", null=True, blank=True)
    failed_stage = models.CharField("未通过环节", max_length=30, choices=Stage.choices, blank=True)
    failure_reason = models.CharField("未通过原因", max_length=200, blank=True)
    applied_on = models.DateField("报名日期")

    class Meta:
        verbose_name = "应征人员"
        constraints = [
            models.UniqueConstraint(fields=["campaign", "person"], name="candidate_once_per_campaign")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.campaign}"

    @property
    def township_code(self) -> str:
        return self.region_code[:9] + "000"


class StageResult(models.Model):
    candidate = models.ForeignKey(Candidate, on_delete=models.CASCADE, related_name="results")
    stage = models.CharField("环节", max_length=30, choices=Stage.choices)
    passed = models.BooleanField("通过")
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "环节结果"
        ordering = ["on", "id"]
        constraints = [models.UniqueConstraint(fields=["candidate", "stage"], name="result_once_per_stage")]

    def __str__(self) -> str:
        return f"{self.candidate.person} {self.get_stage_display()} {'通过' if self.passed else '未通过'}"

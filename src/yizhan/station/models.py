"""服务阵地 (昆山 "一体建设"): the station's teams and their service hours, the joint activities of both
departments (a send-off among them), the hall's honor roll, and the register of paper archives.
Writes go through station.services only."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yizhan.accounts.roles import Department
from yizhan.regions.models import Region


class TeamKind(models.TextChoices):
    GARRISON = "garrison", "驻军官兵"
    VOLUNTEERS = "volunteers", "退役军人志愿者"
    SQUAD_LEADERS = "squad_leaders", "退役军人“老班长”"


class Team(models.Model):
    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）"
    )
    name = models.CharField("队伍名称", max_length=50)
    kind = models.CharField("类别", max_length=20, choices=TeamKind.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "服务队伍"
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="team_name_once")]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="队员"
    )
    joined_on = models.DateField("加入日期")

    class Meta:
        verbose_name = "队员"
        ordering = ["joined_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["team", "person"], name="team_member_once")]

    def __str__(self) -> str:
        return f"{self.team} · {self.person}"


class ActivityKind(models.TextChoices):
    NATIONAL_DEFENSE = "national_defense", "国防教育"
    SEND_OFF = "send_off", "欢送新兵"
    WELCOME = "welcome", "接站"
    SUPPORT = "support", "双拥活动"
    MEMORIAL = "memorial", "纪念日活动"


class JointActivity(models.Model):
    """An event of one or both departments, with who took part. A send-off names its intake."""

    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）"
    )
    kind = models.CharField("活动类别", max_length=20, choices=ActivityKind.choices)
    title = models.CharField("活动名称", max_length=100)
    held_on = models.DateField("活动日期")
    place = models.CharField("地点", max_length=100)
    organiser = models.CharField("组织部门", max_length=20, choices=Department.choices)
    persons = models.ManyToManyField("people.Person", blank=True, related_name="+", verbose_name="参加人员")
    households = models.ManyToManyField(
        "people.Household", blank=True, related_name="+", verbose_name="参加家庭"
    )
    teams = models.ManyToManyField(Team, blank=True, related_name="activities", verbose_name="参加队伍")
    campaign = models.ForeignKey(
        "conscription.Campaign", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="征兵批次",
    )  # fmt: skip
    notes = models.TextField("活动情况", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联合活动"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=ActivityKind.SEND_OFF) | Q(campaign__isnull=True),
                name="activity_campaign_only_for_send_off",
            )
        ]

    def __str__(self) -> str:
        return self.title


class ActivitySchool(models.Model):
    """A school that took part (国防教育 in a school, a school's pupils at a memorial): a named
    row of the activity, as the registry keeps no schools (docs/decisions.md)."""

    activity = models.ForeignKey(JointActivity, on_delete=models.CASCADE, related_name="schools")
    name = models.CharField("学校名称", max_length=100)

    class Meta:
        verbose_name = "参加学校"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "name"], name="activity_school_once")]

    def __str__(self) -> str:
        return self.name


class ActivityPhoto(models.Model):
    """A photo of the activity, stored sealed like the registry's documents (core.files, the
    "documents" store, under activities/<activity>/<sha256><suffix>), its type from its bytes."""

    activity = models.ForeignKey(JointActivity, on_delete=models.PROTECT, related_name="photos")
    title = models.CharField("照片说明", max_length=100, blank=True)
    path = models.CharField(max_length=200, editable=False)
    sha256 = models.CharField(max_length=64, editable=False)
    size = models.PositiveIntegerField(editable=False)
    content_type = models.CharField(max_length=50, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "活动照片"
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "sha256"], name="activity_photo_once")]

    def __str__(self) -> str:
        return self.title or f"照片{self.pk}"


class ServiceHours(models.Model):
    """A team member's service: what, when and for how long (志愿服务时长)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="hours")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="队员"
    )
    served_on = models.DateField("服务日期")
    activity = models.ForeignKey(
        JointActivity,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="联合活动",
    )
    description = models.CharField("服务内容", max_length=200)
    hours = models.DecimalField("时长（小时）", max_digits=5, decimal_places=1)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "服务时长"
        ordering = ["-served_on", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(hours__gt=0), name="service_hours_positive")]

    def __str__(self) -> str:
        return f"{self.person} {self.served_on} {self.hours}小时"


class HonorKind(models.TextChoices):
    MODEL_VETERAN = "model_veteran", "模范退役军人"
    AWARD = "award", "立功受奖"
    GLORY_FAMILY = "glory_family", "光荣之家"


class HonorEntry(models.Model):
    """One line of the hall's 荣誉展示: shown only with the person's recorded consent, and a photo
    only if he consented to the photo too."""

    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）"
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    kind = models.CharField("类别", max_length=20, choices=HonorKind.choices)
    title = models.CharField("荣誉", max_length=100)
    consent_on = models.DateField("同意展示日期")
    photo_consented = models.BooleanField("同意展示照片", default=False)
    withdrawn_on = models.DateField("撤回日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "荣誉展示"
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.person} · {self.title}"


class ArchiveFile(models.Model):
    """档案接收: a veteran's paper file, where it lies (box and shelf)."""

    person = models.OneToOneField(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="人员"
    )
    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）"
    )
    task = models.OneToOneField(
        "worklist.Task",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="待办",
    )
    received_on = models.DateField("接收日期")
    sent_by = models.CharField("移交单位", max_length=100)
    box = models.CharField("盒号", max_length=20)
    shelf = models.CharField("架位", max_length=20)
    pages = models.PositiveIntegerField("页数", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "档案"
        ordering = ["shelf", "box", "pk"]

    def __str__(self) -> str:
        return f"{self.person}档案（{self.shelf}架{self.box}盒）"


class ArchiveLoan(models.Model):
    archive = models.ForeignKey(ArchiveFile, on_delete=models.PROTECT, related_name="loans")
    borrower = models.CharField("借阅人", max_length=50)
    purpose = models.CharField("借阅事由", max_length=200)
    lent_on = models.DateField("借出日期")
    returned_on = models.DateField("归还日期", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "档案借阅"
        ordering = ["-lent_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(returned_on__isnull=True) | Q(returned_on__gte=models.F("lent_on")),
                name="archive_returned_after_lent",
            ),
            # One loan out at a time: the paper is either in its box or with one borrower.
            models.UniqueConstraint(
                fields=["archive"], condition=Q(returned_on__isnull=True), name="archive_one_loan_out"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.archive} · {self.borrower}"

"""民兵整组 and 应急装备: the township's militia units (连/排/班), the year's roster (one membership
per person and year, joined and left through militia.services only, which check militia.rules),
and the station's emergency equipment with its inspections."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from yizhan.regions.models import Region


class UnitLevel(models.TextChoices):
    COMPANY = "company", "连"
    PLATOON = "platoon", "排"
    SQUAD = "squad", "班"


# Which level a unit may sit under: a 排 in a 连, a 班 in a 排 (or straight in a 连).
PARENT_LEVELS = {
    UnitLevel.COMPANY: (),
    UnitLevel.PLATOON: (UnitLevel.COMPANY,),
    UnitLevel.SQUAD: (UnitLevel.PLATOON, UnitLevel.COMPANY),
}


class Category(models.TextChoices):
    BACKBONE = "backbone", "基干民兵"
    ORDINARY = "ordinary", "普通民兵"


class Specialty(models.TextChoices):
    GENERAL = "general", "普通分队"
    EMERGENCY = "emergency", "应急抢险"
    FIREFIGHTING = "firefighting", "森林消防"
    MEDICAL = "medical", "医疗救护"
    COMMUNICATIONS = "communications", "通信保障"
    DRONE = "drone", "无人机操作"
    CHEMICAL = "chemical", "防化洗消"
    ENGINEERING = "engineering", "工程抢修"


class MilitiaPost(models.TextChoices):
    COMMANDER = "commander", "连长"
    INSTRUCTOR = "instructor", "指导员"
    PLATOON_LEADER = "platoon_leader", "排长"
    SQUAD_LEADER = "squad_leader", "班长"
    MEMBER = "member", "战士"


# 民兵干部: the posts whose holders the widened age limits apply to (as to specialists).
CADRE_POSTS = {
    MilitiaPost.COMMANDER,
    MilitiaPost.INSTRUCTOR,
    MilitiaPost.PLATOON_LEADER,
    MilitiaPost.SQUAD_LEADER,
}


class Unit(models.Model):
    """A 连, 排 or 班 of a township's militia."""

    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）"
    )
    name = models.CharField("名称", max_length=50)
    level = models.CharField("编制", max_length=10, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级"
    )
    specialty = models.CharField("专业", max_length=20, choices=Specialty.choices, default=Specialty.GENERAL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "民兵组织"
        ordering = ["township_id", "level", "name"]
        constraints = [models.UniqueConstraint(fields=["township", "name"], name="militia_unit_name_once")]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_level_display()}）"


class Membership(models.Model):
    """One person on one year's roster: his unit, post, category and specialty, when he joined and
    (once he left) when and why. The 民兵 identity on his person page follows it."""

    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name="民兵"
    )
    year = models.PositiveSmallIntegerField("整组年度")
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="memberships", verbose_name="编组单位"
    )
    category = models.CharField("类别", max_length=10, choices=Category.choices)
    post = models.CharField("职务", max_length=20, choices=MilitiaPost.choices, default=MilitiaPost.MEMBER)
    specialty = models.CharField("专业", max_length=20, choices=Specialty.choices, default=Specialty.GENERAL)
    is_veteran = models.BooleanField("退役军人", default=False)
    joined_on = models.DateField("编入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    leave_reason = models.CharField("退出原因", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "民兵编组"
        ordering = ["-is_veteran", "unit__name", "post", "id"]
        constraints = [
            models.UniqueConstraint(fields=["person", "year"], name="militia_once_per_year"),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True, leave_reason="") | Q(left_on__gte=models.F("joined_on")),
                name="militia_left_after_joined",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.year}年{self.unit.name}"


class Condition(models.TextChoices):
    GOOD = "good", "完好"
    REPAIR = "repair", "待维修"
    SCRAPPED = "scrapped", "已报废"


class Equipment(models.Model):
    """An item of the station's 应急装备 and the units that use it."""

    township = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="+", verbose_name="乡镇（街道）"
    )
    item = models.CharField("装备名称", max_length=100)
    quantity = models.PositiveIntegerField("数量")
    unit_of_measure = models.CharField("计量单位", max_length=10, default="件")
    place = models.CharField("存放地点", max_length=100)
    condition = models.CharField("状况", max_length=10, choices=Condition.choices, default=Condition.GOOD)
    units = models.ManyToManyField(Unit, blank=True, related_name="equipment", verbose_name="使用单位")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "应急装备"
        ordering = ["item", "id"]

    def __str__(self) -> str:
        return f"{self.item} {self.quantity}{self.unit_of_measure}"


class Inspection(models.Model):
    equipment = models.ForeignKey(Equipment, on_delete=models.CASCADE, related_name="inspections")
    inspected_on = models.DateField("检查日期")
    inspector = models.CharField("检查人", max_length=50)
    condition = models.CharField("检查结论", max_length=10, choices=Condition.choices)
    quantity = models.PositiveIntegerField("清点数量")
    notes = models.CharField("说明", max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = "装备检查"
        ordering = ["-inspected_on", "-id"]

    def __str__(self) -> str:
        return f"{self.equipment.item} {self.inspected_on}"

"""The generic policy table: one row per change of one named rule value (core.policy_values
holds the registry of names) for one region, from an effective date."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class PolicyValue(models.Model):
    """Rows are only ever added: the latest row of a region that has taken effect by a date is
    that region's value on that date, and the rows of a (name, region) are its history. A row
    with `inherits` set ends the region's own value: the one above applies again."""

    name = models.CharField("参数", max_length=80)
    region_code = models.CharField("适用地区", max_length=12, blank=True)
    effective_from = models.DateField("生效日期")
    value = models.JSONField("取值", null=True, blank=True)
    inherits = models.BooleanField("沿用上级", default=False)
    reason = models.CharField("修改原因", max_length=200)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+", verbose_name="修改人"
    )
    changed_at = models.DateTimeField("修改时间", default=timezone.now)

    class Meta:
        verbose_name = "参数设置"
        ordering = ["name", "region_code", "effective_from", "pk"]
        indexes = [models.Index(fields=["name", "region_code", "effective_from"], name="policy_value_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(inherits=True, value__isnull=True)
                | models.Q(inherits=False, value__isnull=False),
                name="policy_value_or_inherits",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name}@{self.region_code or '全国'} {self.effective_from}"

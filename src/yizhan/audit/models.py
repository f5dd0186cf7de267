"""The audit trail: append-only, each event carrying the hash of the one before it."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models


class AppendOnlyError(Exception):
    pass


class AuditEvent(models.Model):
    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    actor_name = models.CharField("操作人", max_length=150, blank=True)
    post = models.CharField("岗位", max_length=200, blank=True)
    action = models.CharField("操作", max_length=50, db_index=True)
    object_type = models.CharField("对象类型", max_length=50, blank=True)
    object_id = models.CharField("对象", max_length=64, blank=True)
    region_code = models.CharField("区划", max_length=12, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    changes = models.JSONField("变更", default=dict, blank=True)
    reason = models.TextField("事由", blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = "审计事件"
        ordering = ["-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise AppendOnlyError("审计事件只能追加，不能修改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("审计事件只能追加，不能删除。")

    def compute_hash(self) -> str:
        body = {
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds") if self.at else "",
            "actor": self.actor_id,
            "actor_name": self.actor_name,
            "post": self.post,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "region_code": self.region_code,
            "ip": self.ip,
            "changes": self.changes,
            "reason": self.reason,
            "prev": self.prev_hash,
        }
        canonical = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()

"""What every benefits service shares: the audit calls and the checks on the actor."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.audit.services import record
from yizhan.benefits import selectors


def audit(actor, action: str, *, object_type: str, object_id, region_code: str, changes: dict, reason=""):
    record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        region_code=region_code,
        changes=changes,
        reason=reason,
    )


def require_staff(actor, region_code: str) -> None:
    """Bank cards and money are station or county work, inside the actor's jurisdiction."""
    if not selectors.staff_covers(actor, region_code):
        raise PermissionDenied("您的岗位不能办理此项优抚业务。")


def require_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写事由。"})
    return reason

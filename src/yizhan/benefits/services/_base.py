"""What every benefits service shares: the audit calls and the checks on the actor."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.audit.services import record
from yizhan.benefits import selectors
from yizhan.people.models import Person

ACTION_LABELS = {
    "benefits.allowance.schedule": "安排优待金期次",
    "benefits.allowance.stop": "停发优待金",
    "benefits.allowance.recipient": "确定优待金领取人",
    "benefits.allowance.reveal": "查看完整银行账号",
    "benefits.bonus.entitle": "核定奖励金",
    "benefits.bonus.pay": "发放奖励金",
    "benefits.bonus.withdraw": "撤销未发放的奖励金",
    "benefits.allowance.restore": "恢复优待金期次（停发已更正或撤销）",
    "benefits.allowance.withdraw": "撤销未发放的优待金期次（入伍已更正或撤销）",
    "benefits.plaque.due": "登记待挂光荣牌",
    "benefits.plaque.hang": "悬挂光荣牌",
}


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


def audit_person(actor, action: str, person: Person, changes: dict, reason: str = "") -> None:
    audit(
        actor, action, object_type="person", object_id=person.pk, region_code=person.region_id,
        changes=changes, reason=reason,
    )  # fmt: skip


def day(value: datetime.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def require_staff(actor, region_code: str) -> None:
    """Bank cards and money are station or county work, inside the actor's jurisdiction."""
    if not selectors.staff_covers(actor, region_code):
        raise PermissionDenied("您的岗位不能办理此项优抚业务。")


def require_reason(reason: str) -> str:
    reason = reason.strip()
    if len(reason) < 2:
        raise ValidationError({"reason": "请填写事由。"})
    return reason

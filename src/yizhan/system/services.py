"""The 系统 pages' own writes: what an administrator does that is not a change to a person,
a post or a setting (those have their apps' services)."""

from __future__ import annotations

from yizhan.accounts.models import User
from yizhan.accounts.sessions import login_region
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import record


def record_log_export(*, actor: User, log: str, rows: int, filters: dict) -> AuditEvent:
    """An export of the 登录日志 or the 操作日志: who took how many rows, filtered how."""
    return record(
        actor=actor,
        action="audit.export",
        object_type="audit",
        region_code=login_region(actor),
        changes={"log": log, "rows": rows, "filters": filters},
    )

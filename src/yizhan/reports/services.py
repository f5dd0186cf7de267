"""The one write of 统计: a statistics table leaving the screen (an xlsx or a print) is audited,
as every export and print is (DESIGN.md). The tables hold counts only, no personal data."""

from __future__ import annotations

from django.db import transaction

from yizhan.accounts.models import User
from yizhan.audit.services import record


@transaction.atomic
def record_report_output(*, actor: User, action: str, name: str, region_code: str, year: int) -> None:
    """`action`: "report.export" or "report.print"; `name`: the figure or dashboard it was."""
    if action not in ("report.export", "report.print"):
        raise ValueError(action)
    record(
        actor=actor, action=action, object_type="report", object_id=name, region_code=region_code,
        changes={"year": year},
    )  # fmt: skip

"""The 应登未登 export (CSV): a write, since it is audited; apart from services.py because it reads
through selectors, which themselves use services."""

from __future__ import annotations

from typing import IO

from yizhan.accounts.models import User
from yizhan.accounts.reveal import full_values
from yizhan.audit.services import record
from yizhan.conscription import selectors
from yizhan.core.masking import mask_id_number, mask_phone
from yizhan.core.sheets import write_csv

MUST_REGISTER_HEADER = ["村（社区）", "姓名", "性别", "出生日期", "公民身份号码", "联系电话", "现住址"]


def export_must_register(
    *, actor: User, year: int, village: str, target: IO[str], full: bool = False, reason: str = ""
) -> int:
    """Writes the 应登未登 list as CSV (core.sheets: no cell becomes a formula) and audits it, with
    the purpose. Masked unless asked for in full (accounts.reveal). Returns the row count."""
    full = full_values(actor, requested=full, purpose=reason)
    people = selectors.must_register(actor, year)
    if village:
        people = people.filter(region_id=village)
    rows = (
        [
            person.region.name,
            person.name,
            person.get_sex_display(),
            person.birth_date,
            person.id_number if full else mask_id_number(person.id_number),
            person.phone if full else mask_phone(person.phone),
            person.address,
        ]
        for person in people.iterator(chunk_size=500)
    )
    count = write_csv(target, MUST_REGISTER_HEADER, rows)
    record(
        actor=actor,
        action="export",
        object_type="must_register",
        object_id=year,
        # Without a village the export covers the exporter's whole area: file it there, so the
        # station head's audit viewer shows it.
        region_code=village or (actor.primary_post.region_id if actor.primary_post else ""),
        changes={"list": "应登未登", "year": year, "village": village, "rows": count, "masked": not full},
        reason=reason.strip(),
    )
    return count

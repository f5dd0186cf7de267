"""Writing and verifying the audit chain."""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yizhan.audit.context import client_ip
from yizhan.audit.models import AuditEvent

GENESIS = "0" * 64
# Any fixed number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 7_104_220_001


@transaction.atomic
def record(
    *,
    actor: Any | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    region_code: str = "",
    changes: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Appends one event. Callers pass personal values already masked."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    # On SQLite the IMMEDIATE transaction already holds the database's single write lock.
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    user = actor if getattr(actor, "is_authenticated", False) else None
    post = user.primary_post if user is not None else None
    event = AuditEvent(
        at=timezone.now(),
        actor=user,
        actor_name=str(user) if user is not None else "",
        post=str(post) if post is not None else "",
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region_code=region_code,
        ip=client_ip.get(),
        changes=changes or {},
        reason=reason,
        prev_hash=last or GENESIS,
    )
    event.hash = event.compute_hash()
    event.save()
    transaction.on_commit(lambda: write_anchor(event_id=event.pk, event_hash=event.hash))
    return event


def read_anchor() -> dict | None:
    path = Path(settings.AUDIT_ANCHOR_PATH)
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def write_anchor(*, event_id: int, event_hash: str) -> None:
    """Keeps the chain's head outside the table: <data>/audit-anchor.json names the newest event
    and its hash, so a deleted tail (which leaves a perfectly linked shorter chain) is noticed.
    Written after commit, so it may lag a moment behind the table but never names a row that was
    rolled back; transactions commit in any order, so an older head never replaces a newer one
    (the file lock makes read-compare-replace one step across processes)."""
    path = Path(settings.AUDIT_ANCHOR_PATH)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        current = read_anchor()
        if current is not None and current["id"] >= event_id:
            return
        temporary = path.with_suffix(".tmp")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"id": event_id, "hash": event_hash}, handle)
        os.replace(temporary, path)


def reanchor_at_head() -> int:
    """After restoring an older backup the anchor is ahead of the table: the operator, having
    checked the chain, anchors it at its current head. Returns that event's id (0: empty)."""
    Path(settings.AUDIT_ANCHOR_PATH).unlink(missing_ok=True)
    last = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
    if last is None:
        return 0
    write_anchor(event_id=last[0], event_hash=last[1])
    return last[0]


def anchor_problem() -> str | None:
    """Why the table does not reach the anchored head, in Chinese; None when it does."""
    anchor = read_anchor()
    if anchor is None:
        return None
    anchored = AuditEvent.objects.filter(pk=anchor["id"]).values_list("hash", flat=True).first()
    if anchored is None:
        last = AuditEvent.objects.order_by("-id").values_list("id", flat=True).first()
        return (
            f"审计记录被截断：锚点记录的最新一条是第 {anchor['id']} 条，"
            f"表中现在只到第 {last or 0} 条，其后的记录已被删除。"
        )
    if anchored != anchor["hash"]:
        return f"审计记录第 {anchor['id']} 条与锚点记录的哈希不符：该条已被替换。"
    return None


def first_broken_link() -> AuditEvent | None:
    """Walks the chain in order; returns the first event whose hash or link does not hold."""
    expected_prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev or event.compute_hash() != event.hash:
            return event
        expected_prev = event.hash
    return None

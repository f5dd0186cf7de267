"""Writing and verifying the audit chain."""

from __future__ import annotations

from typing import Any

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
    return event


def first_broken_link() -> AuditEvent | None:
    """Walks the chain in order; returns the first event whose hash or link does not hold."""
    expected_prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev or event.compute_hash() != event.hash:
            return event
        expected_prev = event.hash
    return None

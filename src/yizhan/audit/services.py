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


def _lock_chain() -> str:
    """Takes the chain's append lock for the rest of the transaction; returns the last hash."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    # On SQLite the IMMEDIATE transaction already holds the database's single write lock.
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or GENESIS


def _event(
    *,
    actor: Any | None,
    action: str,
    object_type: str = "",
    object_id: str | int = "",
    region_code: str = "",
    changes: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    post = user.primary_post if user is not None else None
    return AuditEvent(
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
    )


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
    event = _event(
        actor=actor, action=action, object_type=object_type, object_id=object_id,
        region_code=region_code, changes=changes, reason=reason,
    )  # fmt: skip
    event.prev_hash = _lock_chain()
    event.hash = event.compute_hash()
    event.save()
    return event


@transaction.atomic
def record_many(events: list[dict[str, Any]]) -> list[AuditEvent]:
    """Appends many events (each a dict of record()'s arguments) in one insert, chained in order
    under the same lock as record(): the bulk paths' audit, one row per write, without one
    round trip per row."""
    if not events:
        return []
    built = [_event(**values) for values in events]
    previous = _lock_chain()
    for event in built:
        event.prev_hash = previous
        event.hash = previous = event.compute_hash()
    return AuditEvent.objects.bulk_create(built, batch_size=500)


def first_broken_link() -> AuditEvent | None:
    """Walks the chain in order; returns the first event whose hash or link does not hold."""
    expected_prev = GENESIS
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        if event.prev_hash != expected_prev or event.compute_hash() != event.hash:
            return event
        expected_prev = event.hash
    return None

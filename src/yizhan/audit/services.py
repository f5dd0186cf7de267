"""Writing and verifying the audit chain."""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yizhan import bulk
from yizhan.audit.context import client_ip
from yizhan.audit.models import AuditEvent

GENESIS = "0" * 64
# Any fixed number: the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK = 7_104_220_001


def hold_chain() -> None:
    """Takes the chain's append lock now, for the rest of the transaction (taking it again in the
    same transaction costs one round trip and changes nothing). A service that also locks a row of its own takes the chain
    first: holding its row while it queues for the chain makes everyone who wants that row
    queue twice (25 kiosks on four windows: #13's 4 s ticket issue)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK])
    # On SQLite the IMMEDIATE transaction already holds the database's single write lock.


def _lock_chain() -> str:
    """Takes the chain's append lock for the rest of the transaction; returns the last hash.
    The head is read in a statement after the lock's: in READ COMMITTED a statement sees what
    was committed when it began, so one run together with the lock could miss the row of the
    transaction it waited for."""
    hold_chain()
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
    view: bool = False,
) -> AuditEvent:
    """Appends one event. Callers pass personal values already masked.

    `view`: the event records a read (a page opened), in a transaction of its own. On PostgreSQL
    it then commits without waiting for the disk (synchronous_commit off for this transaction),
    so the chain's lock is held for the insert, not for a disk flush — the flush every person
    page used to queue behind (#16). The WAL is written in order, so a later event that a
    durable write chains to this one is never on disk without it; a crash of the database
    server may lose the last fraction of a second of view events, never a write's. The anchor
    is left to the next durable event, so such a loss never looks like a deleted tail. (SQLite
    in WAL mode with synchronous=NORMAL commits every transaction so already.)"""
    quick = view and connection.vendor == "postgresql" and len(connection.atomic_blocks) == 1
    if quick:
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    event = _event(
        actor=actor, action=action, object_type=object_type, object_id=object_id,
        region_code=region_code, changes=changes, reason=reason,
    )  # fmt: skip
    event.prev_hash = _lock_chain()
    event.hash = event.compute_hash()
    event.save()
    if not quick:
        transaction.on_commit(lambda: write_anchor(event_id=event.pk, event_hash=event.hash))
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
    created = AuditEvent.objects.bulk_create(built, batch_size=500)
    head = created[-1]
    transaction.on_commit(lambda: write_anchor(event_id=head.pk, event_hash=head.hash))
    return created


# AuditEvent.compute_hash's canonical body, spelt out: its keys in sorted order, each value already
# JSON. test_chain checks that the two agree; audit_verify would notice any event where they did not.
_CANONICAL = (
    '{{"action":{action},"actor":{actor},"actor_name":{actor_name},"at":{at},"changes":{changes},'
    '"ip":{ip},"object_id":{object_id},"object_type":{object_type},"post":{post},"prev":{prev},'
    '"reason":{reason},"region_code":{region_code}}}'
)
_EVENT_COLUMNS = (
    "id", "at", "actor_id", "actor_name", "post", "action", "object_type", "object_id",
    "region_code", "ip", "changes", "reason", "prev_hash", "hash",
)  # fmt: skip


def canonical_json(value) -> str:
    """The form compute_hash serialises a value in."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _json_text(value: str) -> str:
    # Ids, codes and hashes need no escaping: spared json.dumps, once per event each.
    return f'"{value}"' if value.isascii() and value.isalnum() else canonical_json(value)


@transaction.atomic
def append_events(
    *, actor: Any | None, action: str, object_type: str, rows: list[tuple[str | int, str, str]]
) -> int:
    """record_many for one action over many objects, as tuples: `rows` are (object id, region
    code, changes already in canonical_json). The same chain, under the same lock, hashed as
    compute_hash does, inserted without a model per event (the ledger import's one event per
    person). Returns the last event's id (0 when there were none)."""
    if not rows:
        return 0
    sample = _event(actor=actor, action=action, object_type=object_type)
    at = sample.at
    fixed = {
        "action": canonical_json(action), "actor": canonical_json(sample.actor_id),
        "actor_name": canonical_json(sample.actor_name), "at": canonical_json(
            at.astimezone(UTC).isoformat(timespec="microseconds")),
        "ip": canonical_json(sample.ip), "object_type": canonical_json(object_type),
        "post": canonical_json(sample.post), "reason": canonical_json(""),
    }  # fmt: skip
    # The canonical body cut where the per-event values go, so an event costs one concatenation.
    marks = {"changes": "\x00", "object_id": "\x00", "prev": '"\x00"', "region_code": "\x00"}
    head, after_changes, after_id, after_prev, tail = _CANONICAL.format(**fixed, **marks).split("\x00")
    quoted: dict[str, str] = {}  # region codes repeat across a batch
    previous = _lock_chain()
    ids = bulk.allocate_ids(AuditEvent, len(rows))
    stored_at = bulk.adapt_datetime(at)
    built = []
    for event_id, (object_id, region_code, changes) in zip(ids, rows, strict=True):
        object_id = str(object_id)
        region = quoted.get(region_code)
        if region is None:
            region = quoted[region_code] = _json_text(region_code)
        canonical = f"{head}{changes}{after_changes}{_json_text(object_id)}{after_id}{previous}{after_prev}{region}{tail}"
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        built.append(
            (event_id, stored_at, sample.actor_id, sample.actor_name, sample.post, action, object_type,
             object_id, region_code, sample.ip, changes, "", previous, digest)
        )  # fmt: skip
        previous = digest
    bulk.insert_rows(AuditEvent, _EVENT_COLUMNS, built)
    head_id, head_hash = ids[-1], previous
    transaction.on_commit(lambda: write_anchor(event_id=head_id, event_hash=head_hash))
    return head_id


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

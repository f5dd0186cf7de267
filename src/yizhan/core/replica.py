"""Reading reports from a PostgreSQL streaming replica (DATABASE_REPLICA_URL), never writing to it.

Reads go to the primary unless code asks for the replica by wrapping them in `reads()`: dashboards
(and the lists their figures link to, so a figure and its list agree), large exports and the
benchmark's read figures. Everything else — a clerk's search, the person page, every form — reads
the primary, so nothing a clerk does depends on the replica's lag.

Read-your-writes: entering `reads()` first waits until the replica has replayed the primary's
current WAL position. Whatever was committed before — the user's own write that led to this page,
the request that queued this export — is then on the replica too. If the replica does not catch up
within `wait` seconds (a stalled or far-behind standby), the block reads the primary instead: slower,
never stale. Inside a write transaction on the primary every read stays there as well (a replica
read would see another moment than the transaction's own).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

DEFAULT = "default"
REPLICA = "replica"
# How long a report waits for the replica to catch up before it reads the primary instead.
DEFAULT_WAIT_SECONDS = 2.0
_POLL_SECONDS = 0.01

logger = logging.getLogger(__name__)
_reading_replica: ContextVar[bool] = ContextVar("reading_replica", default=False)


def configured() -> bool:
    return REPLICA in settings.DATABASES


def caught_up(*, wait: float = DEFAULT_WAIT_SECONDS) -> bool:
    """Whether the replica has replayed everything the primary had committed when this was called
    (waiting up to `wait` seconds for it)."""
    with connections[DEFAULT].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        target = cursor.fetchone()[0]
    give_up = time.monotonic() + wait
    with connections[REPLICA].cursor() as cursor:
        while True:
            cursor.execute("SELECT pg_is_in_recovery() AND pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cursor.fetchone()[0]:
                return True
            if time.monotonic() > give_up:
                return False
            time.sleep(_POLL_SECONDS)


@contextmanager
def reads(*, wait: float = DEFAULT_WAIT_SECONDS) -> Iterator[str]:
    """Routes the block's reads to the replica once it has caught up; yields the alias read from."""
    if not configured() or connections[DEFAULT].in_atomic_block:
        yield DEFAULT
        return
    if not caught_up(wait=wait):
        logger.warning("replica more than %.1f s behind: reading the primary", wait)
        yield DEFAULT
        return
    token = _reading_replica.set(True)
    try:
        yield REPLICA
    finally:
        _reading_replica.reset(token)


class PrimaryReplicaRouter:
    """Writes and migrations on the primary always; reads on the replica only inside `reads()`."""

    def db_for_read(self, model, **hints) -> str:
        if _reading_replica.get() and not connections[DEFAULT].in_atomic_block:
            return REPLICA
        return DEFAULT

    def db_for_write(self, model, **hints) -> str:
        return DEFAULT

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # The replica holds the same rows as the primary: a row read there may point to one here.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        return db == DEFAULT

"""SQLite's writers queue on a lock that wakes the next one when the holder ends (core/sqlite),
not in SQLite's busy handler that sleeps up to 100 ms between tries."""

from __future__ import annotations

import fcntl
import os
import threading

import pytest
from django.db import connection, transaction

from yizhan.audit.models import AuditEvent
from yizhan.audit.services import record

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's writers' queue"),
]


def _queue_path() -> str:
    return f"{connection.settings_dict['NAME']}-writers.lock"


def _write_in_thread(started: threading.Event, done: threading.Event) -> threading.Thread:
    def write() -> None:
        started.set()
        try:
            record(actor=None, action="test.queue", object_type="x", object_id="1")
        finally:
            connection.close()
            done.set()

    return threading.Thread(target=write)


def test_a_writer_waits_in_the_queue_while_another_process_holds_it_and_goes_on_when_freed():
    holder = os.open(_queue_path(), os.O_RDWR | os.O_CREAT, 0o600)
    fcntl.flock(holder, fcntl.LOCK_EX)  # as a writer of another process would
    started, done = threading.Event(), threading.Event()
    writer = _write_in_thread(started, done)
    try:
        writer.start()
        started.wait()
        assert not done.wait(0.5)  # queued: nothing written while the other writer holds it
        assert not AuditEvent.objects.filter(action="test.queue").exists()
    finally:
        os.close(holder)  # the other writer commits
    writer.join(10)
    assert done.is_set()
    assert AuditEvent.objects.filter(action="test.queue").count() == 1


def test_a_rolled_back_transaction_leaves_the_queue_free():
    with pytest.raises(RuntimeError), transaction.atomic():
        record(actor=None, action="test.queue", object_type="x", object_id="1")
        raise RuntimeError
    probe = os.open(_queue_path(), os.O_RDWR)
    try:
        fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)  # raises BlockingIOError if still held
    finally:
        os.close(probe)


def test_threads_of_one_process_take_turns():
    started, done = threading.Event(), threading.Event()
    writer = _write_in_thread(started, done)
    with transaction.atomic():
        record(actor=None, action="test.queue", object_type="x", object_id="0")
        writer.start()
        started.wait()
        assert not done.wait(0.3)  # this thread holds the queue: the other waits its turn
    writer.join(10)
    assert done.is_set()
    assert AuditEvent.objects.filter(action="test.queue").count() == 2

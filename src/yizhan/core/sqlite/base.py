"""Django's SQLite backend with a writers' queue that wakes the next writer at once.

With `transaction_mode=IMMEDIATE` every write transaction takes SQLite's single write lock at
BEGIN. A writer that finds it taken is left to SQLite's busy handler, which sleeps and retries
(1, 2, 5 … 50, 100 ms between tries): under load a writer sleeps up to 100 ms after the lock
was freed, and a busy one can be overtaken again and again — the tail of the load run (#16).
Here a writer first takes an exclusive lock on `<database>-writers.lock` (one per process
thread through a `threading.Lock`, then `flock` across processes, both woken when freed), then
BEGIN IMMEDIATE, and frees both at COMMIT or ROLLBACK. SQLite's own lock and busy timeout stay
the guard for a writer that does not queue here (a plain statement outside a transaction)."""

from __future__ import annotations

import fcntl
import os
import threading
import time

from django.db.backends.sqlite3 import base

# How long a writer queues before it leaves the wait to SQLite's own timeout.
QUEUE_SECONDS = 20.0
_in_process: dict[str, threading.Lock] = {}
_registry = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _registry:
        return _in_process.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    _queue_fd: int | None = None
    _queue_thread_lock: threading.Lock | None = None

    def _queue_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if self.is_in_memory_db() or not name:
            return None
        return f"{name}-writers.lock"

    def _join_queue(self) -> None:
        path = self._queue_path()
        if path is None or self._queue_thread_lock is not None:
            return
        deadline = time.monotonic() + QUEUE_SECONDS
        thread_lock = _process_lock(path)
        if not thread_lock.acquire(timeout=QUEUE_SECONDS):
            return  # SQLite's busy timeout decides
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        pause = 0.0002
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    os.close(fd)
                    thread_lock.release()
                    return
                # Only one thread of each process polls here (the others wait on thread_lock).
                time.sleep(pause)
                pause = min(pause * 2, 0.001)
        self._queue_fd, self._queue_thread_lock = fd, thread_lock

    def _leave_queue(self) -> None:
        fd, thread_lock = self._queue_fd, self._queue_thread_lock
        self._queue_fd = self._queue_thread_lock = None
        if fd is not None:
            os.close(fd)  # closing the file frees its flock
        if thread_lock is not None:
            thread_lock.release()

    def _start_transaction_under_autocommit(self):
        self._join_queue()
        try:
            super()._start_transaction_under_autocommit()
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self):
        try:
            return super()._commit()
        finally:
            self._leave_queue()

    def _rollback(self):
        try:
            return super()._rollback()
        finally:
            self._leave_queue()

    def _close(self):
        try:
            return super()._close()
        finally:
            self._leave_queue()

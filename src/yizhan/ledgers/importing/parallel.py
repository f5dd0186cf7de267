"""The import's per-row work spread over the cores: worker processes parse batches ahead of the
writer (cells, ID number and its cross-checks, the village, and for the people kind the new
person's checks, encryption, blind indexes and pinyin: Importer.parse_one), while the importing
process stays the one writer — the registry lookups, each row's outcome, the inserts, the audit
chain and the checkpoints happen there, in file order, exactly as without workers.

Workers are forked from the importer (they inherit its layout, column spec and region index, and
never touch the database), take whole batches, and are kept at most AHEAD batches ahead of the
writer, so memory stays flat however long the file. A small file (one batch) is parsed in process:
forking would cost more than it saves.
"""

from __future__ import annotations

import ctypes
import gc
import itertools
import multiprocessing
import os
import signal
from collections import deque
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.conf import settings

from yizhan.ledgers.importing.rows import PackedBatch, PackedRow

if TYPE_CHECKING:
    from yizhan.ledgers.importing.engine import Importer

AHEAD = 2  # batches in flight per worker
BLANK = "blank"  # in a worker's answer, where parse_one found a blank row
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>

# The importer a forked worker works for: inherited through fork, never pickled.
_importer: Importer | None = None


def workers_for(total_rows: int | None, batch_size: int) -> int:
    """How many worker processes: settings.IMPORT_WORKERS (0: one per core), none for one batch."""
    wanted = settings.IMPORT_WORKERS or os.cpu_count() or 1
    if wanted <= 1 or (total_rows is not None and total_rows <= batch_size):
        return 0
    return wanted


def _die_with_parent(parent: int) -> None:
    """A worker whose importer is killed (kill -9: the crash-resume case) goes too, instead of
    waiting on its queue forever: Linux's parent-death signal."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (AttributeError, OSError):  # not Linux: the worker lingers until its queue closes
        return
    if os.getppid() != parent:  # the importer died before the signal was asked for
        os._exit(1)


def _work(task: tuple[list[tuple[int, list]], int]) -> tuple[PackedBatch, list]:
    """A batch parsed in a worker: its rows packed together, and for each row of the batch its
    prepared person, None, or BLANK for a blank row."""
    batch, cursor = task
    parsed = [_importer.parse_one(number, values, prepare=number > cursor) for number, values in batch]
    rows = PackedBatch([item[0] for item in parsed if item is not None])
    return rows, [BLANK if item is None else item[1] for item in parsed]


class Stage:
    def __init__(self, importer: Importer, *, workers: int):
        self.importer = importer
        self.pool = None
        if workers:
            global _importer
            _importer = importer
            # Everything alive now (Django, the region index) is left out of the cyclic garbage
            # collector's passes: a forked worker's collection would otherwise touch, and so copy,
            # every page it shares with the importer, and the importer's own passes over it are
            # wasted too (the gc.freeze documentation's advice for pre-forking servers).
            gc.freeze()
            self.pool = multiprocessing.get_context("fork").Pool(
                workers, initializer=_die_with_parent, initargs=(os.getpid(),)
            )
            self.ahead = workers * AHEAD

    def batches(
        self, rows: Iterator[tuple[int, list]], size: int, *, cursor: int
    ) -> Iterator[tuple[list[tuple[int, list]], list]]:
        """(batch of raw rows, their parse) in file order. Rows up to `cursor` are only parsed:
        their people were written before the run was interrupted."""
        if self.pool is None:
            while batch := list(itertools.islice(rows, size)):
                yield batch, [self.importer.parse_one(n, v, prepare=n > cursor) for n, v in batch]
            return
        pending: deque = deque()

        def submit() -> None:
            if batch := list(itertools.islice(rows, size)):
                pending.append((batch, self.pool.apply_async(_work, ((batch, cursor),))))

        for _ in range(self.ahead):
            submit()
        while pending:
            batch, parsed = pending.popleft()
            submit()
            yield batch, self._unpack(*parsed.get())

    def _unpack(self, rows: PackedBatch, prepared: list) -> list:
        """A worker's answer as parse_one's items, in the batch's order: (PackedRow, prepared),
        or None for a blank row."""
        spec, packed = self.importer.spec, iter(rows.packed)
        return [None if p == BLANK else (PackedRow(spec, next(packed), rows), p) for p in prepared]

    def close(self) -> None:
        global _importer
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()
            _importer = None
            gc.unfreeze()

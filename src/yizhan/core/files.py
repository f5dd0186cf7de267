"""Uploaded files at rest: sealed with the column keys (core.crypto), 0600 in 0700 directories.

Three stores hold files with personal data: scans and photos ("documents"), uploaded ledgers
("imports") and the ledgers the worker writes for download ("exports"). Each may hold full ID
numbers, so a copied data directory must reveal no more than a copied database. A file is sealed in segments (the STREAM construction: each segment its own AEAD, the
nonce carrying the segment number and a last-segment flag), so a 200 MB ledger is written and read
with one segment in memory, and a reader can seek — openpyxl reads an xlsx as a zip, from its end.

Layout: MAGIC, algorithm letter, key id length, key id, nonce prefix; then the segments. The
associated data binds the header and the file's name within its store: a file copied to another
name or store, a swapped, dropped or truncated segment, all fail to decrypt.
"""

from __future__ import annotations

import io
import os
import weakref
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import BinaryIO

from django.conf import settings
from django.db import transaction

from yizhan.core import crypto

MAGIC = b"YZF1"
SEGMENT = 64 * 1024  # plaintext bytes per segment; small enough for cheap seeks inside a zip
PREFIX_BYTES = 7  # + 4 bytes of segment number + 1 byte last flag = the 12-byte GCM nonce
STORES = {
    "documents": lambda: Path(settings.DOCUMENTS_DIR),
    "imports": lambda: Path(settings.DATA_DIR) / "imports",
    "exports": lambda: Path(settings.DATA_DIR) / "exports",  # background exports, kept 7 days
}


def store(kind: str) -> Path:
    """The store's directory, created 0700 (and made 0700 if an older version left it open)."""
    root = STORES[kind]()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    root.chmod(0o700)
    return root


def write(kind: str, name: str, chunks: Iterable[bytes]) -> Path:
    """Seals the chunks into <store>/<name> (0600, its directories 0700), atomically: the file
    appears whole or not at all."""
    target = _path(kind, name)
    for parent in reversed(target.relative_to(store(kind)).parents[:-1]):
        directory = store(kind) / parent
        directory.mkdir(mode=0o700, exist_ok=True)
        directory.chmod(0o700)
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            for block in _sealed(kind, name, chunks):
                handle.write(block)
        os.replace(partial, target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return target


def write_in_transaction(kind: str, name: str, chunks: Iterable[bytes]) -> Path:
    """`write`, undone if the current transaction (or the savepoint around the call) rolls back,
    so a row that never commits leaves no file behind. A file already there (the same bytes
    under the same content-addressed name, another row's) is left alone either way."""
    existed = _path(kind, name).exists()
    target = write(kind, name, chunks)
    if not existed:
        transaction.on_commit(_UndoUnlessCommitted(target).committed)
    return target


class _UndoUnlessCommitted:
    """Removes its file unless the transaction commits. Django has no on-rollback hook, but it
    drops the on_commit callbacks of a rolled-back transaction or savepoint: this object is held
    by that callback only, so it is released exactly then (or after the callback ran, once
    committed), and the finalizer removes the file unless `committed` was called. A process that
    dies mid-transaction also removes it at exit, as the database drops the row."""

    def __init__(self, path: Path) -> None:
        self.done = [False]
        weakref.finalize(self, _remove_unless, path, self.done)

    def committed(self) -> None:
        self.done[0] = True


def _remove_unless(path: Path, done: list[bool]) -> None:
    if not done[0]:
        path.unlink(missing_ok=True)


def open_sealed(kind: str, name: str) -> BinaryIO:
    """A seekable binary reader of the plaintext; crypto.DecryptionError on any tampering."""
    return io.BufferedReader(_Reader(_path(kind, name), _aad(kind, name)), buffer_size=SEGMENT)


def read(kind: str, name: str) -> bytes:
    with open_sealed(kind, name) as handle:
        return handle.read()


def is_sealed(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(MAGIC)) == MAGIC


def needs_rotation(path: Path) -> bool:
    """True for a file sealed with another key or algorithm than the active one, or not at all
    (stored before files were sealed)."""
    with open(path, "rb") as handle:
        header = handle.read(len(MAGIC) + 2 + 255)
    if not header.startswith(MAGIC):
        return True
    algorithm, key_id, _ = _parse_header(header)
    active_algorithm, active_id, _ = crypto.active_key()
    return (algorithm, key_id) != (active_algorithm, active_id)


def stored_files(kind: str) -> Iterator[str]:
    """Every file's name in the store (partial writes left out)."""
    root = store(kind)
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.endswith(".part"):
            yield path.relative_to(root).as_posix()


def reseal(kind: str, name: str) -> None:
    """Re-seals a file with the active key; a file from before sealing is sealed as it is."""
    path = _path(kind, name)
    if is_sealed(path):
        with open_sealed(kind, name) as handle:
            write(kind, name, iter(lambda: handle.read(SEGMENT), b""))
    else:
        with open(path, "rb") as handle:
            write(kind, name, iter(lambda: handle.read(SEGMENT), b""))


def _path(kind: str, name: str) -> Path:
    root = STORES[kind]()
    target = (root / name).resolve()
    if not target.is_relative_to(root.resolve()) or target == root.resolve():
        raise ValueError("文件名必须位于存储目录之内。")
    return root / name


def _aad(kind: str, name: str) -> bytes:
    return f"file:{kind}/{name}".encode()


def _parse_header(data: bytes) -> tuple[str, str, int]:
    """(algorithm, key id, header length)"""
    try:
        algorithm = crypto.ALGORITHMS[chr(data[len(MAGIC)])]
        length = data[len(MAGIC) + 1]
        key_id = data[len(MAGIC) + 2 : len(MAGIC) + 2 + length].decode("ascii")
    except (IndexError, KeyError, UnicodeDecodeError):
        raise crypto.DecryptionError("无法解密：文件头不正确。") from None
    return algorithm, key_id, len(MAGIC) + 2 + length + PREFIX_BYTES


def _nonce(prefix: bytes, index: int, last: bool) -> bytes:
    return prefix + index.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


def _sealed(kind: str, name: str, chunks: Iterable[bytes]) -> Iterator[bytes]:
    algorithm, key_id, key = crypto.active_key()
    prefix = os.urandom(PREFIX_BYTES)
    header = MAGIC + crypto.LETTERS[algorithm].encode() + bytes([len(key_id)]) + key_id.encode() + prefix
    aad = _aad(kind, name) + b"\x00" + header
    yield header
    # One segment is held back until the next byte arrives: only then is it known not to be last.
    pending, index = b"", 0
    for chunk in chunks:
        pending += chunk
        while len(pending) > SEGMENT:
            yield crypto.seal(algorithm, key, _nonce(prefix, index, False), pending[:SEGMENT], aad)
            pending, index = pending[SEGMENT:], index + 1
    yield crypto.seal(algorithm, key, _nonce(prefix, index, True), pending, aad)


class _Reader(io.RawIOBase):
    def __init__(self, path: Path, aad: bytes) -> None:
        self._file = open(path, "rb")  # noqa: SIM115 — closed by close()
        head = self._file.read(len(MAGIC) + 2 + 255)
        if not head.startswith(MAGIC):
            self._file.close()
            raise crypto.DecryptionError("无法解密：这个文件没有加密存储。")
        self._algorithm, key_id, self._start = _parse_header(head)
        self._key = crypto.key_named(key_id)
        self._prefix = head[self._start - PREFIX_BYTES : self._start]
        self._aad = aad + b"\x00" + head[: self._start]
        sealed = os.fstat(self._file.fileno()).st_size - self._start
        step = SEGMENT + crypto.TAG_BYTES
        self._segments = max(1, -(-sealed // step))
        self._size = sealed - self._segments * crypto.TAG_BYTES
        if self._size < 0:
            raise crypto.DecryptionError("无法解密：文件不完整。")
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        self._position = max(0, base + offset)
        return self._position

    def readinto(self, buffer) -> int:
        if self._position >= self._size:
            return 0
        index, skip = divmod(self._position, SEGMENT)
        data = self._segment(index)[skip : skip + len(buffer)]
        buffer[: len(data)] = data
        self._position += len(data)
        return len(data)

    def _segment(self, index: int) -> bytes:
        if self._cached is None or self._cached[0] != index:
            step = SEGMENT + crypto.TAG_BYTES
            self._file.seek(self._start + index * step)
            sealed = self._file.read(step)
            last = index == self._segments - 1
            nonce = _nonce(self._prefix, index, last)
            self._cached = (index, crypto.unseal(self._algorithm, self._key, nonce, sealed, self._aad))
        return self._cached[1]

    def close(self) -> None:
        self._file.close()
        super().close()

"""Ledger sources — the file an import run reads — in one place, sealed at rest.

An upload is stored sealed in the "imports" store (core.files: the column keys, 0600 in 0700);
every reader of a run's source (the preview, the import in the worker, the error report) opens it
through `open_source`. A path the command line names outside that store is the operator's own
file and is read as it is on disk.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from yizhan.core import files

STORE = "imports"


def write_source(chunks: Iterable[bytes], *, suffix: str) -> Path:
    """Seals the upload under a fresh name (the name is bound into the ciphertext, so it cannot be
    the checksum, known only at the end); returns its path for ImportRun.source_path."""
    return files.write(STORE, f"{uuid.uuid4().hex}{suffix}", chunks)


def open_source(path: Path | str) -> BinaryIO:
    """The source's plaintext bytes, seekable (openpyxl reads an xlsx from its end)."""
    path = Path(path)
    if path.parent.resolve() == files.store(STORE).resolve():
        return files.open_sealed(STORE, path.name)
    return open(path, "rb")

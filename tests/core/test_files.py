"""Sealed files: segmented AEAD, seekable, and nothing readable or movable without the key."""

from __future__ import annotations

import dataclasses
import os
import zipfile

import pytest

from yizhan.core import crypto, files
from yizhan.core.files import SEGMENT


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 17])
def test_what_is_written_reads_back_byte_for_byte(size):
    data = os.urandom(size)
    chunks = [data[i : i + 1000] for i in range(0, size, 1000)]
    files.write("imports", "a.bin", chunks)
    assert files.read("imports", "a.bin") == data


def test_a_reader_seeks_like_a_file_so_a_zip_opens_from_its_end(tmp_path):
    plain = tmp_path / "plain.zip"
    with zipfile.ZipFile(plain, "w") as book:
        book.writestr("a.txt", os.urandom(3 * SEGMENT))
        book.writestr("b.txt", "第二个文件")
    files.write("imports", "book.xlsx", [plain.read_bytes()])
    with files.open_sealed("imports", "book.xlsx") as handle, zipfile.ZipFile(handle) as book:
        assert book.read("b.txt").decode() == "第二个文件"


def test_a_truncated_file_does_not_decrypt():
    path = files.write("imports", "a.bin", [os.urandom(2 * SEGMENT + 5)])
    sealed = path.read_bytes()
    path.write_bytes(sealed[: len(sealed) - (5 + crypto.TAG_BYTES)])  # the last segment dropped
    with pytest.raises(crypto.DecryptionError):
        files.read("imports", "a.bin")


def test_a_file_copied_into_the_other_store_does_not_decrypt():
    path = files.write("imports", "a.bin", [b"ledger"])
    (files.store("documents") / "a.bin").write_bytes(path.read_bytes())
    with pytest.raises(crypto.DecryptionError):
        files.read("documents", "a.bin")


def test_a_name_outside_the_store_is_refused():
    with pytest.raises(ValueError):
        files.write("imports", "../escape.bin", [b"x"])


def test_reseal_moves_a_file_to_the_active_key_and_seals_an_old_plain_one(settings):
    files.write("imports", "old.bin", [b"sealed with the old key"])
    (files.store("imports") / "plain.bin").write_bytes(b"stored before sealing")
    ring = settings.YIZHAN_KEYRING
    settings.YIZHAN_KEYRING = dataclasses.replace(ring, keys={**ring.keys, "k2": os.urandom(32)}, active="k2")
    assert [n for n in files.stored_files("imports") if files.needs_rotation(files.store("imports") / n)] == [
        "old.bin",
        "plain.bin",
    ]
    for name in files.stored_files("imports"):
        files.reseal("imports", name)
    assert not any(files.needs_rotation(files.store("imports") / n) for n in files.stored_files("imports"))
    assert files.read("imports", "plain.bin") == b"stored before sealing"
    assert files.read("imports", "old.bin") == b"sealed with the old key"

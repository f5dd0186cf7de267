"""`yizhan backup` and `yizhan restore`: a station's data backed up online, restored by a separate
`yizhan restore` process into a fresh data directory and a fresh database, and compared table by
table, row by row, with the original; and the restores that must be refused before writing."""

from __future__ import annotations

import base64
import json
import os
import sqlite3
import subprocess
import sys
import uuid
from contextlib import closing, contextmanager
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection

from tests.ledgers.test_import_crash import database_url
from yizhan.config import KeyRing
from yizhan.core import backup, files
from yizhan.people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def station(world, make_person, persona, settings, tmp_path):
    """A few people (encrypted ID numbers and phones, audited) and a sealed document."""
    # This test's own anchor: the shared one may name events of other tests' databases.
    settings.AUDIT_ANCHOR_PATH = tmp_path / "data" / "audit-anchor.json"
    clerk = persona("xinhu_clerk")
    for name in ("商春旺", "李红梅", "王建国"):
        make_person(name=name, phone="13812345678", actor=clerk)
    files.write("documents", "2026/证件扫描.pdf", [b"%PDF-1.4 scan"])
    return clerk


def keyring_environment(ring: KeyRing) -> dict[str, str]:
    """The same keys as this process, handed to the restoring process by the environment."""
    encoded = ",".join(f"{kid}:{base64.b64encode(key).decode()}" for kid, key in ring.keys.items())
    return {
        "YIZHAN_KEYS": encoded,
        "YIZHAN_ACTIVE_KEY": ring.active,
        "YIZHAN_INDEX_KEY": base64.b64encode(ring.index_key).decode(),
        "YIZHAN_CRYPTO": ring.algorithm,
    }


def yizhan(*arguments: str, data_dir: Path, url: str, python: str = "") -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        **keyring_environment(django_settings.YIZHAN_KEYRING),
        "YIZHAN_DATA_DIR": str(data_dir),
        "DATABASE_URL": url,
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    command = [sys.executable, "-m", "yizhan.cli", *arguments]
    return subprocess.run(command, env=env, capture_output=True, text=True, check=False)


@contextmanager
def fresh_database(tmp_path: Path):
    """An empty database of the same kind as the test database; its URL."""
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg

    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    server = database_url().rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def opened(url: str):
    if url.startswith("sqlite:"):
        with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as db:
            yield db
    else:
        import psycopg

        with psycopg.connect(url) as db:
            yield db


def every_row(url: str) -> dict[str, list[tuple]]:
    with opened(url) as db:
        tables = backup.table_counts(db)
        cursor = db.cursor()
        rows = {}
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            rows[table] = sorted(cursor.fetchall(), key=repr)
        return rows


def test_a_backup_restored_into_a_fresh_station_has_every_table_row_for_row(station, tmp_path):
    call_command("backup", "-o", str(tmp_path / "backup"))
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["tables"]["people_person"] == 3
    assert "files/documents/2026/证件扫描.pdf" in manifest["files"]
    ring = django_settings.YIZHAN_KEYRING
    assert set(manifest["keys"]["keys"]) == set(ring.keys)
    written = (tmp_path / "backup" / "manifest.json").read_text(encoding="utf-8")
    for key in [*ring.keys.values(), ring.index_key]:
        assert base64.b64encode(key).decode() not in written, "a key never goes into the backup"

    restored = tmp_path / "restored-data"
    with fresh_database(tmp_path) as url:
        done = yizhan("restore", str(tmp_path / "backup"), data_dir=restored, url=url)
        assert done.returncode == 0, done.stderr
        assert "行数与备份清单一致" in done.stdout and "审计链完整" in done.stdout

        original = every_row(database_url())
        copy = every_row(url)
        assert set(copy) == set(original)
        for table, rows in original.items():
            assert copy[table] == rows, f"{table} differs after the restore"

        # The restored station reads its sealed file and its encrypted ID numbers with the keys.
        check = (
            "from yizhan.core import files; from yizhan.people.models import Person; "
            "print(files.read('documents', '2026/证件扫描.pdf').decode(), "
            "sorted(p.id_number[:6] for p in Person.objects.all()))"
        )
        shown = yizhan("shell", "-c", check, data_dir=restored, url=url)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout.strip().splitlines()[-1] == "%PDF-1.4 scan ['371402', '371402', '371402']"


def test_a_restore_with_other_keys_of_the_same_id_is_refused_before_writing(station, tmp_path, settings):
    call_command("backup", "-o", str(tmp_path / "backup"))
    ring = settings.YIZHAN_KEYRING
    settings.YIZHAN_KEYRING = KeyRing(
        keys={kid: bytes(32) for kid in ring.keys}, active=ring.active, index_key=ring.index_key,
        algorithm=ring.algorithm,
    )  # fmt: skip
    with pytest.raises(backup.BackupError, match="不是同一把"):
        backup.restore(tmp_path / "backup")


def test_a_restore_into_a_station_that_holds_data_is_refused(station, tmp_path):
    call_command("backup", "-o", str(tmp_path / "backup"))
    with pytest.raises(backup.BackupError, match="目标数据库不是空的"):
        backup.restore(tmp_path / "backup")
    assert Person.objects.count() == 3


def test_a_damaged_backup_file_is_named_and_refused(station, tmp_path):
    call_command("backup", "-o", str(tmp_path / "backup"))
    scan = tmp_path / "backup" / "files" / "documents" / "2026" / "证件扫描.pdf"
    scan.write_bytes(scan.read_bytes()[:-1] + b"\x00")
    with pytest.raises(backup.BackupError, match=r"证件扫描\.pdf"):
        backup.restore(tmp_path / "backup")


def test_a_backup_without_its_manifest_is_not_restored(tmp_path, db):
    (tmp_path / "half").mkdir()
    with pytest.raises(backup.BackupError, match="不是一份完整的备份"):
        backup.restore(tmp_path / "half")

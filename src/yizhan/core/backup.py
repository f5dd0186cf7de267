"""Backup and restore of a whole station: the database, the sealed files and the audit anchor.

A backup directory holds
- the database: SQLite copied page by page through its online backup API (writers keep working),
  or PostgreSQL dumped by `pg_dump --format=custom` inside an exported snapshot, so the row counts
  in the manifest describe exactly the dumped rows;
- files/<store>/…: the documents and uploaded ledgers as they lie on disk, still sealed with the
  column keys (exports are downloads the worker writes again and purges after 7 days: left out);
- audit-anchor.json: the chain's head as the running system knew it (read before the snapshot,
  so the snapshot always reaches it);
- manifest.json, written last (a directory without one is an unfinished backup): the checksum of
  every file, the row count of every table, the audit head of the snapshot, and the key ids with
  each key's fingerprint — never a key. Every local key is called "local1", so ids alone would let
  a restore with the wrong keys through and every ID number would fail to decrypt afterwards.

A restore goes only into an empty database and data directory, refuses when a file does not match
its checksum or the configured keys do not match the fingerprints, then checks the audit chain
against the anchor and compares every table's count with the manifest.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import os
import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection

from yizhan.audit.services import anchor_problem, first_broken_link, read_anchor, write_anchor
from yizhan.config import KeyRing
from yizhan.core import files

FORMAT = 1
MANIFEST = "manifest.json"
ANCHOR = "audit-anchor.json"
STORES = ("documents", "imports")
DATABASE_FILE = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
# What a fingerprint is an HMAC of: naming a key without revealing anything about it.
_FINGERPRINT_LABEL = b"yizhan key fingerprint v1"


class BackupError(Exception):
    """Why a backup or restore cannot go on, in Chinese, for the operator."""


def key_fingerprints(ring: KeyRing) -> dict[str, Any]:
    def fingerprint(key: bytes) -> str:
        return hmac.new(key, _FINGERPRINT_LABEL, hashlib.sha256).hexdigest()[:32]

    return {
        "algorithm": ring.algorithm,
        "keys": {kid: fingerprint(key) for kid, key in sorted(ring.keys.items())},
        "index_key": fingerprint(ring.index_key),
    }


def key_mismatch(recorded: dict[str, Any], ring: KeyRing) -> str | None:
    """Why the configured keys cannot read the backup, in Chinese; None when they can. Extra
    configured keys are fine (a new key added since); a missing or different one is not."""
    current = key_fingerprints(ring)
    if recorded["algorithm"] != current["algorithm"]:
        return f"备份使用的加密算法是 {recorded['algorithm']}，当前配置是 {current['algorithm']}。"
    if recorded["index_key"] != current["index_key"]:
        return "当前配置的盲索引密钥（index_key）与备份时的不同：按身份证号、电话查找将全部失效。"
    for kid, fingerprint in recorded["keys"].items():
        if kid not in current["keys"]:
            return f"当前配置中没有备份时的密钥“{kid}”：用它加密的身份证号、电话和文件将无法读取。"
        if current["keys"][kid] != fingerprint:
            return f"当前配置的密钥“{kid}”与备份时同名的密钥不是同一把（指纹不同）。"
    return None


def table_counts(db: Any = None) -> dict[str, int]:
    """Rows of every table (SQLite's own statistics tables aside): of Django's connection, or of
    an open DB-API connection to a snapshot."""
    if db is None:
        with connection.cursor() as cursor:
            return _counts(cursor, connection.vendor)
    return _counts(db.cursor(), _vendor_of(db))


def _counts(cursor: Any, vendor: str) -> dict[str, int]:
    cursor.execute(_TABLES_SQL[vendor])
    names = sorted(row[0] for row in cursor.fetchall())
    return {name: _count(cursor, '"' + name.replace('"', '""') + '"') for name in names}


_TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema()",
}


def _vendor_of(db: Any) -> str:
    return "sqlite" if isinstance(db, sqlite3.Connection) else "postgresql"


def _count(cursor: Any, quoted: str) -> int:
    cursor.execute(f"SELECT COUNT(*) FROM {quoted}")
    return int(cursor.fetchone()[0])


def _audit_head(db: Any) -> dict | None:
    row = db.execute("SELECT id, hash FROM audit_auditevent ORDER BY id DESC LIMIT 1").fetchone()
    return {"id": row[0], "hash": row[1]} if row else None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
    return digest.hexdigest()


def _private_dir(path: Path) -> None:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    path.chmod(0o700)


def _pg_arguments() -> tuple[list[str], dict[str, str]]:
    """pg_dump / pg_restore connection options for Django's database, and the password by the
    environment (never on a command line, where `ps` shows it)."""
    db = connection.settings_dict
    arguments = ["--host", db["HOST"] or "127.0.0.1", "--port", str(db["PORT"] or 5432)]
    if db["USER"]:
        arguments += ["--username", db["USER"]]
    env = dict(os.environ, PGPASSWORD=db["PASSWORD"] or "", PGCONNECT_TIMEOUT="10")
    return [*arguments, "--dbname", db["NAME"]], env


def _psycopg_connect():
    import psycopg

    db = connection.settings_dict
    return psycopg.connect(
        host=db["HOST"] or "127.0.0.1",
        port=db["PORT"] or 5432,
        user=db["USER"] or None,
        password=db["PASSWORD"] or None,
        dbname=db["NAME"],
        autocommit=False,
    )


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败（{done.returncode}）：{done.stderr.strip()[-2000:]}")


def _snapshot_database(target: Path) -> tuple[dict[str, int], dict | None]:
    """Writes the database into target; returns the snapshot's table counts and audit head."""
    path = target / DATABASE_FILE[connection.vendor]
    if connection.vendor == "sqlite":
        live = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
        with closing(live) as source, closing(sqlite3.connect(path)) as copy:
            source.backup(copy)
        path.chmod(0o600)
        with closing(sqlite3.connect(path)) as copy:
            return table_counts(copy), _audit_head(copy)
    arguments, env = _pg_arguments()
    with closing(_psycopg_connect()) as db:
        db.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = db.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the very rows this transaction sees, so the counts below describe the dump.
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", "--file", str(path), *arguments], env)
        counts, head = table_counts(db), _audit_head(db)
        db.rollback()
    path.chmod(0o600)
    return counts, head


def backup(target: Path) -> dict[str, Any]:
    """Writes a complete backup into target (new or empty); returns its manifest."""
    target = Path(target)
    if target.exists() and any(target.iterdir()):
        raise BackupError(f"备份目录 {target} 不是空的：每次备份写入一个新目录。")
    _private_dir(target)
    anchor = read_anchor()  # before the snapshot, so the snapshot reaches it
    counts, head = _snapshot_database(target)
    _private_dir(target / "files")
    # After the snapshot: every file a snapshotted row names was written before its row committed.
    for store in STORES:
        source = files.STORES[store]()
        if source.is_dir():
            shutil.copytree(source, target / "files" / store, ignore=_unfinished)
    if anchor is not None:
        (target / ANCHOR).write_text(json.dumps(anchor), encoding="utf-8")
        (target / ANCHOR).chmod(0o600)
    manifest = {
        "format": FORMAT,
        "created_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "database": connection.vendor,
        "tables": counts,
        "audit_head": head,
        "keys": key_fingerprints(settings.YIZHAN_KEYRING),
        "files": {
            path.relative_to(target).as_posix(): {"sha256": _sha256(path), "bytes": path.stat().st_size}
            for path in sorted(target.rglob("*"))
            if path.is_file()
        },
    }
    partial = target / f".{MANIFEST}.part"
    partial.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    partial.chmod(0o600)
    os.replace(partial, target / MANIFEST)
    return manifest


def _unfinished(directory: str, names: list[str]) -> list[str]:
    # core.files writes ".<name>.<pid>.part" and renames it when whole: a half-written upload.
    return [name for name in names if name.startswith(".") and name.endswith(".part")]


def read_manifest(source: Path) -> dict[str, Any]:
    path = Path(source) / MANIFEST
    if not path.is_file():
        raise BackupError(f"{source} 中没有 {MANIFEST}：不是一份完整的备份（备份可能中途停止）。")
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不是本版本能恢复的格式 {FORMAT}。")
    return manifest


def damaged_files(source: Path, manifest: dict[str, Any]) -> list[str]:
    """Files missing from the backup or differing from their checksum."""
    damaged = []
    for name, expected in manifest["files"].items():
        path = Path(source) / name
        if (
            not path.is_file()
            or path.stat().st_size != expected["bytes"]
            or _sha256(path) != expected["sha256"]
        ):
            damaged.append(name)
    return damaged


def _target_problem() -> str | None:
    tables = connection.introspection.table_names()
    if tables:
        return f"目标数据库不是空的（已有 {len(tables)} 张表）：只能恢复到新建的空数据库。"
    for store in STORES:
        directory = files.STORES[store]()
        if directory.is_dir() and any(directory.iterdir()):
            return f"目标数据目录的 {directory} 不是空的：只能恢复到新的数据目录。"
    if Path(settings.AUDIT_ANCHOR_PATH).exists():
        return f"目标数据目录已有审计锚点 {settings.AUDIT_ANCHOR_PATH}：只能恢复到新的数据目录。"
    return None


def _restore_database(source: Path) -> None:
    path = source / DATABASE_FILE[connection.vendor]
    if connection.vendor == "sqlite":
        connection.close()
        target = sqlite3.connect(connection.settings_dict["NAME"])
        with closing(sqlite3.connect(path)) as backup_copy, closing(target):
            backup_copy.backup(target)
        return
    arguments, env = _pg_arguments()
    connection.close()
    # One transaction: a failure half-way leaves the database as empty as it was.
    _run(["pg_restore", "--single-transaction", "--exit-on-error", "--no-owner", *arguments, str(path)], env)


def restore(source: Path) -> dict[str, Any]:
    """Restores the backup in source into the configured (empty) database and data directory.
    Raises BackupError before writing anything when it must refuse; after writing, when the
    restored data does not check out (the message says what differs)."""
    source = Path(source)
    manifest = read_manifest(source)
    if manifest["database"] != connection.vendor:
        raise BackupError(
            f"这是 {manifest['database']} 数据库的备份，当前配置的是 {connection.vendor}：请配置同类数据库。"
        )
    if damaged := damaged_files(source, manifest):
        raise BackupError(f"备份文件缺失或已损坏（校验和不符）：{'、'.join(damaged[:10])}")
    if problem := key_mismatch(manifest["keys"], settings.YIZHAN_KEYRING):
        raise BackupError(f"密钥不符，拒绝恢复：{problem}请先配置备份时使用的密钥文件（YIZHAN_KEY_FILE）。")
    if problem := _target_problem():
        raise BackupError(problem)

    _restore_database(source)
    for store in STORES:
        copied = source / "files" / store
        if copied.is_dir():
            shutil.copytree(copied, files.STORES[store](), dirs_exist_ok=True)
            files.store(store)  # 0700 again, as core.files keeps it
    if (source / ANCHOR).is_file():
        anchor = json.loads((source / ANCHOR).read_text(encoding="utf-8"))
        write_anchor(event_id=anchor["id"], event_hash=anchor["hash"])
    return _check_restored(manifest)


def _check_restored(manifest: dict[str, Any]) -> dict[str, Any]:
    problems = []
    if (broken := first_broken_link()) is not None:
        problems.append(f"审计链在第 {broken.pk} 条断裂。")
    if problem := anchor_problem():
        problems.append(problem)
    counts = table_counts()
    differ = [
        f"{table}（备份 {expected}，恢复后 {counts.get(table)}）"
        for table, expected in manifest["tables"].items()
        if counts.get(table) != expected
    ]
    if differ:
        problems.append("行数不符：" + "、".join(differ))
    if problems:
        raise BackupError("恢复后的核对未通过：" + " ".join(problems))
    head = manifest["audit_head"]
    if head is not None:
        # From now on a deleted tail of the restored chain is noticed up to the backup's head.
        write_anchor(event_id=head["id"], event_hash=head["hash"])
    return {"tables": len(counts), "rows": sum(counts.values()), "audit_events": head["id"] if head else 0}

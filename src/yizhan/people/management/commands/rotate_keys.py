"""`yizhan rotate_keys`: re-encrypts personal values and uploaded files (documents,
ledger sources) with the active key and algorithm, and recomputes every blind index with the
current index key. Files stored before uploads were sealed are sealed by it too.

Run it after every process has been given the new key ring (the old key ids still in it): web
workers must already read the new tokens and search with the new index key. Each batch commits on
its own, so an interrupted run is resumed by running the command again; rows already done are
recognised and skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import models, transaction
from django.db.models import Q

from yizhan.audit.services import record
from yizhan.config import KeyRing
from yizhan.core import crypto, files


class EncryptedColumn(NamedTuple):
    model: type[models.Model]
    enc_field: str
    bidx_field: str | None  # None: the column has no blind index
    context: str  # the associated data the column's tokens were sealed with; also its name here


def encrypted_columns() -> list[EncryptedColumn]:
    """Every encrypted column in the project, as each model declares it in ENCRYPTED_COLUMNS
    (column, blind index column or None, context). A column left undeclared is never rotated and
    breaks when the old key is finally removed from the ring; tests/people/test_rotate_keys.py
    fails for any `…_enc` field missing here."""
    return [
        EncryptedColumn(model, enc_field, bidx_field, context)
        for model in apps.get_models()
        for enc_field, bidx_field, context in getattr(model, "ENCRYPTED_COLUMNS", ())
    ]


@dataclass
class Counts:
    checked: int = 0
    reencrypted: int = 0
    reindexed: int = 0


class Command(BaseCommand):
    help = (
        "用当前密钥和算法重新加密个人信息，并用当前盲索引密钥重算盲索引。"
        "Re-encrypt personal data with the active key and recompute blind indexes."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=1000, help="每批处理的行数（默认 1000）。")
        parser.add_argument("--dry-run", action="store_true", help="只统计将要改动的行数，不写入。")

    def handle(self, *args, batch: int, dry_run: bool, verbosity: int, **options) -> None:
        self.verbosity = verbosity
        if batch < 1:
            raise CommandError("--batch 必须是正整数。")
        ring: KeyRing = settings.YIZHAN_KEYRING
        # Checked for every column before anything is written: a key missing from the ring must
        # stop the run while the data is still untouched, not half-way through.
        columns = encrypted_columns()
        for column in columns:
            _check_keys_present(column=column, key_ids=set(ring.keys))

        results: dict[str, Counts] = {}
        try:
            for column in columns:
                results[column.context] = counts = Counts()
                _rotate_column(
                    column=column, batch=batch, dry_run=dry_run, counts=counts, progress=self._progress
                )
                verb = "将" if dry_run else ""
                self.stdout.write(
                    f"{column.context}：检查 {counts.checked} 条，{verb}重新加密 {counts.reencrypted} 条，"
                    f"{verb}盲索引更新 {counts.reindexed} 条"
                )
            for kind in files.STORES:
                results[f"files:{kind}"] = counts = _rotate_files(kind=kind, dry_run=dry_run)
                verb = "将" if dry_run else ""
                self.stdout.write(
                    f"上传文件 {kind}：检查 {counts.checked} 个，{verb}重新加密 {counts.reencrypted} 个"
                )
        except BaseException:
            # Earlier batches are committed: the audit trail must say so even when the run stops.
            if not dry_run and any(c.reencrypted or c.reindexed for c in results.values()):
                _audit(results=results, ring=ring, completed=False)
            raise
        if dry_run:
            self.stdout.write("试运行：未写入任何数据。")
            return
        _audit(results=results, ring=ring, completed=True)
        self.stdout.write(f"完成：当前密钥“{ring.active}”，算法 {ring.algorithm}。")

    def _progress(self, context: str, last_pk: object, counts: Counts) -> None:
        if self.verbosity >= 2:
            self.stdout.write(
                f"  {context}：已检查 {counts.checked} 条（至 id {last_pk}），"
                f"重新加密 {counts.reencrypted} 条，盲索引更新 {counts.reindexed} 条"
            )


def _present(column: EncryptedColumn) -> models.QuerySet:
    """The rows that hold a value in this column."""
    return column.model._default_manager.exclude(
        Q(**{f"{column.enc_field}__isnull": True}) | Q(**{column.enc_field: ""})
    )


def _check_keys_present(*, column: EncryptedColumn, key_ids: set[str]) -> None:
    # One query on token prefixes, without decrypting: any row left over names a key id the ring
    # lacks (or is not a token of ours at all), and decrypting it would fail.
    known = Q()
    for letter in crypto.ALGORITHMS:
        for key_id in key_ids:
            known |= Q(**{f"{column.enc_field}__startswith": f"{letter}{crypto.VERSION}:{key_id}:"})
    row = _present(column).exclude(known).order_by("pk").values_list("pk", column.enc_field).first()
    if row is not None:
        pk, token = row
        parts = token.split(":")
        key_id = parts[1] if len(parts) == 3 else "未知"
        raise CommandError(
            f"{column.context} 第 {pk} 条（id={pk}）使用的密钥“{key_id}”不在当前密钥环中，无法解密；"
            "未改动任何数据。请把该密钥加回密钥环后重新运行。"
        )


def _rotate_column(
    *,
    column: EncryptedColumn,
    batch: int,
    dry_run: bool,
    counts: Counts,
    progress: Callable[[str, object, Counts], None],
) -> None:
    fields = ["pk", column.enc_field] + ([column.bidx_field] if column.bidx_field else [])
    last_pk = None
    while True:
        # Keyset pagination on the primary key: each batch is one indexed range query, memory
        # stays bounded and rows inserted meanwhile are picked up or already current.
        with transaction.atomic():
            rows = _present(column)
            if last_pk is not None:
                rows = rows.filter(pk__gt=last_pk)
            # Locked so a clerk's concurrent edit is not overwritten with the value read here.
            rows = list(rows.select_for_update().only(*fields).order_by("pk")[:batch])
            if not rows:
                return
            # Counted apart and added only once committed: a batch that fails is rolled back, and
            # the audit event of an interrupted run must not claim its rows.
            done = Counts()
            changed = _rotate_rows(column=column, rows=rows, counts=done)
            if changed and not dry_run:
                update = [column.enc_field] + ([column.bidx_field] if column.bidx_field else [])
                # One bulk_update for the whole batch: the new indexes of distinct values cannot
                # collide with each other, and old ones differ from new ones but by an HMAC collision.
                column.model._default_manager.bulk_update(changed, update)
            last_pk = rows[-1].pk
        counts.checked += done.checked
        counts.reencrypted += done.reencrypted
        counts.reindexed += done.reindexed
        progress(column.context, last_pk, counts)


def _rotate_rows(*, column: EncryptedColumn, rows: list[models.Model], counts: Counts) -> list[models.Model]:
    """Sets new tokens and indexes on the rows that need them; returns those rows."""
    changed = []
    for row in rows:
        counts.checked += 1
        token = getattr(row, column.enc_field)
        try:
            plaintext = crypto.decrypt(token, context=column.context)
        except crypto.DecryptionError as exc:
            key_id = token.split(":")[1] if token.count(":") == 2 else "未知"
            raise CommandError(
                f"{column.context} 第 {row.pk} 条（id={row.pk}，密钥“{key_id}”）无法解密：{exc}"
                "本批未写入；此前各批已完成，可修复后重新运行。"
            ) from None
        dirty = False
        if crypto.needs_rotation(token):
            setattr(row, column.enc_field, crypto.encrypt(plaintext, context=column.context))
            counts.reencrypted += 1
            dirty = True
        if column.bidx_field:
            # No marker records which key made an index, so each one is recomputed and compared.
            index = crypto.blind_index(plaintext, context=column.context)
            if index != getattr(row, column.bidx_field):
                setattr(row, column.bidx_field, index)
                counts.reindexed += 1
                dirty = True
        if dirty:
            changed.append(row)
    return changed


def _rotate_files(*, kind: str, dry_run: bool) -> Counts:
    """Uploaded files (core.files) sealed with another key, or stored before files were sealed."""
    counts = Counts()
    for name in files.stored_files(kind):
        counts.checked += 1
        if files.needs_rotation(files.store(kind) / name):
            if not dry_run:
                files.reseal(kind, name)
            counts.reencrypted += 1
    return counts


def _audit(*, results: dict[str, Counts], ring: KeyRing, completed: bool) -> None:
    record(
        actor=None,
        action="keys.rotate",
        object_type="keyring",
        changes={
            "columns": {
                context: {"checked": c.checked, "reencrypted": c.reencrypted, "reindexed": c.reindexed}
                for context, c in results.items()
            },
            "active_key": ring.active,
            "algorithm": ring.algorithm,
            "completed": completed,
        },
    )

import csv
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from yizhan.audit.services import record
from yizhan.regions.services import upsert_region

CODE_HEADERS = {"统计用区划代码", "区划代码", "代码", "code"}
NAME_HEADERS = {"名称", "区划名称", "name"}


class Command(BaseCommand):
    help = "载入官方格式的区划代码表（CSV：统计用区划代码,名称；UTF-8 或 GBK）。Load a region list."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        raw = file.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("gbk")
        rows = list(csv.reader(text.splitlines()))
        if not rows:
            raise CommandError("文件为空。")
        header = [h.strip() for h in rows[0]]
        try:
            code_col = next(i for i, h in enumerate(header) if h in CODE_HEADERS)
            name_col = next(i for i, h in enumerate(header) if h in NAME_HEADERS)
        except StopIteration:
            raise CommandError("表头须包含“统计用区划代码”和“名称”两列。") from None
        entries = []
        for number, row in enumerate(rows[1:], start=2):
            code, name = row[code_col].strip(), row[name_col].strip()
            if len(code) != 12 or not code.isdigit() or not name:
                raise CommandError(f"第 {number} 行：区划代码须为 12 位数字且名称不能为空（{code!r}）。")
            entries.append((code, name))
        entries.sort()  # parents (shorter significant prefixes) sort before their children
        with transaction.atomic():
            try:
                changed = sum(upsert_region(code=code, name=name) for code, name in entries)
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            record(
                actor=None,
                action="regions.load",
                object_type="region",
                changes={"file": file.name, "rows": len(entries), "changed": changed},
            )
        self.stdout.write(f"载入 {len(entries)} 条区划，新增或更新 {changed} 条。")

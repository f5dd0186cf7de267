from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yizhan.regions.loader import read_region_list
from yizhan.regions.services import load_region_list


class Command(BaseCommand):
    help = "载入官方格式的区划代码表（CSV：统计用区划代码,名称；UTF-8 或 GBK）。Load a region list."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        if not file.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            entries = read_region_list(file.read_bytes())
            changed = load_region_list(actor=None, entries=entries, file_name=file.name)
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"载入 {len(entries)} 条区划，新增或更新 {changed} 条。")

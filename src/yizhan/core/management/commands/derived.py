"""`yizhan derived --check | --rebuild`: the data kept by triggers (core/derived.py), compared
with a fresh computation from the facts, or recomputed."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from yizhan.core import derived


class Command(BaseCommand):
    help = "核对或重建由数据库触发器维护的汇总数据（身份统计汇总、走访对象的现户籍地）"

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument(
            "--check", action="store_true", help="与按事实重新计算的结果逐项核对，不一致则报错"
        )
        action.add_argument("--rebuild", action="store_true", help="按事实重新计算并写回")
        parser.add_argument("--only", choices=sorted(derived.DERIVED), help="只处理这一项")

    def handle(self, *args, check: bool, rebuild: bool, only: str | None, **options):
        keys = [only] if only else list(derived.DERIVED)
        wrong = 0
        for key in keys:
            title = derived.DERIVED[key].title
            if rebuild:
                with transaction.atomic():
                    derived.rebuild(connection, key)
                self.stdout.write(f"{title}：已重建")
            found = derived.differences(connection, key)
            wrong += len(found)
            self.stdout.write(f"{title}：{'一致' if not found else f'{len(found)} 项不一致'}")
            for entry in found[:20]:
                self.stdout.write(f"  {entry[0]}：存 {entry[1]}，应为 {entry[2]}")
        if wrong:
            raise CommandError(f"共 {wrong} 项不一致；可用 --rebuild 重建。")

"""`yizhan export_ledger NAME --region CODE -o FILE [--user USERNAME] [--year YEAR]`.

With --user the export is exactly what that user would download: his scope, personal numbers
masked unless --full is given and he holds the reveal permission (the purpose, --reason, is
audited). Without --user it runs as the system for the
region (its rows only), always masked: whoever has shell access must name an account to get
personal numbers in full. Either way the export is audited.
"""

from __future__ import annotations

import contextlib
import os

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

from yizhan.accounts.models import User
from yizhan.ledgers.exports import service
from yizhan.ledgers.exports.registry import LEDGERS, find_ledger
from yizhan.regions.models import Region


class Command(BaseCommand):
    help = (
        "导出标准台账（xlsx）。不带 --user 时以系统身份导出该区划，个人号码一律脱敏；"
        "带 --user 时按该用户的管辖范围和权限导出。Export a standard ledger."
    )

    def add_arguments(self, parser):
        names = "；".join(f"{ledger.name}（{ledger.slug}）" for ledger in LEDGERS.values())
        parser.add_argument("name", help=f"台账名称或代号：{names}")
        parser.add_argument("--region", required=True, help="12 位区划代码，如 371402001000")
        parser.add_argument("-o", "--output", required=True, help="输出的 xlsx 文件")
        parser.add_argument("--user", default="", help="以该用户的身份导出（管辖范围、脱敏与审计）")
        parser.add_argument("--year", type=int, default=None, help="年度（台账支持按年度筛选时）")
        parser.add_argument("--reason", default="命令行导出", help="用途，写入审计记录")
        parser.add_argument(
            "--full", action="store_true", help="显示完整号码（须 --user 且该用户有查看完整号码权限）"
        )

    def handle(self, *args, name, region, output, user, year, reason, full, **options):
        ledger = find_ledger(name)
        if ledger is None:
            raise CommandError(f"没有名为“{name}”的台账。可用：{'、'.join(LEDGERS)}")
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"没有用户 {user}。")
            try:
                place = service.region_in_scope(actor, region)
            except Http404:
                raise CommandError(f"区划 {region} 不存在或不在用户 {user} 的管辖范围内。") from None
        else:
            place = Region.objects.filter(code=region).first()
            if place is None:
                raise CommandError(f"没有区划 {region}。")
            actor = service.SystemExporter(place)
        # Written beside the target and renamed when complete: a failed export leaves no file.
        partial = f"{output}.part"
        try:
            export = service.export_ledger(
                actor=actor, ledger=ledger, region=place, year=year, target=partial, reason=reason, full=full
            )
        except (PermissionDenied, ValidationError) as exc:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
            raise CommandError("；".join(getattr(exc, "messages", [str(exc)]))) from None
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.remove(partial)
            raise
        os.replace(partial, output)
        masked = "含完整个人号码" if export.full else "个人号码已脱敏"
        self.stdout.write(f"已导出“{export.title}”{export.rows} 行到 {output}（{masked}）。")

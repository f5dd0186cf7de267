from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from yizhan.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "从备份目录恢复到空的数据库与数据目录；密钥指纹不符时拒绝；恢复后核对审计链与每张表的行数。"
        "Restore a backup into an empty database and data directory, then verify it."
    )

    def add_arguments(self, parser):
        parser.add_argument("source", type=Path, help="备份目录（含 manifest.json）。Backup directory.")

    def handle(self, *args, source: Path, **options):
        try:
            report = restore(source)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"已恢复：{report['tables']} 张表 {report['rows']} 行，行数与备份清单一致；"
            f"审计链完整（至第 {report['audit_events']} 条）。"
        )

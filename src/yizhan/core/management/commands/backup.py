import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yizhan.core.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "在线备份：数据库（SQLite 备份接口 / pg_dump）、文件、审计锚点与清单（校验和、行数、密钥指纹，不含密钥）。"
        "Online backup of the database, the sealed files and the audit anchor, with a manifest."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "-o",
            "--output",
            type=Path,
            help="备份目录（新建或空目录）；默认 <数据目录>/backups/<时间>。Target directory.",
        )

    def handle(self, *args, output: Path | None = None, **options):
        if output is None:
            stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
            output = Path(settings.DATA_DIR) / "backups" / stamp
        try:
            manifest = backup(output)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            f"已备份到 {output}：{len(manifest['tables'])} 张表 {rows} 行，{len(manifest['files'])} 个文件。"
        )

import json
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts.models import User
from yizhan.ledgers.importing.report import errors_of, write_report
from yizhan.ledgers.importing.services import import_file
from yizhan.ledgers.models import ImportKind, RunStatus


class Command(BaseCommand):
    help = "导入台账（xlsx、xls、csv）。Import a ledger file into the registry."
    # Django's system checks cost ~0.6 s of the command's start and find nothing a deployment's
    # `yizhan check` and `migrate` have not (a large import is timed from process start: #16).
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件")
        parser.add_argument("--kind", required=True, choices=ImportKind.values, help="台账类型")
        parser.add_argument("--region", required=True, help="导入地区的 12 位区划代码")
        parser.add_argument("--dry-run", action="store_true", help="试运行：检查并统计，不写入")
        parser.add_argument("--report", help="把错误报告（原表 + 错误原因列）写到此 xlsx 文件")
        parser.add_argument("--json", action="store_true", dest="as_json", help="以 JSON 输出结果")
        parser.add_argument("--user", help="以该工作人员身份导入（默认：系统）")
        parser.add_argument(
            "--batch-size", type=int, default=None, help="每批行数（默认取 YIZHAN_IMPORT_BATCH_ROWS，5000）"
        )

    def handle(self, *args, file, kind, region, dry_run, report, as_json, user, batch_size, **options):
        actor = None
        if user:
            actor = User.objects.filter(username=user, is_active=True).first()
            if actor is None:
                raise CommandError(f"没有用户名为 {user} 的在职工作人员。")
        try:
            run = import_file(
                actor=actor, path=Path(file), kind=kind, region_code=region, dry_run=dry_run,
                batch_size=batch_size,
            )  # fmt: skip
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        if report and run.status != RunStatus.FAILED:
            write_report(run=run, out=report)
        if as_json:
            self._json(run)
        else:
            self._text(run, report)
        if run.status == RunStatus.FAILED:
            raise CommandError(run.failure)

    def _json(self, run) -> None:
        # Written as it is read, so a file with a million rejected rows needs no memory for them.
        out = self.stdout
        counts = json.dumps(run.counts(), ensure_ascii=False)[:-1]
        out.write(f'{counts}, "run": {run.pk}, "errors": [', ending="")
        for index, error in enumerate(errors_of(run)):
            out.write(("," if index else "") + json.dumps(error, ensure_ascii=False), ending="")
        out.write("]}")

    def _text(self, run, report) -> None:
        c = run.counts()
        self.stdout.write(
            f"导入 #{run.pk}{'（试运行）' if run.dry_run else ''}：共 {c['rows']} 行，新增 {c['created']}，"
            f"更新 {c['updated']}，无变化 {c['unchanged']}，未导入 {c['rejected']}，空行 {c['ignored_blank']}。"
        )
        for error in errors_of(run):
            column = f"［{error['column']}］" if error["column"] else ""
            self.stdout.write(
                f"  第 {error['row']} 行{column}{error['value'] and ' ' + error['value']}：{error['reason']}"
            )
        if report:
            self.stdout.write(f"错误报告：{report}")

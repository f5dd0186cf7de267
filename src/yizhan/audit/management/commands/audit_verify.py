from django.core.management.base import BaseCommand, CommandError

from yizhan.audit.models import AuditEvent
from yizhan.audit.services import anchor_problem, first_broken_link, reanchor_at_head


class Command(BaseCommand):
    help = (
        "检查审计链：逐条核对哈希，指出第一处断裂，并与数据目录中的锚点（最新一条）核对，发现尾部被删除。"
        "Verify the audit hash chain and its anchored head."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reanchor",
            action="store_true",
            help="链完整时，以表中最新一条重写锚点（仅在从备份恢复数据库后使用）。"
            "After restoring a backup: anchor the chain at its current head.",
        )

    def handle(self, *args, reanchor: bool = False, **options):
        broken = first_broken_link()
        if broken is not None:
            raise CommandError(
                f"审计链在第 {broken.pk} 条断裂（{broken.at:%Y-%m-%d %H:%M:%S} {broken.action}）："
                "该条或其前一条记录已被改动。"
            )
        if reanchor:
            self.stdout.write(f"已重写锚点：第 {reanchor_at_head()} 条。")
        problem = anchor_problem()
        if problem is not None:
            raise CommandError(problem)
        self.stdout.write(f"审计链完整：共 {AuditEvent.objects.count()} 条。")

from django.core.management.base import BaseCommand, CommandError

from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link


class Command(BaseCommand):
    help = "检查审计链：逐条核对哈希，指出第一处断裂。Verify the audit hash chain."

    def handle(self, *args, **options):
        broken = first_broken_link()
        if broken is not None:
            raise CommandError(
                f"审计链在第 {broken.pk} 条断裂（{broken.at:%Y-%m-%d %H:%M:%S} {broken.action}）："
                "该条或其前一条记录已被改动。"
            )
        self.stdout.write(f"审计链完整：共 {AuditEvent.objects.count()} 条。")

from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts.models import User
from yizhan.ledgers.importing.undo import UndoRefused, undo_run
from yizhan.ledgers.models import ImportRun


class Command(BaseCommand):
    help = "撤销一次台账导入（导入后未被修改时）。Undo an import run."

    def add_arguments(self, parser):
        parser.add_argument("run_id", type=int)
        parser.add_argument("--user", help="以该工作人员身份撤销（默认：系统）")

    def handle(self, *args, run_id, user, **options):
        run = ImportRun.objects.filter(pk=run_id).first()
        if run is None:
            raise CommandError(f"没有编号为 {run_id} 的导入。")
        actor = User.objects.filter(username=user).first() if user else None
        if user and actor is None:
            raise CommandError(f"没有用户名为 {user} 的工作人员。")
        try:
            undo_run(actor=actor, run=run)
        except UndoRefused as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"已撤销导入 #{run_id}。")

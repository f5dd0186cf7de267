from django.core.management.base import BaseCommand

from yizhan.ledgers.jobs import work


class Command(BaseCommand):
    help = (
        "后台任务进程：读取上传的台账、执行导入和大批量导出；接手心跳超时（进程已死）的任务并从中断处继续。"
        "The worker deployments keep running."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="执行完当前排队的任务后退出")
        parser.add_argument("--poll", type=float, default=1.0, help="队列为空时的轮询间隔（秒）")

    def handle(self, *args, once, poll, **options):
        executed = work(once=once, poll_seconds=poll, log=lambda line: self.stdout.write(line))
        self.stdout.write(f"共执行 {executed} 个任务。")

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from yizhan.audit.services import record
from yizhan.lifecycle.services import time_rules


class Command(BaseCommand):
    help = "运行按日期触发的规则（逾期、周期、走访活动等），可重复运行。Run the time-driven rules."

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期运行（YYYY-MM-DD），默认今天")

    def handle(self, *args, today=None, **options):
        try:
            day = datetime.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError:
            raise CommandError(f"--today 须为 YYYY-MM-DD 格式的日期：{today!r}") from None
        results = {}
        for label, rule in time_rules():
            changed = rule(today=day)
            results[label] = changed
            self.stdout.write(f"{label}：{changed} 项")
        record(actor=None, action="tick", changes={"today": day.isoformat(), **results})

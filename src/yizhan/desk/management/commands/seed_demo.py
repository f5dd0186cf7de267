from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from yizhan.accounts import demo as accounts_demo
from yizhan.benefits import demo as benefits_demo
from yizhan.care import demo as care_demo
from yizhan.conscription import demo as conscription_demo
from yizhan.core.maintenance import refresh_statistics
from yizhan.hall import case_demo as hall_case_demo
from yizhan.hall import demo as hall_demo
from yizhan.ledgers import demo as ledgers_demo
from yizhan.militia import demo as militia_demo
from yizhan.people import demo as people_demo
from yizhan.regions import demo as regions_demo
from yizhan.station import demo as station_demo
from yizhan.veterans import demo as veterans_demo

# Each app that has demo data adds its seed() here, in dependency order; each is idempotent.
SEEDERS = [
    ("行政区划", regions_demo.seed),
    ("演示账号", accounts_demo.seed),
    ("人员", people_demo.seed),
    ("兵役登记与征兵", conscription_demo.seed),
    ("退役军人", veterans_demo.seed),  # before 优抚: its discharges decide who still serves
    ("优抚", benefits_demo.seed),
    ("走访慰问", care_demo.seed),
    ("走访慰问活动", care_demo.seed_campaign),
    ("民兵整组与应急装备", militia_demo.seed),  # after 征兵 and 退役: who serves is known
    ("服务阵地", station_demo.seed),
    ("台账导入", ledgers_demo.seed),
    ("服务大厅窗口", hall_demo.seed),
    ("办件与好差评", hall_case_demo.seed),
]


class Command(BaseCommand):
    help = "载入演示数据（可重复执行，第二次不做任何改动）。Load the demo data idempotently."

    def handle(self, *args, **options):
        if settings.YIZHAN_MODE == "production":
            raise CommandError("生产模式下不能载入演示数据和演示账号。")
        for label, seeder in SEEDERS:
            changed = seeder()
            self.stdout.write(f"{label}：新增或更新 {changed} 项")
        refresh_statistics()
        self.stdout.write(f"\n演示账号（密码均为 {settings.YIZHAN_DEMO_PASSWORD}）：")
        for line in accounts_demo.describe():
            self.stdout.write("  " + line)

"""Demo 台账导入: one checked (dry-run) import of a small 人员 sheet in 新湖街道, so the import
pages have a run to open. Made through the real import (`import_file`) from a CSV of demo people
already in the registry; skipped once the township has any run, so a second run changes nothing.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

from django.db import transaction

from yizhan.accounts.models import User
from yizhan.ledgers.importing.services import import_file
from yizhan.ledgers.models import ImportRun
from yizhan.people.models import Person
from yizhan.regions.models import scope_bounds

TOWNSHIP = "371402001000"
ROWS = 5


@transaction.atomic
def seed() -> int:
    lo, hi = scope_bounds(TOWNSHIP)
    people = list(Person.objects.filter(region_id__gte=lo, region_id__lt=hi).order_by("pk")[:ROWS])
    if not people or ImportRun.objects.filter(region_id=TOWNSHIP).exists():
        return 0
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "新湖街道人员台账（演示）.csv"
        with open(path, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(["序号", "姓名", "公民身份号码", "现住址"])
            for number, person in enumerate(people, start=1):
                writer.writerow([number, person.name, person.id_number, person.address])
        import_file(
            actor=User.objects.get(username="xinhu_clerk"), path=path, kind="people",
            region_code=TOWNSHIP, dry_run=True,
        )  # fmt: skip
    return 1

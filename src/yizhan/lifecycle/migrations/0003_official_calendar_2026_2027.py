"""The official holiday calendar shipped for 2026 and 2027 (editable afterwards, audited).

2026: 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04), as published.
2027: the notice was not at hand; this is our reading of the statutory days (元旦 1, 春节 4 from
除夕, 清明 1, 劳动节 2, 端午 1, 中秋 1, 国庆 3) laid out the way recent notices do it.
Replace it from the system page when the notice is out (docs/decisions.md).
"""

import datetime

from django.db import migrations

# (name, kind, first day, last day)
DAYS = [
    ("元旦", "holiday", "2026-01-01", "2026-01-03"),
    ("元旦", "workday", "2026-01-04", "2026-01-04"),
    ("春节", "workday", "2026-02-14", "2026-02-14"),
    ("春节", "holiday", "2026-02-15", "2026-02-23"),
    ("春节", "workday", "2026-02-28", "2026-02-28"),
    ("清明节", "holiday", "2026-04-04", "2026-04-06"),
    ("劳动节", "holiday", "2026-05-01", "2026-05-05"),
    ("劳动节", "workday", "2026-05-09", "2026-05-09"),
    ("端午节", "holiday", "2026-06-19", "2026-06-21"),
    ("国庆节", "workday", "2026-09-20", "2026-09-20"),
    ("中秋节", "holiday", "2026-09-25", "2026-09-27"),
    ("国庆节", "holiday", "2026-10-01", "2026-10-07"),
    ("国庆节", "workday", "2026-10-10", "2026-10-10"),
    # 2027: our reading, not yet the published notice.
    ("元旦", "holiday", "2027-01-01", "2027-01-03"),
    ("春节", "workday", "2027-01-31", "2027-01-31"),
    ("春节", "holiday", "2027-02-05", "2027-02-12"),
    ("春节", "workday", "2027-02-20", "2027-02-20"),
    ("清明节", "holiday", "2027-04-03", "2027-04-05"),
    ("劳动节", "holiday", "2027-05-01", "2027-05-05"),
    ("劳动节", "workday", "2027-05-08", "2027-05-08"),
    ("端午节", "holiday", "2027-06-09", "2027-06-09"),
    ("中秋节", "holiday", "2027-09-15", "2027-09-15"),
    ("国庆节", "workday", "2027-09-26", "2027-09-26"),
    ("国庆节", "holiday", "2027-10-01", "2027-10-07"),
    ("国庆节", "workday", "2027-10-09", "2027-10-09"),
]


def days():
    for name, kind, first, last in DAYS:
        day, end = datetime.date.fromisoformat(first), datetime.date.fromisoformat(last)
        while day <= end:
            yield name, kind, day
            day += datetime.timedelta(days=1)


def ship(apps, schema_editor):
    CalendarDay = apps.get_model("lifecycle", "CalendarDay")
    for name, kind, day in days():
        CalendarDay.objects.get_or_create(day=day, defaults={"kind": kind, "name": name})


def unship(apps, schema_editor):
    CalendarDay = apps.get_model("lifecycle", "CalendarDay")
    CalendarDay.objects.filter(day__in=[day for _, _, day in days()]).delete()


class Migration(migrations.Migration):
    dependencies = [("lifecycle", "0002_calendar")]
    operations = [migrations.RunPython(ship, unship)]

"""Due-date arithmetic for the rules: days, working days, and the next 八一 or 春节."""

from __future__ import annotations

import datetime

# 春节 (first day of the lunar year). A table, not a lunar-calendar library: a few lines that
# anyone can check against the published calendar; extend it before 2036.
SPRING_FESTIVAL = {
    2024: datetime.date(2024, 2, 10),
    2025: datetime.date(2025, 1, 29),
    2026: datetime.date(2026, 2, 17),
    2027: datetime.date(2027, 2, 6),
    2028: datetime.date(2028, 1, 26),
    2029: datetime.date(2029, 2, 13),
    2030: datetime.date(2030, 2, 3),
    2031: datetime.date(2031, 1, 23),
    2032: datetime.date(2032, 2, 11),
    2033: datetime.date(2033, 1, 31),
    2034: datetime.date(2034, 2, 19),
    2035: datetime.date(2035, 2, 8),
}


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """Monday–Friday only; public holidays are not modelled (the rule is generous by a day at
    most around them, and a station can always finish early)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def next_holiday(after: datetime.date) -> datetime.date:
    """The next 八一 (1 August) or 春节 strictly after `after` — when plaques are hung."""
    candidates = []
    for year in (after.year, after.year + 1):
        candidates.append(datetime.date(year, 8, 1))
        if year in SPRING_FESTIVAL:
            candidates.append(SPRING_FESTIVAL[year])
    return min(d for d in candidates if d > after)

"""Due-date arithmetic for the rules: days, working days (the official calendar), and the next
八一 or 春节."""

from __future__ import annotations

import datetime
import time

from yizhan.lifecycle.models import CalendarDay, DayKind

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


# The official calendar, read once per process: due dates are computed on every event. An edit
# clears it in the editing process at once; the other processes reload within this many seconds.
RELOAD_SECONDS = 300
_official: dict[datetime.date, str] | None = None
_loaded_at = 0.0


def official_days() -> dict[datetime.date, str]:
    """Day → DayKind for every holiday and 调休 working day of the calendar table."""
    global _official, _loaded_at
    if _official is None or time.monotonic() - _loaded_at > RELOAD_SECONDS:
        _official = dict(CalendarDay.objects.values_list("day", "kind"))
        _loaded_at = time.monotonic()
    return _official


def forget_official_days() -> None:
    """Called when the calendar changes: the next due date reads the table again."""
    global _official
    _official = None


def is_working_day(day: datetime.date) -> bool:
    """Monday–Friday, except the public holidays, plus the weekend days worked in exchange."""
    kind = official_days().get(day)
    if kind is not None:
        return kind == DayKind.WORKDAY
    return day.weekday() < 5


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The `days`-th working day after `start`, by the official calendar (a year missing from the
    table counts Monday–Friday)."""
    current = start
    remaining = days
    while remaining > 0:
        current += datetime.timedelta(days=1)
        if is_working_day(current):
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

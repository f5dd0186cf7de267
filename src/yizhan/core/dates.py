"""What dates are possible: the one place for the bounds every date field and service checks.

A fact (a birth, a discharge, a visit) lies between 1900-01-01 and today, and an event in a
person's life not before his birth. An effective date that lies ahead by nature (a campaign's
批准入伍 day, a registration window) may be in the future, within its own limit.
Years 9999 and 0001 are therefore refused with a sentence, never reached by date arithmetic.
"""

from __future__ import annotations

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from yizhan.core.idnumber import chinese_date

EARLIEST = datetime.date(1900, 1, 1)
# How far ahead planning dates (campaigns, registration windows, payment cut-offs) may lie: an
# intake ahead and the two years of allowance periods that follow it.
PLANNING_DAYS = 3 * 366
# The widest enlistment ages by 31 December of the year (兵役法: 17 of one's own will; 26 for
# postgraduates); conscription checks the exact limit for the applicant's education.
ENLISTMENT_AGES = (17, 26)


def today() -> datetime.date:
    """The day the checks count as today (one seam, so scenario tests set in a later year can
    move it; the rest of the app asks timezone.localdate())."""
    return timezone.localdate()


def date_problem(
    value: datetime.date, *, latest: datetime.date | None = None, born: datetime.date | None = None
) -> str | None:
    """Why `value` is impossible, in Chinese; None when it is possible. `latest` defaults to today."""
    latest = latest or today()
    if value < EARLIEST:
        return f"日期不能早于 {chinese_date(EARLIEST)}。"
    if value > latest:
        return "日期不能晚于今天。" if latest == today() else f"日期不能晚于 {chinese_date(latest)}。"
    if born is not None and value < born:
        return f"日期不能早于本人出生日期（{chinese_date(born)}）。"
    return None


def check_date(
    value: datetime.date | None,
    *,
    field: str,
    latest: datetime.date | None = None,
    born: datetime.date | None = None,
) -> None:
    """For services (the API and the import call them too): ValidationError({field: why})."""
    if value is None:
        return
    problem = date_problem(value, latest=latest, born=born)
    if problem:
        raise ValidationError({field: problem})


def planning_limit() -> datetime.date:
    return today() + datetime.timedelta(days=PLANNING_DAYS)


def check_enlistment_age(*, born: datetime.date | None, enlisted_on: datetime.date, field: str) -> None:
    if born is None:
        return
    low, high = ENLISTMENT_AGES
    age = enlisted_on.year - born.year
    if not low <= age <= high:
        raise ValidationError(
            {field: f"入伍时年龄应为当年 12 月 31 日前年满 {low} 至 {high} 周岁，按此日期为 {age} 周岁。"}
        )


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class FactDateField(forms.DateField):
    """The date of something that happened: from 1900 to today."""

    widget = DATE_INPUT

    def latest(self) -> datetime.date:
        return today()

    def validate(self, value):
        super().validate(value)
        if value:
            problem = date_problem(value, latest=self.latest())
            if problem:
                raise ValidationError(problem, code="impossible_date")


class PlanningDateField(FactDateField):
    """A date that lies ahead by nature (a campaign's days, a registration window): up to
    PLANNING_DAYS from today."""

    def latest(self) -> datetime.date:
        return planning_limit()

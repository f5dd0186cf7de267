"""One date format on screen (2026年12月1日), for dates kept as ISO text too (the snapshots an
application keeps of what was submitted)."""

import datetime

from django import template

from yizhan.core.idnumber import chinese_date

register = template.Library()


@register.filter
def day(value):
    """A date, or a date written as ISO text, as 2026年12月1日; any other value as it is."""
    if isinstance(value, str) and len(value) == 10:
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return chinese_date(value) if isinstance(value, datetime.date) else value

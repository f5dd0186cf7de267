"""One date format on screen (2026年12月1日), for dates kept as ISO text too (the snapshots an
application keeps of what was submitted)."""

import datetime

from django import template
from django.utils.dateformat import format as format_date

register = template.Library()


@register.filter
def day(value) -> str:
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime.date):
        return ""
    return format_date(value, "Y年n月j日")

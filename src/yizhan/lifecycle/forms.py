from __future__ import annotations

from django import forms

from yizhan.core.forms import StyledForm
from yizhan.lifecycle.models import DayKind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CalendarDayForm(StyledForm):
    day = forms.DateField(label="日期", widget=DATE)
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="节日", max_length=20, help_text="如：国庆节")


class RemoveDayForm(forms.Form):
    remove = forms.DateField()

from __future__ import annotations

from django import forms

from yizhan.core.dates import PlanningDateField
from yizhan.core.forms import StyledForm
from yizhan.lifecycle.models import DayKind


class CalendarDayForm(StyledForm):
    day = PlanningDateField(label="日期")  # next year's holidays are entered ahead
    kind = forms.ChoiceField(label="类型", choices=DayKind.choices)
    name = forms.CharField(label="节日", max_length=20, help_text="如：国庆节")


class RemoveDayForm(forms.Form):
    remove = PlanningDateField()

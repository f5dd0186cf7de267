"""The official calendar page: the holidays and 调休 working days of a year, kept by sysadmins."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yizhan.accounts.roles import Perm, require
from yizhan.core.forms import add_errors
from yizhan.lifecycle import services
from yizhan.lifecycle.forms import CalendarDayForm, RemoveDayForm
from yizhan.lifecycle.models import CalendarDay


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_SETTINGS)
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year
    form = CalendarDayForm(initial={"day": f"{year}-01-01"})
    if request.method == "POST":
        removal = RemoveDayForm(request.POST)
        if "remove" in request.POST:
            if removal.is_valid():
                day = removal.cleaned_data["remove"]
                try:
                    services.remove_calendar_day(actor=request.user, day=day)
                except ValidationError as exc:
                    messages.error(request, exc.messages[0])
                else:
                    messages.success(request, f"已移除 {day:%Y年%-m月%-d日}。")
            return redirect(f"{reverse('lifecycle:calendar')}?year={year}")
        form = CalendarDayForm(request.POST)
        if form.is_valid():
            try:
                row = services.set_calendar_day(actor=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已保存：{row}")
                return redirect(f"{reverse('lifecycle:calendar')}?year={row.day.year}")
    days = CalendarDay.objects.filter(day__year=year)
    return render(request, "lifecycle/calendar.html", {"year": year, "days": days, "form": form})

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
from yizhan.core.pages import form_page
from yizhan.lifecycle import services
from yizhan.lifecycle.forms import CalendarDayForm, RemoveDayForm
from yizhan.lifecycle.models import CalendarDay


@login_required
def calendar(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_SETTINGS)
    value = request.GET.get("year", "")
    year = int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year
    if request.method == "POST" and "remove" in request.POST:
        removal = RemoveDayForm(request.POST)
        if removal.is_valid():
            day = removal.cleaned_data["remove"]
            try:
                services.remove_calendar_day(actor=request.user, day=day)
            except ValidationError as exc:
                messages.error(request, exc.messages[0])
            else:
                messages.success(request, f"已移除 {day:%Y年%-m月%-d日}。")
        return redirect(f"{reverse('lifecycle:calendar')}?year={year}")
    days = CalendarDay.objects.filter(day__year=year)
    return form_page(
        request,
        CalendarDayForm(request.POST or None, initial={"day": f"{year}-01-01"}),
        save=lambda data: services.set_calendar_day(actor=request.user, **data),
        saved=lambda row: f"已保存：{row}",
        then=lambda row: redirect(f"{reverse('lifecycle:calendar')}?year={row.day.year}"),
        page=lambda form: render(
            request, "lifecycle/calendar.html", {"year": year, "days": days, "form": form}
        ),
    )

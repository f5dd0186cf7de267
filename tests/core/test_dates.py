"""Dates are checked against what is possible (core/dates.py): by every form's date field, and by
the services, which the API and the import call too."""

from __future__ import annotations

import datetime
import importlib
import inspect
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

import yizhan
from yizhan.core.dates import FactDateField, PlanningDateField, check_date, planning_limit

D = datetime.date
IMPOSSIBLE = ["9999-12-31", "0001-01-01", "1899-12-31"]


def every_form_date_field():
    """(form, field name, field) for every DateField of every form class of every app."""
    found = []
    for module_info in pkgutil.walk_packages(yizhan.__path__, "yizhan."):
        if not module_info.name.endswith(".forms"):
            continue
        module = importlib.import_module(module_info.name)
        for _, form in inspect.getmembers(module, inspect.isclass):
            if issubclass(form, forms.BaseForm) and form.__module__ == module.__name__:
                for name, field in form.base_fields.items():
                    if isinstance(field, forms.DateField):
                        found.append(pytest.param(form, name, field, id=f"{form.__name__}.{name}"))
    return found


DATE_FIELDS = every_form_date_field()


def test_the_walk_finds_the_date_fields_of_every_app():
    apps = {p.values[0].__module__.split(".")[1] for p in DATE_FIELDS}
    assert {"people", "veterans", "conscription", "benefits", "care", "worklist"} <= apps
    assert len(DATE_FIELDS) > 30


@pytest.mark.parametrize(("form", "name", "field"), DATE_FIELDS)
@pytest.mark.parametrize("typed", IMPOSSIBLE)
def test_every_date_field_refuses_an_impossible_date_in_chinese(form, name, field, typed):
    assert isinstance(field, FactDateField), f"{form.__name__}.{name} is a plain DateField"
    with pytest.raises(ValidationError) as refused:
        field.clean(typed)
    assert "日期不能" in refused.value.messages[0]


@pytest.mark.parametrize(("form", "name", "field"), DATE_FIELDS)
def test_every_date_field_takes_today_and_only_planning_ones_take_a_year_ahead(form, name, field):
    today = timezone.localdate()
    assert field.clean(today.isoformat()) == today
    next_year = today + datetime.timedelta(days=365)
    if isinstance(field, PlanningDateField):
        assert field.clean(next_year.isoformat()) == next_year
    else:
        with pytest.raises(ValidationError, match="不能晚于今天"):
            field.clean(next_year.isoformat())


def test_a_planning_date_is_allowed_ahead_within_its_limit():
    check_date(planning_limit(), field="approval_on", latest=planning_limit())
    with pytest.raises(ValidationError, match="不能晚于"):
        check_date(
            planning_limit() + datetime.timedelta(days=1), field="approval_on", latest=planning_limit()
        )


def test_a_day_is_written_in_chinese_by_one_function_only():
    """core.idnumber.chinese_date (2026年12月1日) is the one place; a copy drifts (a zero-padded
    month, a missing 日) and a reader cannot tell which is meant."""
    import pathlib
    import re

    written = re.compile(r"\{(\w[\w.]*)\.year\}年\{\1\.month\}月\{\1\.day\}日")
    src = pathlib.Path(__file__).resolve().parents[2] / "src" / "yizhan"
    # care is another engineer's this round: its award label is left for them (tidy's report).
    left = {"care/forms.py"}
    copies = {
        path.relative_to(src).as_posix()
        for path in src.rglob("*.py")
        if written.search(path.read_text(encoding="utf-8"))
    }
    assert copies - left == {"core/idnumber.py"}

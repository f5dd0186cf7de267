"""Working days follow the official calendar: holidays and 调休 working days, per year, editable."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.audit.models import AuditEvent
from yizhan.lifecycle.calendar import add_working_days, is_working_day
from yizhan.lifecycle.models import CalendarDay, DayKind, EventKind
from yizhan.lifecycle.services import emit, remove_calendar_day, set_calendar_day
from yizhan.veterans.services import record_award
from yizhan.worklist.models import Task, TaskKind

D = datetime.date


def test_2026_and_2027_ship_every_festival_of_the_notice(db):
    for year in (2026, 2027):
        names = set(CalendarDay.objects.filter(day__year=year).values_list("name", flat=True))
        assert names == {"元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节"}
    assert [
        d.day for d in CalendarDay.objects.filter(day__year=2026, name="国庆节", kind=DayKind.WORKDAY)
    ] == [
        D(2026, 9, 20),
        D(2026, 10, 10),
    ]


def test_a_merit_notice_received_before_national_day_does_not_fall_due_in_the_holiday(make_person):
    soldier = make_person(name="商春旺", born=D(2006, 3, 1))
    emit(kind=EventKind.ENLISTMENT_APPROVED, key="candidate:1", person=soldier, occurred_on=D(2025, 9, 1))
    record_award(
        actor=None, person=soldier, level="third_class", awarded_on=D(2026, 9, 20), received_on=D(2026, 9, 29)
    )
    due = Task.objects.get(kind=TaskKind.MERIT_NOTICE).due_on
    # Tuesday 29 September: the 30th is the first working day, then 国庆 (1–7 October), then the 8th.
    assert due == D(2026, 10, 8)
    assert not D(2026, 10, 1) <= due <= D(2026, 10, 7)


def test_a_make_up_saturday_is_a_working_day_and_a_holiday_weekday_is_not(db):
    assert is_working_day(D(2026, 10, 10))  # Saturday worked for 国庆
    assert not is_working_day(D(2026, 10, 5))  # a Monday of 国庆
    assert add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)


def test_a_year_missing_from_the_table_counts_monday_to_friday(db):
    assert add_working_days(D(2030, 9, 30), 2) == D(2030, 10, 2)


def test_a_day_the_sysadmin_adds_moves_due_dates_at_once(persona):
    assert add_working_days(D(2026, 11, 27), 2) == D(2026, 12, 1)
    set_calendar_day(actor=persona("admin"), day=D(2026, 11, 30), kind=DayKind.HOLIDAY, name="演示假日")
    assert add_working_days(D(2026, 11, 27), 2) == D(2026, 12, 2)
    event = AuditEvent.objects.get(action="calendar.set")
    assert (event.object_id, event.changes["kind"]) == ("2026-11-30", "放假")
    remove_calendar_day(actor=persona("admin"), day=D(2026, 11, 30))
    assert add_working_days(D(2026, 11, 27), 2) == D(2026, 12, 1)
    assert AuditEvent.objects.filter(action="calendar.remove", object_id="2026-11-30").exists()


def test_a_weekday_cannot_be_marked_a_make_up_working_day(persona):
    with pytest.raises(ValidationError) as caught:
        set_calendar_day(actor=persona("admin"), day=D(2026, 11, 30), kind=DayKind.WORKDAY, name="国庆节")
    assert "周六或周日" in caught.value.message_dict["day"][0]


def test_only_a_sysadmin_keeps_the_calendar(persona, login_as):
    with pytest.raises(PermissionDenied):
        set_calendar_day(actor=persona("decheng"), day=D(2026, 11, 30), kind=DayKind.HOLIDAY, name="假日")
    response = login_as("xinhu_head").post(
        "/calendar/", {"day": "2026-11-30", "kind": "holiday", "name": "假日"}
    )
    assert response.status_code == 403
    assert not CalendarDay.objects.filter(day=D(2026, 11, 30)).exists()


def test_the_page_lists_a_year_adds_a_day_and_removes_one(login_as):
    client = login_as("admin")
    page = client.get("/calendar/?year=2026").content.decode()
    assert "2026-10-07" in page and "调休上班" in page
    client.post("/calendar/?year=2026", {"day": "2026-12-31", "kind": "holiday", "name": "演示假日"})
    assert CalendarDay.objects.get(day=D(2026, 12, 31)).name == "演示假日"
    response = client.post("/calendar/?year=2026", {"remove": "2026-10-10"})
    assert response.status_code == 302
    assert not CalendarDay.objects.filter(day=D(2026, 10, 10)).exists()


def test_the_form_keeps_what_was_typed_and_says_what_is_wrong_in_chinese(login_as):
    response = login_as("admin").post("/calendar/", {"day": "2026-11-30", "kind": "workday", "name": ""})
    page = response.content.decode()
    assert response.status_code == 200
    assert "周六或周日" in page or "这个字段是必填项" in page
    assert "2026-11-30" in page


def test_the_system_area_links_to_the_calendar(login_as):
    assert "/calendar/" in login_as("admin").get("/system/").content.decode()

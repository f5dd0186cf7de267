"""Reads of 办件, scoped through core.scopes (a case is its station's), and the hall statistics."""

from __future__ import annotations

import datetime
import statistics
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone

from yizhan.core.idnumber import chinese_date
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.hall.models import (
    BAD_LEVELS,
    OPEN_CASE_STATES,
    CaseState,
    Rectification,
    ServiceCase,
    Ticket,
    TicketState,
)


def cases_visible_to(user) -> QuerySet[ServiceCase]:
    return visible(user, "hall.ServiceCase").select_related("item", "person", "region", "ticket")


def get_case(*, user, pk: int) -> ServiceCase:
    return get_in_scope(cases_visible_to(user), pk=pk)


def get_rectification(*, user, pk: int) -> Rectification:
    rows = visible(user, "hall.Rectification").select_related(
        "rating__case__item", "rating__case__person", "task"
    )
    return get_in_scope(rows, pk=pk)


def filtered_cases(user, *, state: str = "", item: str = "", overdue: bool = False) -> QuerySet[ServiceCase]:
    cases = cases_visible_to(user)
    if state in CaseState.values:
        cases = cases.filter(state=state)
    if item.isdigit():
        cases = cases.filter(item_id=int(item))
    if overdue:
        cases = cases.filter(overdue_since__isnull=False, state__in=OPEN_CASE_STATES)
    return cases


def overdue_count(user) -> int:
    """Open 承诺件 past their promised day (stamped by tick): on the 工作台."""
    return filtered_cases(user, overdue=True).count()


# --- hall statistics ---------------------------------------------------------------------------


def _minutes(start, end) -> float | None:
    return (end - start).total_seconds() / 60 if start and end else None


def _pct(values: list[float], p: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1]


@dataclass
class Row:
    """One line of the statistics: tickets, no-shows, wait p50/p90 and service time in minutes,
    承诺件 on time, ratings (good = 基本满意 and above)."""

    label: str
    tickets: int = 0
    no_shows: int = 0
    waits: list[float] = field(default_factory=list)
    services: list[float] = field(default_factory=list)
    cases: int = 0
    promised: int = 0
    on_time: int = 0
    ratings: int = 0
    bad: int = 0

    @property
    def wait_p50(self):
        return _pct(self.waits, 50)

    @property
    def wait_p90(self):
        return _pct(self.waits, 90)

    @property
    def service_mean(self):
        return statistics.fmean(self.services) if self.services else None

    @property
    def on_time_rate(self):
        return self.on_time / self.promised * 100 if self.promised else None

    @property
    def good_rate(self):
        return (self.ratings - self.bad) / self.ratings * 100 if self.ratings else None


GROUPS = {"day": "日期", "window": "窗口", "item": "事项", "clerk": "工作人员"}


def hall_statistics(user, *, start: datetime.date, end: datetime.date, by: str) -> list[Row]:
    """Per day, window, item or clerk, over the user's stations' tickets and cases."""
    rows: dict[str, Row] = {}

    def row(label: str) -> Row:
        return rows.setdefault(label, Row(label))

    tickets = (
        visible(user, "hall.Ticket")
        .filter(day__gte=start, day__lte=end)
        .select_related("window", "item", "called_by")
    )
    for t in tickets:
        r = row(_ticket_key(t, by))
        r.tickets += 1
        r.no_shows += t.state == TicketState.NO_SHOW
        wait = _minutes(t.queued_at, t.called_at)
        if wait is not None:
            r.waits.append(wait)
        service = _minutes(t.called_at, t.finished_at) if t.state == TicketState.DONE else None
        if service is not None:
            r.services.append(service)
    cases = (
        cases_visible_to(user)
        .filter(accepted_on__gte=start, accepted_on__lte=end)
        .select_related("opened_by", "rating", "ticket__window")
    )
    for c in cases:
        r = row(_case_key(c, by))
        r.cases += 1
        if c.due_on and c.state == CaseState.DONE:
            r.promised += 1
            r.on_time += c.finished_on <= c.due_on
        rating = getattr(c, "rating", None)
        if rating is not None:
            r.ratings += 1
            r.bad += rating.level in BAD_LEVELS
    return sorted(rows.values(), key=lambda r: r.label)


def _ticket_key(t: Ticket, by: str) -> str:
    if by == "window":
        return str(t.window)
    if by == "item":
        return t.item.name
    if by == "clerk":
        return str(t.called_by or "（未叫号）")
    return chinese_date(t.day)


def _case_key(c: ServiceCase, by: str) -> str:
    if by == "window":
        return str(c.ticket.window) if c.ticket_id else "（前台直接受理）"
    if by == "item":
        return c.item.name
    if by == "clerk":
        return str(c.opened_by)
    return chinese_date(c.accepted_on)


def case_timing(case: ServiceCase) -> dict:
    """Wait (取号 → 叫号) and service (叫号 → 结束) of its ticket, and the case's own duration."""
    ticket = case.ticket
    end = case.finished_at or timezone.now()
    return {
        "wait": _minutes(ticket.queued_at, ticket.called_at) if ticket else None,
        "service": _minutes(ticket.called_at, ticket.finished_at) if ticket else None,
        "duration": _minutes(case.accepted_at, end),
    }

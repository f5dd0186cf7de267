"""The hall's reads. Staff reads are scoped through core.scopes (out of scope = 404 like missing);
the device and public pages read one station's hall, named by the device or the address."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.accounts.roles import Role
from yizhan.core.policy import most_specific, policy_chain
from yizhan.core.scopes import covers, visible
from yizhan.hall.models import ServiceItem, ServiceItemOverride, Ticket, TicketState, Window, WindowSignIn
from yizhan.regions.models import Level, Region

S = TicketState
# What the screen and a window's board show of the latest calls.
RECENT_CALLS = 3


# --- the catalog ------------------------------------------------------------------------------


def catalog_for(region_code: str, *, offered_only: bool = True) -> list[ServiceItem]:
    """The national items as they apply at `region_code`: each county's (city's, province's)
    override of the most specific region laid over the row (promised days, visits, basis, note);
    items the place does not offer left out unless `offered_only` is False."""
    chain = policy_chain(region_code)
    overrides: dict[int, dict[str, ServiceItemOverride]] = {}
    for row in ServiceItemOverride.objects.filter(region_code__in=chain):
        overrides.setdefault(row.item_id, {})[row.region_code] = row
    items = []
    for item in ServiceItem.objects.filter(active=True).prefetch_related("materials"):
        local = most_specific(overrides.get(item.pk, {}), region_code)
        item.override = local
        item.offered = local.offered if local else True
        item.local_note = local.note if local else ""
        if local is not None:
            item.promised_days = local.promised_days or item.promised_days
            item.visits = item.visits if local.visits is None else local.visits
            if local.legal_basis:
                item.legal_basis = f"{item.legal_basis}；{local.legal_basis}"
        if item.offered or not offered_only:
            items.append(item)
    return items


def item_at(region_code: str, code: str) -> ServiceItem:
    for item in catalog_for(region_code):
        if item.code == code:
            return item
    raise Http404("没有这个服务事项。")


def served_at(station: Region) -> list[ServiceItem]:
    """The items the station offers and one of its open windows serves: the kiosk's buttons."""
    served = set(
        Window.objects.filter(region=station, active=True).values_list("items", flat=True).distinct()
    )
    return [item for item in catalog_for(station.code) if item.pk in served]


def station_named(code: str) -> Region:
    """A station by its code for the public pages: a township with a hall, else 404."""
    return get_object_or_404(
        Region.objects.filter(level=Level.TOWNSHIP, hall_windows__isnull=False).distinct(), code=code
    )


# --- staff ------------------------------------------------------------------------------------


def stations_of(user) -> list[Region]:
    """The township halls the user works in (a station post's township; a county officer's under him)."""
    return list(
        visible(user, "regions.Region").filter(level=Level.TOWNSHIP, hall_windows__isnull=False).distinct()
    )


HALL_OPENERS = {Role.STATION_HEAD, Role.STATION_DEPUTY, Role.COUNTY_OFFICER}


def may_open_hall(user: User | None, station: Region) -> bool:
    """The station's head or deputy, or the county officer above it (None: seeding)."""
    return user is None or any(
        post.role in HALL_OPENERS and covers([post.region.bounds], station.code) for post in user.active_posts
    )


def stations_without_hall(user: User) -> list[Region]:
    """The townships whose hall the user may open (the standard windows) and that have none yet."""
    townships = visible(user, "regions.Region").filter(level=Level.TOWNSHIP, hall_windows__isnull=True)
    return [t for t in townships.order_by("code") if may_open_hall(user, t)]


# Who arranges a hall's windows: the station's own staff, not the county above (brief of #13's review).
WINDOW_EDITORS = {Role.STATION_HEAD, Role.STATION_DEPUTY, Role.STATION_CLERK}


def may_edit_windows(user: User | None, station: Region) -> bool:
    """The head, deputy or a clerk whose post is this very township."""
    return user is not None and any(
        post.role in WINDOW_EDITORS and post.region_id == station.code for post in user.active_posts
    )


def stations_to_arrange(user: User) -> list[Region]:
    """The townships whose windows the user may add and edit (with a hall or not yet)."""
    townships = visible(user, "regions.Region").filter(level=Level.TOWNSHIP).order_by("code")
    return [t for t in townships if may_edit_windows(user, t)]


def windows_of(user):
    return visible(user, "hall.Window").filter(active=True).select_related("region")


def all_windows(station: Region):
    """The station's windows, the closed ones too (the window settings list)."""
    return Window.objects.filter(region=station).prefetch_related("items").order_by("number")


def window_to_edit(*, user: User, pk: int) -> Window:
    """A window of a hall the user arranges; another township's is 404, as a missing one."""
    seat = get_object_or_404(visible(user, "hall.Window").select_related("region"), pk=pk)
    if not may_edit_windows(user, seat.region):
        raise Http404("没有这个窗口。")
    return seat


def get_window(*, user, pk: int) -> Window:
    return get_object_or_404(windows_of(user), pk=pk)


def get_ticket(*, user, pk: int) -> Ticket:
    return get_object_or_404(
        visible(user, "hall.Ticket").select_related("window", "item", "region", "person"), pk=pk
    )


def seat_of(user, day: datetime.date | None = None) -> Window | None:
    """The window the user is signed in to today, if any."""
    row = (
        WindowSignIn.objects.filter(clerk=user, day=day or timezone.localdate(), signed_out_at__isnull=True)
        .select_related("window")
        .first()
    )
    return row.window if row else None


def queue_of(window: Window, day: datetime.date | None = None):
    """The window's waiting tickets in the order call next takes them."""
    return Ticket.objects.filter(window=window, day=day or timezone.localdate(), state=S.WAITING).order_by(
        "-priority", "queued_at", "pk"
    )


def at_window(window: Window, day: datetime.date | None = None):
    """The tickets the window has called and not finished today (the clerk's current visitors)."""
    return (
        Ticket.objects.filter(window=window, day=day or timezone.localdate(), state__in=[S.CALLED, S.SERVING])
        .select_related("item", "person")
        .order_by("-last_called_at")
    )


def tickets_today(station: Region, day: datetime.date | None = None):
    return (
        Ticket.objects.filter(region=station, day=day or timezone.localdate())
        .select_related("window", "item")
        .order_by("-issued_at", "-pk")
    )


# --- the board: the screen's and the hall index's ---------------------------------------------


@dataclass
class WindowBoard:
    window: Window
    waiting: int = 0
    calls: list[Ticket] = field(default_factory=list)
    clerks: list[str] = field(default_factory=list)


def board_of(station: Region, day: datetime.date | None = None) -> list[WindowBoard]:
    """Per open window: how many wait, the latest calls (newest first), who sits there."""
    day = day or timezone.localdate()
    windows = list(Window.objects.filter(region=station, active=True).order_by("number"))
    waiting = dict(
        Ticket.objects.filter(region=station, day=day, state=S.WAITING)
        .values_list("window")
        .annotate(n=Count("pk"))
    )
    boards = {w.pk: WindowBoard(window=w, waiting=waiting.get(w.pk, 0)) for w in windows}
    called = (
        Ticket.objects.filter(region=station, day=day, last_called_at__isnull=False)
        .filter(Q(state=S.CALLED) | Q(state=S.SERVING) | Q(state=S.DONE))
        .select_related("person")
        .order_by("-last_called_at")
    )
    for ticket in called[: RECENT_CALLS * max(len(windows), 1) * 4]:
        board = boards.get(ticket.window_id)
        if board is not None and len(board.calls) < RECENT_CALLS:
            board.calls.append(ticket)
    for row in WindowSignIn.objects.filter(
        window__in=windows, day=day, signed_out_at__isnull=True
    ).select_related("clerk"):
        boards[row.window_id].clerks.append(str(row.clerk))
    return list(boards.values())


def latest_call(boards: list[WindowBoard]) -> str:
    """A mark that changes with every call or recall: the screen chimes when it does."""
    stamps = [(t.last_called_at, t.pk, t.call_count) for b in boards for t in b.calls]
    if not stamps:
        return ""
    stamp, pk, count = max(stamps)
    return f"{pk}-{count}-{stamp.timestamp():.3f}"

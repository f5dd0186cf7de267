"""The hall's staff pages: the hall index, 前台取号 and its receipt, the window console (叫号), and
the per-county catalog settings (系统 → 参数设置 → 服务事项)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import ALL_DEPTS, Perm, require
from yizhan.core.forms import add_errors
from yizhan.core.pages import form_page
from yizhan.core.policy import policy_regions_of, region_label
from yizhan.core.policy_values import may_read_policies, readable_regions
from yizhan.hall import selectors, services
from yizhan.hall.forms import DeskIssueForm, OverrideForm, TransferForm, WindowForm
from yizhan.hall.models import Channel, ServiceItem, Ticket, Window
from yizhan.regions.models import Region

# The window console's buttons on a current ticket: step → (service, success message).
STEPS = {
    "recall": (services.recall, "已重新叫号"),
    "start": (services.start_service, "开始办理"),
    "finish": (services.finish_service, "办理完毕"),
    "no_show": (services.mark_no_show, "已记为过号"),
}


def _station(request: HttpRequest) -> Region:
    """The hall the page is about: the user's only station, or the one he chose (POSTed, else
    the first)."""
    stations = selectors.stations_of(request.user)
    if not stations:
        raise Http404("您的岗位没有对应的服务大厅。")
    chosen = request.POST.get("station") or request.GET.get("station")
    return next((s for s in stations if s.code == chosen), stations[0])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    stations = selectors.stations_of(request.user)
    station = _station(request) if stations else None
    context = {
        "stations": stations,
        "station": station,
        "seat": selectors.seat_of(request.user),
        "to_open": selectors.stations_without_hall(request.user),
        "to_arrange": selectors.stations_to_arrange(request.user),
    }
    if station is not None:
        context |= {"boards": selectors.board_of(station), "tickets": selectors.tickets_today(station)[:50]}
        if selectors.may_edit_windows(request.user, station):
            context |= {"may_arrange": True, "all_windows": selectors.all_windows(station)}
    return render(request, "hall/index.html", context)


@login_required
@require_POST
def open_hall(request: HttpRequest) -> HttpResponse:
    """A station without a hall opens it with the four standard windows (征兵, 民兵, 退役军人事务, 综合)."""
    chosen = request.POST.get("station", "")
    station = next((s for s in selectors.stations_without_hall(request.user) if s.code == chosen), None)
    if station is None:
        raise Http404
    services.open_standard_windows(actor=request.user, station=station)
    messages.success(request, f"已开设{station.name}服务大厅的四个标准窗口。")
    return redirect(f"{reverse('hall:index')}?station={station.code}")


@login_required
def desk_issue(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    station = _station(request)
    items = selectors.served_at(station)
    form = DeskIssueForm(request.POST or None, items=items)

    def save(data):
        item = next(i for i in items if i.code == data["item"])
        return services.issue_ticket(
            actor=request.user, station=station, item=item, channel=Channel.DESK,
            id_number=data["id_number"], phone=data["phone"], disabled=data["disabled"],
        )  # fmt: skip

    return form_page(
        request, form, save=save,
        saved=lambda t: f"已取号 {t.number}，请到{t.window}等候。",
        then=lambda t: redirect("hall:receipt", ticket_pk=t.pk),
        page=lambda form: render(request, "hall/issue.html", {"form": form, "station": station}),
    )  # fmt: skip


@login_required
def receipt(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    ticket = selectors.get_ticket(user=request.user, pk=ticket_pk)
    return render(request, "hall/receipt.html", _receipt(ticket))


def _receipt(ticket: Ticket) -> dict:
    ahead = selectors.queue_of(ticket.window, ticket.day).filter(
        priority__gte=ticket.priority, queued_at__lt=ticket.queued_at
    )
    return {"ticket": ticket, "ahead": ahead.count()}


# --- window settings (the station's own staff) -------------------------------------------------


@login_required
def window_new(request: HttpRequest) -> HttpResponse:
    stations = selectors.stations_to_arrange(request.user)
    chosen = request.POST.get("station") or request.GET.get("station")
    station = next((s for s in stations if s.code == chosen), None) if chosen else next(iter(stations), None)
    if station is None:
        raise Http404("您的岗位不能设置这个服务大厅的窗口。")
    used = set(Window.objects.filter(region=station).values_list("number", "prefix"))
    numbers, letters = {n for n, _ in used}, {p for _, p in used}
    initial = {
        "number": next(n for n in range(1, 100) if n not in numbers),
        "prefix": next((c for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ" if c not in letters), ""),
        "active": True,
    }
    return _window_page(request, station, None, initial)


@login_required
def window_edit(request: HttpRequest, window_pk: int) -> HttpResponse:
    seat = selectors.window_to_edit(user=request.user, pk=window_pk)
    initial = {
        "number": seat.number, "kind": seat.kind, "prefix": seat.prefix, "active": seat.active,
        "items": [item.code for item in seat.items.all()],
    }  # fmt: skip
    return _window_page(request, seat.region, seat, initial)


def _window_page(request: HttpRequest, station: Region, seat: Window | None, initial: dict) -> HttpResponse:
    catalog = selectors.catalog_for(station.code)
    form = WindowForm(request.POST or None, items=catalog, initial=initial)

    def save(data):
        chosen = set(data["items"])
        return services.save_window(
            actor=request.user, station=station, window=seat, number=data["number"], kind=data["kind"],
            prefix=data["prefix"], items=[i for i in catalog if i.code in chosen], active=data["active"],
        )  # fmt: skip

    return form_page(
        request, form, save=save,
        saved=lambda w: f"{station.name}{w}已保存。",
        then=lambda w: redirect(f"{reverse('hall:index')}?station={station.code}"),
        page=lambda form: render(
            request, "hall/window_form.html", {"form": form, "station": station, "seat": seat}
        ),
    )  # fmt: skip


# --- the window console -----------------------------------------------------------------------


@login_required
def window(request: HttpRequest, window_pk: int) -> HttpResponse:
    seat = selectors.get_window(user=request.user, pk=window_pk)
    return _console(request, seat)


def _console(request: HttpRequest, seat, *, transfer_form: TransferForm | None = None, status: int = 200):
    others = selectors.windows_of(request.user).filter(region=seat.region).exclude(pk=seat.pk)
    context = {
        "seat": seat,
        "signed_in": services.signed_in(clerk=request.user, window=seat, day=timezone.localdate()),
        "current": list(selectors.at_window(seat)),
        "queue": list(selectors.queue_of(seat)[:30]),
        "transfer_form": transfer_form or TransferForm(windows=others),
    }
    template = "hall/window.html#console" if request.htmx else "hall/window.html"
    return render(request, template, context, status=status)


def _act(request: HttpRequest, seat, act, done: str) -> HttpResponse:
    """A console button: the service call, its refusal as a message, then the console again."""
    try:
        result = act()
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
    else:
        messages.success(request, done(result) if callable(done) else done)
    if request.htmx:
        return _console(request, seat)
    return redirect("hall:window", window_pk=seat.pk)


@login_required
@require_POST
def sign_in(request: HttpRequest, window_pk: int) -> HttpResponse:
    seat = selectors.get_window(user=request.user, pk=window_pk)
    return _act(request, seat, lambda: services.sign_in(actor=request.user, window=seat), f"已签到{seat}。")


@login_required
@require_POST
def sign_out(request: HttpRequest, window_pk: int) -> HttpResponse:
    seat = selectors.get_window(user=request.user, pk=window_pk)
    return _act(request, seat, lambda: services.sign_out(actor=request.user, window=seat), f"已签退{seat}。")


@login_required
@require_POST
def call_next(request: HttpRequest, window_pk: int) -> HttpResponse:
    seat = selectors.get_window(user=request.user, pk=window_pk)
    return _act(
        request, seat, lambda: services.call_next(actor=request.user, window=seat),
        lambda t: f"请 {t.number} 号到{seat.number}号窗口办理。" if t else "当前没有等候的号。",
    )  # fmt: skip


@login_required
@require_POST
def ticket_step(request: HttpRequest, ticket_pk: int, step: str) -> HttpResponse:
    ticket = selectors.get_ticket(user=request.user, pk=ticket_pk)
    if step not in STEPS:
        raise Http404("没有这个操作。")
    act, done = STEPS[step]
    return _act(
        request, ticket.window, lambda: act(actor=request.user, ticket=ticket), f"{ticket.number}：{done}。"
    )


@login_required
@require_POST
def transfer(request: HttpRequest, ticket_pk: int) -> HttpResponse:
    ticket = selectors.get_ticket(user=request.user, pk=ticket_pk)
    seat = ticket.window
    others = selectors.windows_of(request.user).filter(region=seat.region).exclude(pk=seat.pk)
    form = TransferForm(request.POST, windows=others)
    if form.is_valid():
        try:
            moved = services.transfer(actor=request.user, ticket=ticket, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            if isinstance(exc, ValidationError):
                add_errors(form, exc)
            else:
                form.add_error(None, str(exc))
        else:
            messages.success(request, f"{moved.number} 已转至{moved.window}。")
            return _console(request, seat) if request.htmx else redirect("hall:window", window_pk=seat.pk)
    return _console(request, seat, transfer_form=form, status=200)


# --- the catalog per county (系统 → 参数设置) ----------------------------------------------------


def _may_read_catalog(user) -> None:
    if not may_read_policies(user):
        raise PermissionDenied("您的岗位没有此项权限。")


@login_required
def items(request: HttpRequest) -> HttpResponse:
    _may_read_catalog(request.user)
    regions = readable_regions(request.user)
    region_code = request.GET.get("region", "")
    region_code = region_code if region_code in regions else regions[-1]
    return render(
        request,
        "hall/items.html",
        {
            "items": selectors.catalog_for(region_code, offered_only=False),
            "regions": [(code, region_label(code)) for code in regions],
            "region_code": region_code,
            "may_change": bool(_editable_regions(request.user)),
        },
    )


def _editable_regions(user) -> list[Region]:
    return list(policy_regions_of(user, departments=ALL_DEPTS))


@login_required
def item_edit(request: HttpRequest, item_code: str) -> HttpResponse:
    _may_read_catalog(request.user)
    item = ServiceItem.objects.filter(code=item_code, active=True).first()
    if item is None:
        raise Http404("没有这个服务事项。")
    regions = _editable_regions(request.user)
    if not regions:
        raise PermissionDenied("服务事项的本地设置由县级业务主管修改。")
    form = OverrideForm(request.POST or None, regions=regions, initial={"region_code": regions[-1].code})
    return form_page(
        request, form,
        save=lambda data: services.set_override(actor=request.user, item=item, **data),
        saved=f"{item.name}：本地设置已保存。",
        then=lambda row: redirect(f"{reverse('hall:items')}?region={row.region_code}"),
        page=lambda form: render(request, "hall/item_form.html", {"form": form, "item": item}),
    )  # fmt: skip

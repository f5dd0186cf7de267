"""The hall's pages without a login: the kiosk (取号机) and the hall screen (叫号屏), each bound to
its station by a device token (accounts.devices), and the public 事项清单 and 办事指南 of a station.
They show no personal data beyond masked names (张*)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from yizhan.accounts.devices import device_of_kind
from yizhan.accounts.models import DeviceKind
from yizhan.core.forms import add_errors
from yizhan.hall import selectors, services
from yizhan.hall.forms import VisitorForm
from yizhan.hall.models import Channel
from yizhan.hall.views import _receipt

# The screen polls its board this often (htmx `every`): a call shows within it.
POLL_SECONDS = 3


@device_of_kind(DeviceKind.KIOSK)
def kiosk(request: HttpRequest) -> HttpResponse:
    station = request.device.region
    return render(request, "hall/kiosk.html", {"station": station, "items": selectors.served_at(station)})


@device_of_kind(DeviceKind.KIOSK)
@require_http_methods(["GET", "POST"])
def kiosk_item(request: HttpRequest, item_code: str) -> HttpResponse:
    """The item chosen: optional ID number or phone, then the ticket, its receipt printed at once.
    The receipt is the POST's answer (no address carries the ticket), and the kiosk goes back to
    its start page from there."""
    station = request.device.region
    item = next((i for i in selectors.served_at(station) if i.code == item_code), None)
    if item is None:
        return render(request, "hall/kiosk.html", {"station": station, "items": selectors.served_at(station)})
    form = VisitorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.issue_ticket(
                actor=None, station=station, item=item, channel=Channel.KIOSK, device_name=request.device.name,
                **form.cleaned_data,
            )  # fmt: skip
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return render(request, "hall/receipt.html", {**_receipt(ticket), "kiosk": True})
    return render(request, "hall/kiosk_item.html", {"station": station, "item": item, "form": form})


@device_of_kind(DeviceKind.SCREEN)
def screen(request: HttpRequest) -> HttpResponse:
    station = request.device.region
    boards = selectors.board_of(station)
    context = {
        "station": station, "boards": boards, "latest": selectors.latest_call(boards), "poll": POLL_SECONDS,
    }  # fmt: skip
    template = "hall/screen.html#board" if request.htmx else "hall/screen.html"
    return render(request, template, context)


def public_catalog(request: HttpRequest, station: str) -> HttpResponse:
    hall = selectors.station_named(station)
    return render(request, "hall/public_catalog.html", {"station": hall, "items": selectors.served_at(hall)})


def public_guide(request: HttpRequest, station: str, item_code: str) -> HttpResponse:
    hall = selectors.station_named(station)
    item = selectors.item_at(hall.code, item_code)
    return render(request, "hall/guide.html", {"station": hall, "item": item})

"""How a device (a hall kiosk or screen, a leaders' 大屏) is recognised on the pages made for it.

A device presents its token in a cookie set once on the activation page (accounts:device) or, for
a screen driven by a script, as `Authorization: Device <token>`. It never becomes a user: the
request stays anonymous, so every staff page still sends it to the login page and the API answers
401, and a device page sees `request.device` only — the pages for devices show no personal data
beyond masked names. Looked up on every request (no cache), so a revocation takes effect at once.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden

from yizhan.accounts.models import Device, DeviceKind
from yizhan.accounts.services import token_hash

COOKIE = "yizhan_device"
HEADER_PREFIX = "Device "
# A screen stays on the wall for months: the cookie outlives browser restarts; the token's
# revocation, not the cookie's age, ends it.
COOKIE_AGE = 400 * 24 * 3600


def device_of(request: HttpRequest) -> Device | None:
    header = request.headers.get("Authorization", "")
    token = header.removeprefix(HEADER_PREFIX) if header.startswith(HEADER_PREFIX) else ""
    return device_for(token or request.COOKIES.get(COOKIE, ""))


def device_for(token: str) -> Device | None:
    if not token.strip():
        return None
    return (
        Device.objects.filter(key_hash=token_hash(token.strip()), revoked_at__isnull=True)
        .select_related("region")
        .first()
    )


def device_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """For the device pages: 403 in Chinese without a valid token; else `request.device` is set."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        device = device_of(request)
        if device is None:
            return HttpResponseForbidden(
                "本设备未登记或令牌已吊销，请联系站长重新发放设备令牌。".encode(),
                content_type="text/plain; charset=utf-8",
            )
        request.device = device
        return view(request, *args, **kwargs)

    return wrapper


def device_of_kind(kind: str) -> Callable:
    """device_required, and the device must be of this kind (a screen is no kiosk)."""

    def decorate(view):
        @device_required
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            if request.device.kind != kind:
                return HttpResponseForbidden(
                    f"本设备不是{DeviceKind(kind).label}，不能打开此页面。".encode(),
                    content_type="text/plain; charset=utf-8",
                )
            return view(request, *args, **kwargs)

        return wrapper

    return decorate

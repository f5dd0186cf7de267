"""Device tokens (设备令牌): issued per station for the hall's kiosk and screen and the leaders'
大屏, named, listed, revoked; the token shown once and kept only as its hash. What a device may
open is decided by accounts.devices.device_required on the device pages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yizhan.accounts import services
from yizhan.accounts.roles import Perm, require
from yizhan.core.forms import add_errors
from yizhan.core.scoping import get_in_scope
from yizhan.system.forms import DeviceForm
from yizhan.system.picker import picker
from yizhan.system.selectors import devices_for


@never_cache
@login_required
def devices(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_DEVICES)
    form = DeviceForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            device, token = services.issue_device(
                actor=request.user, region_code=data["region"].code, kind=data["kind"], name=data["name"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            # Shown in this answer only (never_cache): the token exists nowhere else.
            return render(request, "system/device_token.html", {"device": device, "token": token})
    context = {
        "form": form,
        "devices": devices_for(request.user),
        "picker": picker(
            request.user,
            "devices",
            label="所属站点",
            selected=form.data.get("region", ""),
            errors=form.errors.get("region", ()),
        ),
    }
    return render(request, "system/devices.html", context)


@require_POST
@login_required
def device_revoke(request: HttpRequest, device_pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_DEVICES)
    device = get_in_scope(devices_for(request.user), pk=device_pk)
    services.revoke_device(actor=request.user, device=device)
    messages.success(request, f"已吊销 {device}：该设备立即无法再打开设备页面。")
    return redirect("system:devices")

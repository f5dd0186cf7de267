"""Every user's own account pages: change password, the second factor (verify at login, enrol,
recovery codes); and the device pages: the activation form a station head uses once on a new
screen, and the device's own page (what a kiosk or screen shows before the hall and dashboard
pages exist: the station it belongs to, and no personal data)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST
from django_otp import login as otp_login

from yizhan.accounts import otp
from yizhan.accounts.devices import COOKIE, COOKIE_AGE, device_for, device_required
from yizhan.accounts.forms import OtpCodeForm, PasswordChangeForm
from yizhan.accounts.middleware import password_to_change
from yizhan.accounts.services import change_password

SETUP_KEY = "otp_setup_key"  # the secret being enrolled, until a code proves the app has it


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    """Every user's own password; the page a first, reset or expired password leads to."""
    user = request.user
    why = {
        "first": "这是管理员为您设置的密码，请先修改为只有您自己知道的密码。",
        "expired": "您的密码已到期，请修改后继续使用。",
    }.get(password_to_change(request), "")
    form = PasswordChangeForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        try:
            change_password(actor=user, user=user, password=form.cleaned_data["new_password"])
        except ValidationError as exc:
            form.add_error("new_password", exc.messages)
        else:
            update_session_auth_hash(request, user)  # this session stays signed in
            messages.success(request, "密码已修改。")
            # A forced change was the way in: on to the work; a chosen one back to 账号安全.
            return redirect("core:home" if why else "accounts:security")
    return render(request, "accounts/password_change.html", {"form": form, "why": why})


@login_required
def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/security.html",
        {
            "otp_enabled": otp.enabled(user),
            "otp_required": otp.required_for(user),
            "password_changed_at": user.password_changed_at or user.date_joined,
        },
    )


@login_required
def otp_verify(request: HttpRequest) -> HttpResponse:
    user = request.user
    if user.is_verified() or not otp.enabled(user):
        return redirect("core:home")
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # After each failure the authenticator refuses codes for a doubling delay (django-otp).
        if otp.throttled(user):
            form.add_error("code", "验证码错误次数过多，请稍等片刻再试。")
            return render(request, "accounts/otp_verify.html", {"form": form})
        device = otp.verify(actor=user, code=form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect("core:home")
        form.add_error("code", "验证码不正确，请输入身份验证器上当前的 6 位数字，或一个恢复码。")
    return render(request, "accounts/otp_verify.html", {"form": form})


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user = request.user
    if otp.enabled(user) and not user.is_verified():
        return redirect("accounts:otp_verify")  # replacing the factor needs the current one first
    key = request.session.get(SETUP_KEY) or otp.new_secret()
    request.session[SETUP_KEY] = key
    form = OtpCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        enabled = otp.enable(actor=user, key_hex=key, code=form.cleaned_data["code"])
        if enabled is not None:
            device, codes = enabled
            del request.session[SETUP_KEY]
            otp_login(request, device)
            return render(request, "accounts/recovery_codes.html", {"codes": codes, "first": True})
        form.add_error("code", "验证码不正确：请用身份验证器扫描二维码后，输入它显示的 6 位数字。")
    context = {
        "form": form,
        "qr": otp.qr_data_uri(user=user, key_hex=key),
        "secret": otp.secret_text(key),
        "required": otp.required_for(user),
    }
    return render(request, "accounts/otp_setup.html", context)


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    if not (otp.enabled(request.user) and request.user.is_verified()):
        messages.error(request, "请先启用双因素登录。")
        return redirect("accounts:security")
    codes = otp.renew_recovery_codes(actor=request.user)
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "first": False})


@login_required
@require_POST
def otp_disable(request: HttpRequest) -> HttpResponse:
    if otp.enabled(request.user):
        try:
            otp.disable(actor=request.user, user=request.user)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已关闭双因素登录。")
    return redirect("accounts:security")


@require_http_methods(["GET", "POST"])
def device_activate(request: HttpRequest) -> HttpResponse:
    error = ""
    if request.method == "POST":
        token = request.POST.get("token", "").strip()
        if device_for(token) is not None:
            response = redirect("accounts:device")
            response.set_cookie(
                COOKIE, token, max_age=COOKIE_AGE, httponly=True, samesite="Strict",
                secure=settings.SESSION_COOKIE_SECURE,
            )  # fmt: skip
            return response
        error = "设备令牌无效或已吊销。"
    return render(request, "accounts/device_activate.html", {"error": error})


@device_required
def device_home(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/device.html", {"device": request.device})

"""Two-factor login (等保): a TOTP authenticator app plus one-time recovery codes, on
django-otp's devices. A user has at most one confirmed TOTP device and one set of codes.

Enrolment keeps the new secret in the session until the user proves his app has it (a code it
shows), so no half-made device is ever stored; the QR code is drawn here (segno) and shown as a
data: image, nothing leaves the server."""

from __future__ import annotations

import base64
from binascii import unhexlify

import segno
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from yizhan.accounts import authority
from yizhan.accounts.models import User
from yizhan.accounts.roles import OTP_ROLES
from yizhan.audit.services import record

RECOVERY_CODES = 10
TOTP_NAME = "身份验证器"
RECOVERY_NAME = "恢复码"


def required_for(user: User) -> bool:
    """Whether this user may not work without a second factor."""
    return settings.REQUIRE_OTP and any(p.role in OTP_ROLES for p in user.active_posts)


def enabled(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def new_secret() -> str:
    return random_hex(20)


def secret_text(key_hex: str) -> str:
    """The secret as the authenticator apps take it when typed (base32, in groups of four)."""
    text = base64.b32encode(unhexlify(key_hex)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(*, user: User, key_hex: str) -> str:
    """The otpauth:// address as a QR code, an SVG data: URI (the CSP allows data: images)."""
    device = TOTPDevice(user=user, key=key_hex, name=TOTP_NAME)
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5)


def _code_matches(key_hex: str, code: str) -> int | None:
    """The time step a code belongs to (allowing one step of clock difference), else None."""
    code = code.strip().replace(" ", "")
    if not code.isdigit():
        return None
    totp = TOTP(unhexlify(key_hex))
    return totp.t() if totp.verify(int(code), tolerance=1) else None


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


# Enrolling, renewing the codes and signing in with a code are the holder's own acts (the actor is
# the user): only he has the authenticator. Turning the factor off is his too, or a manager's
# reset of someone else's (a lost phone), and the audit row names whoever did it.


@transaction.atomic
def enable(*, actor: User, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Stores the actor's authenticator once a code it made matches; returns the device and the
    new recovery codes (shown once), or None for a wrong code."""
    step = _code_matches(key_hex, code)
    if step is None:
        return None
    TOTPDevice.objects.filter(user=actor).delete()
    # last_t: the code just typed cannot be replayed to sign in.
    device = TOTPDevice.objects.create(user=actor, name=TOTP_NAME, key=key_hex, confirmed=True, last_t=step)
    codes = _new_recovery_codes(actor)
    record(actor=actor, action="otp.enable", object_type="user", object_id=actor.pk)
    return device, codes


@transaction.atomic
def renew_recovery_codes(*, actor: User) -> list[str]:
    codes = _new_recovery_codes(actor)
    record(actor=actor, action="otp.recovery_renew", object_type="user", object_id=actor.pk)
    return codes


@transaction.atomic
def disable(*, actor: User | None, user: User, reason: str = "") -> None:
    """Removes the user's authenticator and recovery codes. By himself only when his role does
    not require the second factor; by a manager of his account (accounts.authority) as a reset,
    with a reason: a required user then enrols again at his next login."""
    own = actor is not None and actor.pk == user.pk
    if own and required_for(user):
        raise PermissionDenied("您的岗位必须使用双因素登录，不能关闭。")
    if not own:
        authority.check(authority.may_manage(actor, user))
        if not reason.strip():
            raise ValidationError({"reason": "请填写重置原因。"})
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(
        actor=actor, action="otp.disable" if own else "otp.reset", object_type="user", object_id=user.pk,
        reason=reason.strip(),
    )  # fmt: skip


def verify(*, actor: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The actor's device that accepts this code: the authenticator's six digits, or a recovery
    code (used up). django-otp's throttling slows repeated failures on each device; each failure
    is audited (登录日志: 验证码错误)."""
    code = code.strip().replace(" ", "").lower()
    with transaction.atomic():
        device = None
        if code.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True).first()
        elif code:
            device = StaticDevice.objects.select_for_update().filter(user=actor, confirmed=True).first()
        if device is not None and device.verify_token(code):
            return device
    record(actor=actor, action="login.otp_failed", object_type="user", object_id=actor.pk)
    return None


def throttled(user: User) -> bool:
    """Whether recent failures make the authenticator or the recovery codes refuse any code
    for a while."""
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    return any(not device.verify_is_allowed()[0] for device in devices)

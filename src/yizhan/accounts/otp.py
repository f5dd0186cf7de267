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
from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

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


@transaction.atomic
def enable(*, user: User, key_hex: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Stores the authenticator once a code it made matches; returns the device and the new
    recovery codes (shown once), or None for a wrong code."""
    step = _code_matches(key_hex, code)
    if step is None:
        return None
    TOTPDevice.objects.filter(user=user).delete()
    # last_t: the code just typed cannot be replayed to sign in.
    device = TOTPDevice.objects.create(user=user, name=TOTP_NAME, key=key_hex, confirmed=True, last_t=step)
    codes = _new_recovery_codes(user)
    record(actor=user, action="otp.enable", object_type="user", object_id=user.pk)
    return device, codes


@transaction.atomic
def renew_recovery_codes(*, user: User) -> list[str]:
    codes = _new_recovery_codes(user)
    record(actor=user, action="otp.recovery_renew", object_type="user", object_id=user.pk)
    return codes


@transaction.atomic
def disable(*, user: User) -> None:
    """Only for a user whose role does not require the second factor (views check)."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    record(actor=user, action="otp.disable", object_type="user", object_id=user.pk)


def verify(*, user: User, code: str) -> TOTPDevice | StaticDevice | None:
    """The device that accepts this code: the authenticator's six digits, or a recovery code
    (used up). django-otp's throttling slows repeated failures on each device."""
    code = code.strip().replace(" ", "").lower()
    if not code:
        return None
    with transaction.atomic():
        if code.isdigit():
            device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        else:
            device = StaticDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(code):
            return device
    return None


def throttled(user: User) -> bool:
    """Whether recent failures make the authenticator or the recovery codes refuse any code
    for a while."""
    devices = [
        *TOTPDevice.objects.filter(user=user, confirmed=True),
        *StaticDevice.objects.filter(user=user, confirmed=True),
    ]
    return any(not device.verify_is_allowed()[0] for device in devices)

"""The six digits an authenticator app would show, for the browser tests of two-factor login."""

from __future__ import annotations

import base64
from binascii import unhexlify

from django_otp.oath import TOTP


def code_for(secret_text: str, *, ahead: int = 0) -> str:
    """From the secret as the enrolment page shows it (base32 in groups of four); `ahead` steps
    later (a code already used to enrol is not accepted again)."""
    secret = secret_text.replace(" ", "")
    return _code(base64.b32decode(secret + "=" * (-len(secret) % 8)), ahead)


def code_for_key(key_hex: str, *, ahead: int = 0) -> str:
    """From a device's stored key (hex)."""
    return _code(unhexlify(key_hex), ahead)


def _code(key: bytes, ahead: int) -> str:
    totp = TOTP(key)
    totp.drift = ahead
    return f"{totp.token():06d}"

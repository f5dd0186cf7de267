"""Masked display of personal numbers: enough to recognise a record, too little to misuse it.

The functions take stored, normalised values (core.idnumber / core.phone output). A value they do
not recognise is still masked, never shown whole: a masking function that fails open is a leak.
"""

from __future__ import annotations

import re

# A short value of unknown shape keeps nothing: showing 3 + 2 characters of, say, a 7-character
# value would reveal most of it.
_SHORTEST_PARTLY_SHOWN = 10


def mask_id_number(value: str) -> str:
    """371402********123X: the issuing county and the last four, as on official printouts."""
    if len(value) == 18:
        return value[:6] + "*" * 8 + value[-4:]
    return _keep_ends(value, head=3, tail=2)


def mask_phone(value: str) -> str:
    """138****5678 for a mobile; 0534-***5678 for a landline, keeping area code and extension."""
    if re.fullmatch(r"1\d{10}", value):
        return value[:3] + "****" + value[-4:]
    landline = re.fullmatch(r"(0\d{2,3})-(\d{7,8})(-\d+)?", value)
    if landline:
        area, number, extension = landline.groups()
        return f"{area}-{'*' * (len(number) - 4)}{number[-4:]}{extension or ''}"
    return _keep_ends(value, head=3, tail=4)


def mask_bank_account(value: str) -> str:
    """6222 **** **** 0123: the bank (first four) and the last four, whatever the length."""
    digits = re.sub(r"\s+", "", value)
    # Real accounts have 12+ digits; below that, first and last four would hide almost nothing.
    if len(digits) < 12:
        return "*" * len(digits)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_name(value: str) -> str:
    """商*旺, 商*: the family name (and a long name's last character), as hall screens call
    people — for pages shown to those who may not see the registry (devices, administrators)."""
    if len(value) <= 1:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


def _keep_ends(value: str, *, head: int, tail: int) -> str:
    if len(value) < _SHORTEST_PARTLY_SHOWN:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]

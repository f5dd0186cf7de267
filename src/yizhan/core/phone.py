"""Phone numbers as clerks type them and as Excel leaves them, normalised to one stored form.

Mobile: 11 digits, "13812345678". Landline: "AREA-NUMBER" or "AREA-NUMBER-EXT", "0534-2345678".
One form per number is what makes the blind index (core.crypto) find a person by phone.
"""

from __future__ import annotations

import re
import unicodedata

# Dash-like characters that input methods and Word substitute for "-"; NFKC leaves them alone.
_DASHES = str.maketrans(dict.fromkeys("‐‑‒–—―−﹣", "-"))
_ALLOWED = re.compile(r"[0-9\s.()\-+转]")
_EXCEL_FLOAT = re.compile(r"(\d+)\.0+")
_MOBILE = re.compile(r"1[3-9]\d{9}")


class PhoneError(ValueError):
    """The text is not a usable Chinese phone number; str() says why, in Chinese."""


def normalize_phone(raw: str) -> str:
    """The stored form of a mobile or landline number; raises PhoneError explaining what is wrong."""
    if _MOBILE.fullmatch(raw):
        # Already the stored form (the import normalises the cell, then the service checks it
        # again): every step below would return it unchanged.
        return raw
    text = unicodedata.normalize("NFKC", raw).translate(_DASHES).strip()
    # Excel stores a number typed into a numeric cell as a float and exports "13812345678.0".
    excel = _EXCEL_FLOAT.fullmatch(text)
    if excel:
        text = excel.group(1)
    if not text:
        raise PhoneError("未填写电话号码。")
    for char in text:
        if not _ALLOWED.fullmatch(char):
            raise PhoneError(f"电话号码中有无法识别的字符“{char}”。")

    # Which "-" separates an extension is only known by trying: "0534-234-5678" is one number,
    # "0534-2345678-801" has an extension. The whole text is tried first, and its error is the
    # one reported, because it names the problem with what the clerk most likely meant.
    if "转" in text:
        main, _, extension = text.partition("转")
        return _with_extension(_number(main), extension)
    try:
        return _number(text)
    except PhoneError as whole_error:
        main, dash, extension = text.rpartition("-")
        if not dash or not extension.strip().isdigit():
            raise
        try:
            return _with_extension(_number(main), extension)
        except PhoneError:
            raise whole_error from None


def _number(text: str) -> str:
    international = text.lstrip().startswith("+")
    digits = re.sub(r"\D", "", text)
    if international:
        if not digits.startswith("86"):
            raise PhoneError("只支持中国大陆的号码（国家代码 +86）。")
        digits = digits[2:]
    elif digits.startswith("0086"):
        digits, international = digits[4:], True
    elif digits.startswith("86"):
        # No domestic number starts with 86 (landlines start with 0, mobiles with 1), so a
        # leading 86 can only be the country code.
        digits, international = digits[2:], True
    if not digits:
        raise PhoneError("电话号码中没有数字。")

    # The international form drops the trunk 0: "+86 534 2345678", and "+86 10 12345678" for
    # Beijing, which no mobile can be mistaken for (mobiles start 13–19).
    if international and (digits.startswith("10") or digits[0] in "23456789"):
        digits = "0" + digits
    if digits.startswith("1"):
        if len(digits) != 11:
            raise PhoneError(f"手机号应为 11 位，现在是 {len(digits)} 位。")
        if not _MOBILE.fullmatch(digits):
            raise PhoneError("手机号第 2 位应为 3–9，请核对。")
        return digits
    if digits.startswith("00"):
        raise PhoneError("只支持中国大陆的号码（国家代码 +86）。")
    if not digits.startswith("0"):
        raise PhoneError("固定电话请带区号（以 0 开头），如 0534-2345678。")
    # The numbering plan fixes the area-code length: 010 and 020–029 are three digits, every
    # other area code four, so the digits alone say where the area code ends.
    area_length = 3 if digits[1] in "12" else 4
    area, number = digits[:area_length], digits[area_length:]
    if not 7 <= len(number) <= 8:
        raise PhoneError(f"固定电话区号 {area} 之后应为 7–8 位号码，现在是 {len(number)} 位。")
    return f"{area}-{number}"


def _with_extension(number: str, extension: str) -> str:
    extension = re.sub(r"[\s.()\-]", "", extension)
    if _MOBILE.fullmatch(number):
        raise PhoneError("手机号不能带分机号。")
    if not re.fullmatch(r"\d{1,6}", extension):
        raise PhoneError("分机号应为 1–6 位数字。")
    return f"{number}-{extension}"

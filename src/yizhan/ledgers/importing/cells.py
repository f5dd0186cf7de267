"""Turning one cell of a messy ledger into a value, or a Chinese reason why it cannot be.

Every parser takes the raw cell (str, int, float, date/datetime, bool; never None — empty cells
never reach a parser) and returns the value or raises CellError. Nothing is repaired by guessing:
an ID number Excel stored as a number has lost digits and is refused; a date Excel turned into a
number that could be two months is refused; a month-only date means the 1st of the month.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from yizhan.core import idnumber
from yizhan.core.masking import mask_id_number, mask_phone
from yizhan.core.phone import PhoneError, normalize_phone

EXCEL_EPOCH = datetime.date(1899, 12, 30)  # serial 1 = 1900-01-01, past Excel's phantom 1900-02-29
ID_AS_NUMBER = "身份证号被 Excel 存成了数字，末尾几位已丢失，请将该列设为文本后重新填写"
_SPACES = re.compile(r"\s+")
_CJK_ONLY = re.compile(r"[\u3400-\u9fff\u00b7\s]+")
_SCIENTIFIC = re.compile(r"\d(\.\d+)?[eE]\+?\d+")
_TIME_SUFFIX = re.compile(r"\s*\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?$")
_DATE_PARTS = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*(?:月|[./\-])?\s*(?:(\d{1,2})\s*[日号]?)?")
_DATE_DIGITS = re.compile(r"(\d{4})(\d{2})(\d{2})?")
_SEVERAL_PHONES = re.compile(r"[/,，;；、|]|\d\s{2,}\d|或")


class CellError(ValueError):
    """str() is the reason, in Chinese, shown beside the row."""


def text(raw) -> str:
    """Full-width → half-width (NFKC), runs of spaces (the full-width one too) → one space."""
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e15:
        raw = int(raw)
    if isinstance(raw, datetime.datetime):
        raw = raw.date() if (raw.hour, raw.minute, raw.second) == (0, 0, 0) else raw
    if isinstance(raw, datetime.date | datetime.datetime):
        return raw.isoformat()
    value = str(raw)
    if not value.isascii():  # ASCII is already NFKC; most cells of a ledger are digits
        value = unicodedata.normalize("NFKC", value)
    # str.split() and the re module's \s agree on what is whitespace (both Py_UNICODE_ISSPACE).
    return " ".join(value.split())


def key(raw) -> str:
    """The form headers and choice labels are compared in: no spaces, no required-field stars."""
    return _SPACES.sub("", text(raw)).strip("*※:").lower()


def plain_text(max_length: int) -> Callable[[object], str]:
    def parse(raw) -> str:
        value = text(raw)
        if len(value) > max_length:
            raise CellError(f"内容超过 {max_length} 个字（现为 {len(value)} 个字），请精简后重新填写")
        return value

    return parse


def name(raw) -> str:
    value = text(raw)
    # Clerks pad two-character names to line up columns: "张  三" is 张三.
    if _CJK_ONLY.fullmatch(value):
        value = _SPACES.sub("", value)
    if not value:
        raise CellError("姓名为空")
    if len(value) > 50:
        raise CellError("姓名超过 50 个字")
    return value


def ethnicity(raw) -> str:
    value = _SPACES.sub("", text(raw))
    # "汉" and "汉族" are the same answer; only the registry's spelling ("汉族") is stored.
    if _CJK_ONLY.fullmatch(value) and not value.endswith("族") and value != "其他" and len(value) <= 4:
        value += "族"
    if len(value) > 20:
        raise CellError("民族超过 20 个字")
    return value


def id_number(raw) -> idnumber.IdInfo:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        raise CellError(ID_AS_NUMBER)
    value = text(raw).lstrip("'‘`")
    if _SCIENTIFIC.fullmatch(value.replace(" ", "")):
        raise CellError(ID_AS_NUMBER)
    try:
        return idnumber.parse(value)
    except idnumber.IdNumberError as exc:
        raise CellError(str(exc).rstrip("。")) from None


def phone(raw) -> str:
    value = text(raw)
    if _SEVERAL_PHONES.search(value):
        raise CellError("一个单元格只能填写一个电话号码，请只保留一个（另一个可写入备注）")
    try:
        return normalize_phone(value)
    except PhoneError as exc:
        raise CellError(str(exc).rstrip("。")) from None


@dataclass(frozen=True)
class Day:
    """A date and whether the ledger gave only its month (then `value` is the 1st)."""

    value: datetime.date
    month_only: bool = False


def day(raw) -> Day:
    if isinstance(raw, datetime.datetime):
        return Day(raw.date())
    if isinstance(raw, datetime.date):
        return Day(raw)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return _day_from_number(raw)
    value = _TIME_SUFFIX.sub("", text(raw))
    match = _DATE_PARTS.fullmatch(value) or _DATE_DIGITS.fullmatch(value)
    if match is None:
        raise CellError(f"无法识别的日期“{value}”，请写成 2015-09-01、2015.09 或 2015年9月")
    year, month, dd = match.groups()
    return _make_day(int(year), int(month), int(dd) if dd else None, value)


def _day_from_number(number: float) -> Day:
    if float(number).is_integer():
        digits = str(int(number))
        if len(digits) in (6, 8):  # 201509 or 20150901 typed into a number cell
            return _make_day(
                int(digits[:4]), int(digits[4:6]), int(digits[6:]) if digits[6:] else None, digits
            )
        if 367 <= number <= 73050:  # an Excel date serial between 1901 and 2099
            return Day(EXCEL_EPOCH + datetime.timedelta(days=int(number)))
        raise CellError(f"无法识别的日期“{digits}”，请写成 2015-09-01、2015.09 或 2015年9月")
    if 1900 <= number < 2100:  # 2015.09 typed into a number cell
        year, _, fraction = repr(float(number)).partition(".")
        if fraction == "1":
            raise CellError(
                f"日期“{number}”可能是 {year}年1月，也可能是 {year}年10月（Excel 把 {year}.10 存成了数字 "
                f"{year}.1），请将该列设为文本后重新填写"
            )
        return _make_day(int(year), int(fraction), None, repr(float(number)))
    if 367 <= number <= 73050:  # a date-time serial
        return Day(EXCEL_EPOCH + datetime.timedelta(days=int(number)))
    raise CellError(f"无法识别的日期“{number}”，请写成 2015-09-01、2015.09 或 2015年9月")


def _make_day(year: int, month: int, dd: int | None, shown: str) -> Day:
    if not 1900 <= year <= 2099:
        raise CellError(f"日期“{shown}”的年份不合理")
    try:
        return Day(datetime.date(year, month, dd or 1), month_only=dd is None)
    except ValueError:
        raise CellError(f"日期“{shown}”不存在") from None


def choice(options: dict[str, str], what: str) -> Callable[[object], str]:
    """A parser for a closed list: `options` maps every accepted spelling to the stored value."""
    by_key = {key(label): value for label, value in options.items()}
    shown = "、".join(dict.fromkeys(options))

    def parse(raw) -> str:
        value = by_key.get(key(raw))
        if value is None:
            raise CellError(f"{what}“{text(raw)}”无法识别，可填：{shown}")
        return value

    return parse


def yes_no(raw) -> bool:
    value = key(raw)
    if value in {"是", "y", "yes", "√", "✓", "1", "true", "有"}:
        return True
    if value in {"否", "n", "no", "×", "0", "false", "无", "不是"}:
        return False
    raise CellError(f"“{text(raw)}”请填写“是”或“否”")


def masked(field: str, raw) -> str:
    """The cell as it may appear in error lists: ID numbers and phones masked."""
    shown = text(raw)
    if field in {"id_number", "member_id"}:
        return mask_id_number(idnumber.normalize(shown))
    if field == "phone":
        return mask_phone(shown)
    return shown

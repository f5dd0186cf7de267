"""公民身份号码 (GB 11643-1999): normalising, validating, cross-checking and making 18-digit numbers.

The messages are shown to township clerks next to the field, so each one names exactly what is
wrong and where. None of them repeats the number itself, so a message can be logged or shown in a
list without leaking it, and none reveals the correct check digit: a clerk who mistyped a digit
must go back to the card rather than "fix" the number by replacing its last character.
"""

from __future__ import annotations

import datetime
import operator
import re
from dataclasses import dataclass

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"

# The province-level codes of GB/T 2260 (71 台湾, 81 香港, 82 澳门 included: their residents can
# hold mainland-issued numbers). A prefix outside this set is always a typing error.
PROVINCE_CODES = frozenset(
    [f"{n}" for n in range(11, 16)]
    + [f"{n}" for n in range(21, 24)]
    + [f"{n}" for n in range(31, 38)]
    + [f"{n}" for n in range(41, 47)]
    + [f"{n}" for n in range(50, 55)]
    + [f"{n}" for n in range(61, 66)]
    + ["71", "81", "82"]
)

EARLIEST_BIRTH = datetime.date(1900, 1, 1)
SEX_NAMES = {"M": "男", "F": "女"}

# Full-width digits and X come from Chinese input methods; a lowercase x from a hurried clerk.
_TO_ASCII = str.maketrans("０１２３４５６７８９Ｘｘx", "0123456789XXX")
_WHITESPACE = re.compile(r"\s+")  # \s covers the full-width space U+3000 in Python's str regexes


class IdNumberError(ValueError):
    """The number is not a valid 公民身份号码; str() is a Chinese sentence for the clerk.

    `code` names the failed rule ("empty", "old_15", "length", "digit", "last_char", "province",
    "date", "too_early", "future", "check_digit") so callers and tests need not match on wording.
    """

    def __init__(self, message: str, *, code: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IdInfo:
    number: str
    birth_date: datetime.date
    sex: str  # "M" or "F"
    area_code: str  # the first 6 digits: the county where the number was first issued


def normalize(raw: str) -> str:
    """Removes all whitespace and turns full-width digits and any x into ASCII, X upper-case."""
    return _WHITESPACE.sub("", raw).translate(_TO_ASCII)


def check_digit(first17: str) -> str:
    """The 18th character for these 17 digits (ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("计算校验码需要 17 位数字。")
    total = sum(map(operator.mul, map(int, first17), WEIGHTS))
    return CHECK_CHARS[total % 11]


def parse(raw: str, *, today: datetime.date | None = None) -> IdInfo:
    """Normalises and validates a number, returning what it encodes; raises IdNumberError.

    `today` is a parameter so tests and imports of historical data do not depend on the clock.
    """
    number = normalize(raw)
    today = today or datetime.date.today()
    if not number:
        raise IdNumberError("未填写身份证号。", code="empty")
    if len(number) == 15 and number.isdigit():
        raise IdNumberError(
            "这是 15 位旧号码，请换算为 18 位（出生年份补“19”并重算校验码）后再录入。", code="old_15"
        )
    if len(number) != 18:
        raise IdNumberError(f"身份证号应为 18 位，现在是 {len(number)} 位。", code="length")
    for position, char in enumerate(number[:17], start=1):
        if not ("0" <= char <= "9"):
            raise IdNumberError(f"身份证号第 {position} 位“{char}”不是数字。", code="digit")
    if not ("0" <= number[17] <= "9" or number[17] == "X"):
        raise IdNumberError(f"身份证号第 18 位“{number[17]}”只能是数字或 X。", code="last_char")
    birth_date = _birth_date(number[6:14], today=today)
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError(f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码。", code="province")
    if check_digit(number[:17]) != number[17]:
        raise IdNumberError("身份证号校验码不正确，请对照证件逐位核对。", code="check_digit")
    return IdInfo(
        number=number,
        birth_date=birth_date,
        sex="M" if int(number[16]) % 2 else "F",
        area_code=number[:6],
    )


def _birth_date(digits: str, *, today: datetime.date) -> datetime.date:
    try:
        birth_date = datetime.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError(
            f"身份证号第 7–14 位的出生日期“{digits}”不是真实存在的日期。", code="date"
        ) from None
    if birth_date < EARLIEST_BIRTH:
        raise IdNumberError(
            f"身份证号中的出生日期{chinese_date(birth_date)}早于 1900 年，请核对。", code="too_early"
        )
    if birth_date > today:
        raise IdNumberError(
            f"身份证号中的出生日期{chinese_date(birth_date)}晚于今天，请核对。", code="future"
        )
    return birth_date


def chinese_date(value: datetime.date) -> str:
    """1990年1月2日: the way clerks read dates, used in every message that shows one."""
    return f"{value.year}年{value.month}月{value.day}日"


def cross_check(
    info: IdInfo,
    *,
    birth_date: datetime.date | None = None,
    sex: str | None = None,
    area_code: str | None = None,
) -> list[str]:
    """Messages for each separately typed value that contradicts the number; [] when consistent.

    These are warnings for the clerk, not proof of error: the typed birthplace may be a newer
    code after a county was renamed or merged, while the number keeps the code of its issue year.
    """
    problems: list[str] = []
    if birth_date is not None and birth_date != info.birth_date:
        problems.append(f"出生日期与身份证号不符（身份证号为 {chinese_date(info.birth_date)}）。")
    if sex is not None:
        if sex not in SEX_NAMES:
            raise ValueError(f"性别只能是 M 或 F，收到 {sex!r}。")
        if sex != info.sex:
            problems.append(f"性别与身份证号不符（身份证号为{SEX_NAMES[info.sex]}性）。")
    if area_code is not None:
        if not re.fullmatch(r"\d{6}", area_code):
            raise ValueError(f"出生地区划代码应为 6 位数字，收到 {area_code!r}。")
        if area_code != info.area_code:
            problems.append(f"出生地区划代码与身份证号不符（身份证号前 6 位为 {info.area_code}）。")
    return problems


def make(*, area_code: str, birth_date: datetime.date, sex: str, sequence: int) -> str:
    """A valid number for fake people (demo data, tests, benchmarks); never for real ones.

    `sequence` 0..499 picks one of the 500 sequence numbers of that sex for that day and area, so
    a caller can make many distinct people without thinking about parity.
    """
    if not re.fullmatch(r"\d{6}", area_code) or area_code[:2] not in PROVINCE_CODES:
        raise ValueError(f"区划代码 {area_code!r} 不是有效的 6 位代码。")
    if sex not in SEX_NAMES:
        raise ValueError(f"性别只能是 M 或 F，收到 {sex!r}。")
    if not 0 <= sequence <= 499:
        raise ValueError(f"顺序号取值 0–499，收到 {sequence}。")
    if birth_date < EARLIEST_BIRTH:
        raise ValueError("出生日期不能早于 1900 年。")
    first17 = f"{area_code}{birth_date:%Y%m%d}{sequence * 2 + (1 if sex == 'M' else 0):03d}"
    return first17 + check_digit(first17)

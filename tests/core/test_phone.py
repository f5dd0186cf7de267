import pytest
from hypothesis import given
from hypothesis import strategies as st

from yizhan.core.phone import PhoneError, normalize_phone


@pytest.mark.parametrize(
    "raw",
    [
        "13812345678",
        " 138 1234 5678 ",
        "138-1234-5678",
        "138.1234.5678",
        "１３８１２３４５６７８",
        "+86 138 1234 5678",
        "+86-13812345678",
        "＋８６１３８１２３４５６７８",
        "8613812345678",
        "008613812345678",
        "(+86)13812345678",
        "13812345678.0",
    ],
)
def test_it_accepts_the_spellings_of_a_mobile_clerks_type_or_excel_leaves(raw):
    assert normalize_phone(raw) == "13812345678"


@pytest.mark.parametrize(
    "raw",
    [
        "0534-2345678",
        "05342345678",
        "(0534)2345678",
        "（0534）2345678",
        "0534 234 5678",
        "0534－2345678",
        "0534—2345678",
        "0534-234-5678",
        "+86 534 2345678",
        "+86 0534 2345678",
        "0086-534-2345678",
        "05342345678.0",
    ],
)
def test_it_accepts_the_spellings_of_a_landline(raw):
    assert normalize_phone(raw) == "0534-2345678"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("010-12345678", "010-12345678"),
        ("01012345678", "010-12345678"),
        ("021 6123 4567", "021-61234567"),
        ("+86 10 12345678", "010-12345678"),
        ("0731-84567890", "0731-84567890"),
    ],
)
def test_it_splits_three_and_four_digit_area_codes_by_the_numbering_plan(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0534-2345678-801", "0534-2345678-801"),
        ("(0534)2345678-801", "0534-2345678-801"),
        ("0534-2345678转801", "0534-2345678-801"),
        ("010-12345678-1", "010-12345678-1"),
    ],
)
def test_it_keeps_an_extension_after_the_number(raw, expected):
    assert normalize_phone(raw) == expected


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "未填写"),
        ("   ", "未填写"),
        ("1381234567", "11 位"),
        ("138123456789", "11 位"),
        ("12812345678", "第 2 位"),
        ("2345678", "区号"),
        ("0534-23456", "7–8 位"),
        ("0534-234567890", "7–8 位"),
        ("138 1234 5678 转 801", "分机"),
        ("0534-2345678转8012345", "分机号"),
        ("13812345678a", "“a”"),
        ("138/1234/5678", "“/”"),
        ("+1 212 555 0100", "+86"),
        ("001-212-5550100", "+86"),
        ("---", "没有数字"),
    ],
)
def test_it_refuses_anything_else_and_says_why(raw, says):
    with pytest.raises(PhoneError) as caught:
        normalize_phone(raw)
    assert says in str(caught.value)


def test_a_mobile_with_a_trailing_dash_group_reports_the_mobile_problem_not_the_extension_one():
    with pytest.raises(PhoneError, match="11 位"):
        normalize_phone("138-1234-5678-1")


@given(rest=st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True), separator=st.sampled_from(["", " ", "-", "."]))
def test_any_mobile_with_separators_normalizes_to_its_digits(rest, separator):
    spelled = separator.join([rest[:3], rest[3:7], rest[7:]])
    assert normalize_phone(spelled) == rest


@given(
    area=st.from_regex(r"0(10|2[0-9]|[3-9][0-9]{2})", fullmatch=True),
    number=st.from_regex(r"[2-9][0-9]{6,7}", fullmatch=True),
)
def test_a_normalized_landline_is_a_fixed_point(area, number):
    normalized = normalize_phone(f"{area} {number}")
    assert normalized == f"{area}-{number}"
    assert normalize_phone(normalized) == normalized

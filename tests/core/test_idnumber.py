import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yizhan.core import idnumber
from yizhan.core.idnumber import IdNumberError, check_digit, cross_check, make, normalize, parse

TODAY = datetime.date(2025, 6, 1)
# The example printed in GB 11643-1999 itself, so the check digit is not our own arithmetic.
STANDARD_EXAMPLE = "11010519491231002X"
VALID = make(area_code="371402", birth_date=datetime.date(1990, 1, 2), sex="M", sequence=61)

areas = st.sampled_from(["371402", "320583", "431322", "431302", "440114", "110105", "650102", "820000"])
birth_dates = st.dates(min_value=datetime.date(1900, 1, 1), max_value=TODAY)
sexes = st.sampled_from(["M", "F"])
sequences = st.integers(min_value=0, max_value=499)


def error_of(raw: str) -> IdNumberError:
    with pytest.raises(IdNumberError) as caught:
        parse(raw, today=TODAY)
    return caught.value


def test_it_computes_the_check_digits_of_the_examples_in_the_standard():
    assert check_digit("11010519491231002") == "X"
    assert check_digit("44052418800101001") == "4"


def test_it_reads_birth_date_sex_and_area_from_the_standard_example():
    info = parse(STANDARD_EXAMPLE, today=TODAY)
    assert info == idnumber.IdInfo(
        number=STANDARD_EXAMPLE, birth_date=datetime.date(1949, 12, 31), sex="F", area_code="110105"
    )


def test_it_reads_an_odd_17th_digit_as_male():
    assert parse("110101194910010255", today=TODAY).sex == "M"


def test_normalize_removes_every_kind_of_space_and_makes_digits_and_x_ascii():
    assert normalize(" １１０１０５\u3000194912 31002ｘ\t") == STANDARD_EXAMPLE
    assert normalize("11010519491231002x") == STANDARD_EXAMPLE
    assert normalize("11010519491231002Ｘ") == STANDARD_EXAMPLE


def test_it_accepts_a_number_typed_with_full_width_characters_and_spaces():
    assert parse("１１０１０５ １９４９１２３１ ００２ｘ", today=TODAY).number == STANDARD_EXAMPLE


def test_it_rejects_an_empty_value():
    assert error_of("  ").code == "empty"


def test_it_asks_for_an_old_15_digit_number_to_be_converted():
    error = error_of("110105491231002")
    assert error.code == "old_15"
    assert "15 位旧号码" in str(error)
    assert "18 位" in str(error)


@pytest.mark.parametrize("raw", ["1101051949123100", "11010519491231002X1", "110105"])
def test_it_rejects_a_wrong_length_and_says_how_long_it_is(raw):
    error = error_of(raw)
    assert error.code == "length"
    assert f"现在是 {len(raw)} 位" in str(error)


def test_it_names_the_position_of_a_non_digit():
    error = error_of("1101051949l231002X")
    assert error.code == "digit"
    assert "第 11 位" in str(error)


def test_it_rejects_x_anywhere_but_the_last_position():
    assert error_of("X1010519491231002X").code == "digit"


def test_it_rejects_a_last_character_other_than_a_digit_or_x():
    error = error_of("11010519491231002Y")
    assert error.code == "last_char"
    assert "第 18 位" in str(error)


@pytest.mark.parametrize("digits", ["19490230", "19491301", "19490000", "20230229"])
def test_it_rejects_a_date_that_does_not_exist(digits):
    first17 = f"110105{digits}002"
    assert error_of(first17 + check_digit(first17)).code == "date"


def test_it_accepts_the_29th_of_february_in_a_leap_year():
    first17 = "11010520000229002"
    assert parse(first17 + check_digit(first17), today=TODAY).birth_date == datetime.date(2000, 2, 29)


def test_it_rejects_a_birth_date_before_1900():
    assert error_of("440524188001010014").code == "too_early"


def test_it_rejects_a_birth_date_after_today():
    tomorrow = TODAY + datetime.timedelta(days=1)
    number = make(area_code="371402", birth_date=tomorrow, sex="F", sequence=1)
    error = error_of(number)
    assert error.code == "future"
    assert "2025年6月2日" in str(error)
    assert parse(number, today=tomorrow).birth_date == tomorrow


@pytest.mark.parametrize(
    "prefix", ["00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "72", "83", "99"]
)
def test_it_rejects_a_province_code_that_does_not_exist(prefix):
    first17 = f"{prefix}0105" + "19491231002"
    error = error_of(first17 + check_digit(first17))
    assert error.code == "province"
    assert f"“{prefix}”" in str(error)


@pytest.mark.parametrize(
    "prefix", ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82"]
)
def test_it_accepts_every_real_province_code(prefix):
    first17 = f"{prefix}0105" + "19491231002"
    assert parse(first17 + check_digit(first17), today=TODAY).area_code == f"{prefix}0105"


def test_it_rejects_a_wrong_check_digit_without_revealing_the_right_one():
    error = error_of("110105194912310021")
    assert error.code == "check_digit"
    assert "校验码不正确" in str(error)
    assert "X" not in str(error)


def test_no_message_repeats_the_number():
    for raw in ["110105194912310021", "1101051949l231002X", "11010519491231002Y", "1101051949123100"]:
        assert raw not in str(error_of(raw))


@given(area_code=areas, birth_date=birth_dates, sex=sexes, sequence=sequences)
def test_a_made_number_parses_back_to_what_it_was_made_from(area_code, birth_date, sex, sequence):
    info = parse(make(area_code=area_code, birth_date=birth_date, sex=sex, sequence=sequence), today=TODAY)
    assert (info.area_code, info.birth_date, info.sex) == (area_code, birth_date, sex)


def test_different_sequences_make_different_numbers():
    numbers = {
        make(area_code="371402", birth_date=datetime.date(1990, 1, 2), sex=sex, sequence=sequence)
        for sex in ("M", "F")
        for sequence in range(500)
    }
    assert len(numbers) == 1000


@given(
    area_code=areas,
    birth_date=birth_dates,
    sex=sexes,
    sequence=sequences,
    position=st.integers(min_value=0, max_value=16),
    shift=st.integers(min_value=1, max_value=9),
)
def test_any_single_mistyped_digit_is_rejected(area_code, birth_date, sex, sequence, position, shift):
    number = make(area_code=area_code, birth_date=birth_date, sex=sex, sequence=sequence)
    wrong = str((int(number[position]) + shift) % 10)
    with pytest.raises(IdNumberError):
        parse(number[:position] + wrong + number[position + 1 :], today=TODAY)


@given(area_code=areas, birth_date=birth_dates, sex=sexes, sequence=sequences, position=st.integers(0, 15))
def test_two_swapped_neighbouring_digits_are_rejected(area_code, birth_date, sex, sequence, position):
    number = make(area_code=area_code, birth_date=birth_date, sex=sex, sequence=sequence)
    swapped = number[:position] + number[position + 1] + number[position] + number[position + 2 :]
    if swapped != number:
        with pytest.raises(IdNumberError):
            parse(swapped, today=TODAY)


def test_make_refuses_what_cannot_be_a_valid_number():
    birth = datetime.date(1990, 1, 2)
    with pytest.raises(ValueError):
        make(area_code="991402", birth_date=birth, sex="M", sequence=0)
    with pytest.raises(ValueError):
        make(area_code="371402", birth_date=birth, sex="男", sequence=0)
    with pytest.raises(ValueError):
        make(area_code="371402", birth_date=birth, sex="M", sequence=500)
    with pytest.raises(ValueError):
        make(area_code="371402", birth_date=datetime.date(1899, 12, 31), sex="M", sequence=0)


def test_cross_check_is_empty_when_the_typed_values_agree():
    info = parse(VALID, today=TODAY)
    assert cross_check(info, birth_date=datetime.date(1990, 1, 2), sex="M", area_code="371402") == []
    assert cross_check(info) == []


def test_cross_check_names_each_contradicting_value_with_what_the_number_says():
    info = parse(VALID, today=TODAY)
    problems = cross_check(info, birth_date=datetime.date(1990, 2, 1), sex="F", area_code="371401")
    assert problems == [
        "出生日期与身份证号不符（身份证号为 1990年1月2日）。",
        "性别与身份证号不符（身份证号为男性）。",
        "出生地区划代码与身份证号不符（身份证号前 6 位为 371402）。",
    ]


def test_cross_check_reports_only_the_contradicting_value():
    info = parse(VALID, today=TODAY)
    assert cross_check(info, birth_date=datetime.date(1990, 1, 2), sex="F") == [
        "性别与身份证号不符（身份证号为男性）。"
    ]


def test_cross_check_refuses_a_malformed_sex_or_area_code():
    info = parse(VALID, today=TODAY)
    with pytest.raises(ValueError):
        cross_check(info, sex="male")
    with pytest.raises(ValueError):
        cross_check(info, area_code="3714")

import pytest
from hypothesis import given
from hypothesis import strategies as st

from yizhan.core.masking import mask_bank_account, mask_id_number, mask_phone


def test_an_id_number_keeps_its_first_six_and_last_four():
    assert mask_id_number("37140219900102123X") == "371402********123X"


def test_an_id_number_of_another_length_keeps_its_first_three_and_last_two():
    assert mask_id_number("371402900102123") == "371**********23"


def test_a_mobile_keeps_its_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("0534-2345678", "0534-***5678"),
        ("010-12345678", "010-****5678"),
        ("0534-2345678-801", "0534-***5678-801"),
    ],
)
def test_a_landline_keeps_its_area_code_and_last_four(value, masked):
    assert mask_phone(value) == masked


def test_a_bank_account_keeps_its_first_four_and_last_four():
    assert mask_bank_account("6222021234567890123") == "6222 **** **** 0123"
    assert mask_bank_account("6222 0212 3456 7890 123") == "6222 **** **** 0123"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_bank_account])
def test_an_empty_value_stays_empty(mask):
    assert mask("") == ""


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone, mask_bank_account])
def test_a_short_value_of_unknown_shape_is_masked_entirely(mask):
    assert mask("1234567") == "*******"


@pytest.mark.parametrize("mask", [mask_id_number, mask_phone])
@given(value=st.text(alphabet="0123456789X-", min_size=1, max_size=30))
def test_no_value_is_ever_shown_whole(mask, value):
    masked = mask(value)
    assert masked != value
    assert len(masked) == len(value)
    assert "*" in masked


@given(value=st.text(alphabet="0123456789", min_size=1, max_size=30))
def test_a_bank_account_is_never_shown_whole(value):
    masked = mask_bank_account(value)
    assert value not in masked.replace(" ", "")
    assert "*" in masked

"""Phone numbers: the normal form of what people type, and a specific reason when it is wrong."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.phones import MAX_LENGTH, check_phone, normalize_phone


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("１３８－１２３４－５６７８", "13812345678"),  # full-width, as Chinese input methods type it
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("19912345678", "19912345678"),
        ("0573-82012345", "0573-82012345"),
        ("057382012345", "0573-82012345"),
        ("(0573) 8201 2345", "0573-82012345"),
        ("（0573）82012345", "0573-82012345"),
        ("010-62345678", "010-62345678"),
        ("021 6234567", "021-6234567"),
        ("0573-82012345转801", "0573-82012345-801"),
        ("0573-82012345 ext. 12", "0573-82012345-12"),
        ("82012345", "82012345"),
        ("8201234", "8201234"),
        ("400-820-1234", "400-820-1234"),
        ("8008201234", "800-820-1234"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_typed_numbers_are_stored_in_one_normal_form(typed, normal):
    result = check_phone(typed)
    assert result.valid and result.normal == normal


@pytest.mark.parametrize(
    ("typed", "code", "says"),
    [
        ("1381234567", "phone_mobile_length", "has 10"),
        ("138123456789", "phone_mobile_length", "has 12"),
        ("12812345678", "phone_mobile_prefix", "starts with 12"),
        ("0573-0201234", "phone_landline", "0573"),
        ("0573-123456789", "phone_landline", "123456789"),
        ("057312", "phone_landline", "12"),
        ("12345", "phone_mobile_length", "has 5"),
        ("823", "phone_length", "3 digits"),
        ("call me", "phone_characters", "call me"),
        ("138abcd5678", "phone_characters", "138abcd5678"),
    ],
)
def test_a_wrong_number_says_what_is_wrong(typed, code, says):
    result = check_phone(typed)
    assert not result.valid and result.normal == ""
    assert result.reason.code == code and says in str(result.reason)


def test_an_invalid_number_is_left_as_typed_by_normalize():
    assert normalize_phone(" 823 ") == "823"


@given(st.text(max_size=60))
def test_any_text_is_either_a_normal_number_or_refused_with_a_reason(text):
    result = check_phone(text)
    if result.valid:
        assert len(result.normal) <= MAX_LENGTH
        assert check_phone(result.normal) == result  # the normal form is a fixed point
    else:
        assert result.reason is not None and str(result.reason)

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from households.rules import (
    PROVINCE_CODES,
    check_id_number,
    id_check_character,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
)
from tests.clock import TODAY


def codes(raw: str) -> list[str]:
    return [r.code for r in check_id_number(raw, today=TODAY).reasons]


def with_check(first17: str) -> str:
    return first17 + id_check_character(first17)


def test_public_example_with_x_is_valid_female_born_1949():
    result = check_id_number("11010519491231002X", today=TODAY)
    assert result.valid, result.reasons
    assert result.normal == "11010519491231002X"
    assert result.birth_date == date(1949, 12, 31)
    assert result.sex == "F"


def test_public_example_born_1880_has_a_correct_check_character():
    assert id_check_character("44052418800101001") == "4"


def test_public_example_born_1880_is_rejected_only_as_implausibly_old_by_default():
    assert codes("440524188001010014") == ["id_birth_date_too_old"]


def test_public_example_born_1880_is_valid_when_oldest_year_lowered():
    result = check_id_number("440524188001010014", today=TODAY, oldest_birth_year=1880)
    assert result.valid
    assert result.sex == "M"
    assert result.birth_date == date(1880, 1, 1)


def test_full_width_digits_and_x_with_spaces_normalize_and_validate():
    raw = " １１０１０５ １９４９１２３１ ００２Ｘ\u3000"
    assert normalize_id_number(raw) == "11010519491231002X"
    assert check_id_number(raw, today=TODAY).valid


def test_lower_case_x_and_hyphens_are_accepted():
    assert normalize_id_number("110105-19491231-002x") == "11010519491231002X"
    assert check_id_number("110105-19491231-002x", today=TODAY).valid


def test_17_characters_is_wrong_length_and_says_how_many():
    result = check_id_number("11010519491231002", today=TODAY)
    assert not result.valid
    assert [r.code for r in result.reasons] == ["id_wrong_length"]
    assert dict(result.reasons[0].params)["length"] == 17
    assert "17" in str(result.reasons[0])


def test_19_characters_is_wrong_length():
    result = check_id_number("11010519491231002X1", today=TODAY)
    assert [r.code for r in result.reasons] == ["id_wrong_length"]
    assert dict(result.reasons[0].params)["length"] == 19


def test_letters_inside_are_non_digit_characters():
    assert codes("1101051949123100AX") == ["id_bad_characters"]
    assert codes("X10105194912310021") == ["id_bad_characters"]


def test_february_29_of_a_common_year_is_an_impossible_date():
    assert codes(with_check("33040220230229001")) == ["id_impossible_birth_date"]


def test_february_29_of_a_leap_year_is_a_real_date():
    result = check_id_number(with_check("33040220240229001"), today=TODAY)
    assert result.valid
    assert result.birth_date == date(2024, 2, 29)


def test_birth_date_after_today_is_in_the_future():
    assert codes(with_check("33040220261130001")) == ["id_birth_date_in_future"]


def test_born_today_is_valid():
    assert check_id_number(with_check("33040220261129001"), today=TODAY).valid


def test_born_before_1890_is_implausibly_old_and_1890_is_not():
    assert codes(with_check("33040218891231001")) == ["id_birth_date_too_old"]
    assert check_id_number(with_check("33040218900101001"), today=TODAY).valid


def test_wrong_check_digit_is_reported_without_revealing_the_expected_one():
    result = check_id_number("110105194912310021", today=TODAY)
    assert [r.code for r in result.reasons] == ["id_check_character_mismatch"]
    assert result.reasons[0].params == ()
    assert result.birth_date is None and result.sex is None


def test_unknown_province_99_is_reported():
    assert codes(with_check("99040219800101001")) == ["id_unknown_province"]


def test_only_the_province_prefix_is_checked_not_the_whole_area_code():
    assert check_id_number(with_check("33999919800101001"), today=TODAY).valid


def test_several_problems_are_all_reported():
    assert codes("990402202302290010") == [
        "id_unknown_province",
        "id_impossible_birth_date",
        "id_check_character_mismatch",
    ]


def test_odd_seventeenth_digit_is_male():
    assert check_id_number(with_check("33040219800101003"), today=TODAY).sex == "M"
    assert check_id_number(with_check("33040219800101004"), today=TODAY).sex == "F"


valid_first17 = st.builds(
    lambda province, rest, born, seq: f"{province}{rest}{born:%Y%m%d}{seq}",
    st.sampled_from(sorted(PROVINCE_CODES)),
    st.from_regex(r"\A[0-9]{4}\Z"),
    st.dates(min_value=date(1890, 1, 1), max_value=TODAY),
    st.from_regex(r"\A[0-9]{3}\Z"),
)


@given(valid_first17)
def test_any_valid_17_digits_with_computed_check_character_validate(first17):
    result = check_id_number(with_check(first17), today=TODAY)
    assert result.valid, result.reasons


@given(valid_first17, st.integers(min_value=0, max_value=17), st.integers(min_value=1, max_value=10))
def test_changing_any_single_character_invalidates(first17, position, shift):
    number = with_check(first17)
    alphabet = "0123456789X" if position == 17 else "0123456789"
    original = alphabet.index(number[position])
    replacement = alphabet[(original + shift) % len(alphabet)]
    if replacement == number[position]:  # shift == len(alphabet) for the 10-digit alphabet
        replacement = alphabet[(original + 1) % len(alphabet)]
    changed = number[:position] + replacement + number[position + 1 :]
    assert not check_id_number(changed, today=TODAY).valid


@given(st.from_regex(r"\A[0-9]{17}\Z"))
def test_check_character_is_a_digit_or_x(first17):
    assert id_check_character(first17) in "0123456789X"


def test_mask_id_number_keeps_first_six_and_last_four():
    assert mask_id_number("33040219800101123X") == "330402********123X"
    assert len(mask_id_number("33040219800101123X")) == 18


def test_mask_id_number_of_short_garbage_never_shows_more_than_four():
    assert mask_id_number("12345") == "*2345"
    assert mask_id_number("123") == "***"


def test_mask_phone_keeps_first_three_and_last_four():
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("138 1234 5678") == "138****5678"


def test_mask_name_keeps_first_character():
    assert mask_name("张三") == "张*"
    assert mask_name("欧阳娜娜") == "欧***"
    assert mask_name("买买提·艾力") == "买**·**"


def test_mask_name_of_one_character_hides_it():
    assert mask_name("张") == "*"


def test_age_counts_full_years_turning_on_the_birthday():
    from households.rules import age_on

    assert age_on(date(1974, 11, 29), date(2026, 11, 28)) == 51
    assert age_on(date(1974, 11, 29), date(2026, 11, 29)) == 52


def test_masked_member_label_tells_kin_apart_by_relation_and_age():
    from households.rules import masked_member_label

    assert masked_member_label("张建国", "户主", date(1974, 3, 1), TODAY, years="岁") == "张** · 户主 · 52 岁"
    assert masked_member_label("张伟", "子女", None, TODAY, years="岁") == "张* · 子女"

"""round_money: half up to the cent (四舍五入), exact for fractions; exact() never takes a float."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.policy import exact, round_money

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


def test_half_a_cent_rounds_up_not_to_even():
    assert round_money(Decimal("1849.995")) == Decimal("1850.00")
    assert round_money(Decimal("0.125")) == Decimal("0.13")  # half-even would give 0.12
    assert round_money(Fraction(1, 8)) == Decimal("0.13")
    assert round_money(Decimal("-0.125")) == Decimal("-0.13")  # away from zero, as Decimal's ROUND_HALF_UP
    assert round_money(Decimal("0.125"), rounding=ROUND_HALF_EVEN) == Decimal("0.12")


def test_a_third_of_a_cent_is_not_lost_before_rounding():
    assert round_money(Fraction(360001, 300)) == Decimal("1200.00")
    assert exact("1200.01") / 3 > Fraction(400)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        exact(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        round_money(0.1)  # type: ignore[arg-type]


@PROPERTY
@given(numerator=st.integers(-(10**12), 10**12), denominator=st.integers(1, 10**6))
def test_fractions_round_like_decimal_half_up(numerator, denominator):
    value = Fraction(numerator, denominator)
    with_decimal = (Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.01"), ROUND_HALF_UP)
    # Decimal division is exact to 28 digits, enough here except on an exact half, which it keeps.
    assert round_money(value) == with_decimal
    assert abs(exact(round_money(value)) - value) <= Fraction(1, 200)

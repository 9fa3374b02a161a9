"""The funding requirement is rounded once, from the exact days, for random posts and floors."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from staffing.rules import Post, required_transfer

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)


def _half_up_cents(value: Fraction) -> Decimal:
    """The reference: exact value → cents, half up, by integer arithmetic on non-negative values."""
    cents = value * 100
    whole = (2 * cents.numerator + cents.denominator) // (2 * cents.denominator)
    return Decimal(whole) / 100


@PROPERTY
@given(
    year=st.integers(min_value=2018, max_value=2040),
    spans=st.lists(st.tuples(st.integers(0, 365), st.integers(0, 365)), min_size=0, max_size=5),
    floor_cents=st.integers(min_value=0, max_value=20_000_000),
)
def test_required_is_floor_times_exact_days_over_the_year_rounded_once(year, spans, floor_cents):
    first = date(year, 1, 1)
    posts = [Post("T", first + timedelta(days=min(a, b)), first + timedelta(days=max(a, b)), True) for a, b in spans]
    floor = Decimal(floor_cents) / 100
    line = required_transfer(posts_in_year=posts, year=year, floor=floor)
    year_days = (date(year + 1, 1, 1) - first).days
    days = sum(min((p.end - p.start).days + 1, (date(year, 12, 31) - p.start).days + 1) for p in posts)
    assert line.days_in_post == days
    assert line.required == _half_up_cents(Fraction(floor) * Fraction(days, year_days))
    # Shown caseworker-years are 6 decimals, within half a millionth of the exact figure.
    assert abs(Fraction(line.caseworker_years) - Fraction(days, year_days)) <= Fraction(1, 2_000_000)

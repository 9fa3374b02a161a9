"""Staffing terms against a plain calendar reference, for random hire and contract dates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.policy import Policy
from staffing.rules import check_contract, qualification_deadline

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))


def _same_day_years_later(day: date, years: int) -> date:
    """The reference: the same month and day, or 28 February when 29 February does not exist."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 2, 28)


@PROPERTY
@given(hire=DATES, years=st.integers(min_value=1, max_value=8))
def test_qualification_deadline_is_the_same_day_years_later(hire, years):
    expected = _same_day_years_later(hire, years)
    status = qualification_deadline(
        hire_date=hire,
        level="intermediate",
        obtained_on=expected,
        today=expected + timedelta(days=1),
        policy=POLICY.but(qualification_deadline_years=years),
    )
    assert status.deadline == expected and status.met
    late = qualification_deadline(
        hire_date=hire,
        level="intermediate",
        obtained_on=expected + timedelta(days=1),
        today=expected + timedelta(days=1),
        policy=POLICY.but(qualification_deadline_years=years),
    )
    assert not late.met and late.overdue


@PROPERTY
@given(start=DATES, years=st.integers(min_value=1, max_value=5))
def test_contract_term_ends_the_day_before_the_same_day_years_later(start, years):
    # The first day counts: the term ends on the day before the anniversary of the start,
    # i.e. on the anniversary of the day before the start.
    last = _same_day_years_later(start - timedelta(days=1), years)
    policy = POLICY.but(min_contract_years=years)

    def ok(end: date) -> bool:
        return check_contract(
            start=start,
            end=end,
            monthly_pay=Decimal(1),
            township_reference_pay=Decimal(1),
            social_insurance_enrolled=True,
            policy=policy,
        ).ok

    assert ok(last)
    assert not ok(last - timedelta(days=1))

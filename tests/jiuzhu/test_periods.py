"""Periods (民法典 arts. 201-203): leap days, month ends, rest days, and a plain calendar reference."""

from __future__ import annotations

import subprocess
import sys
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiuzhu.periods import (
    add_months,
    add_years,
    end_of_period,
    last_day_from,
    next_working_day,
    working_day_deadline,
)

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
DATES = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


class Weekends:
    """Monday-Friday, minus the holidays given."""

    def __init__(self, holidays=(), make_up=()):
        self.holidays, self.make_up = set(holidays), set(make_up)

    def is_workday(self, d: date) -> bool:
        return d in self.make_up or (d.weekday() < 5 and d not in self.holidays)


# National Day 2026: Oct 1-7 off, Sunday Sep 20 and Saturday Oct 10 worked.
NATIONAL_DAY = Weekends(
    holidays={date(2026, 10, d) for d in range(1, 8)}, make_up={date(2026, 9, 20), date(2026, 10, 10)}
)


def _reference_month_end(event: date, months: int) -> date:
    """Art. 202 by walking the calendar: step month by month, then find the day or the month's last."""
    year, month = event.year, event.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    day = date(year, month, 1)
    last = day
    while day.month == month:
        if day.day == event.day:
            return day
        last, day = day, day + timedelta(days=1)
    return last


def test_leap_day_plus_a_year_ends_on_28_february():
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert end_of_period(date(2024, 2, 29), years=5) == date(2029, 2, 28)
    assert end_of_period(date(2024, 2, 29), years=4) == date(2028, 2, 29)


def test_month_end_without_a_corresponding_day_ends_on_the_months_last_day():
    assert end_of_period(date(2026, 1, 31), months=1) == date(2026, 2, 28)
    assert end_of_period(date(2028, 1, 31), months=1) == date(2028, 2, 29)
    assert end_of_period(date(2026, 8, 31), months=1) == date(2026, 9, 30)
    assert end_of_period(date(2026, 2, 28), months=1) == date(2026, 3, 28)  # a day that exists is kept
    assert add_months(date(2026, 3, 31), -1) == date(2026, 2, 28)


def test_the_event_day_is_not_counted():
    assert end_of_period(date(2026, 3, 2), days=7) == date(2026, 3, 9)
    assert last_day_from(date(2026, 3, 2), days=7) == date(2026, 3, 8)  # first day counted
    assert last_day_from(date(2026, 1, 1), years=3) == date(2028, 12, 31)
    assert last_day_from(date(2024, 3, 1), years=1) == date(2025, 2, 28)


def test_a_period_ending_on_a_rest_day_ends_on_the_next_working_day():
    assert end_of_period(date(2026, 9, 24), days=7, calendar=NATIONAL_DAY) == date(2026, 10, 8)
    assert end_of_period(date(2026, 9, 24), days=7) == date(2026, 10, 1)  # no calendar: no roll
    assert end_of_period(date(2026, 3, 1), days=6, calendar=NATIONAL_DAY) == date(2026, 3, 9)  # Sat → Mon
    assert next_working_day(date(2026, 10, 10), NATIONAL_DAY) == date(2026, 10, 10)  # make-up Saturday


def test_working_days_after_the_start():
    assert working_day_deadline(date(2026, 3, 6), 1, NATIONAL_DAY) == date(2026, 3, 9)
    assert working_day_deadline(date(2026, 3, 6), 0, NATIONAL_DAY) == date(2026, 3, 6)
    assert working_day_deadline(date(2026, 9, 29), 5, NATIONAL_DAY) == date(2026, 10, 12)
    with pytest.raises(ValueError):
        working_day_deadline(date(2026, 3, 6), -1, NATIONAL_DAY)


def test_negative_periods_are_refused():
    with pytest.raises(ValueError):
        end_of_period(date(2026, 3, 6), months=-1)


@PROPERTY
@given(event=DATES, months=st.integers(min_value=0, max_value=240))
def test_months_agree_with_a_calendar_walk(event, months):
    assert end_of_period(event, months=months) == _reference_month_end(event, months)
    assert add_months(event, months) == _reference_month_end(event, months)


@PROPERTY
@given(event=DATES, years=st.integers(min_value=0, max_value=10))
def test_years_keep_the_day_or_fall_to_28_february(event, years):
    end = add_years(event, years)
    assert end == end_of_period(event, years=years) == _reference_month_end(event, 12 * years)
    assert end.year == event.year + years
    if (event.month, event.day) == (2, 29) and end.day != 29:
        assert (end.month, end.day) == (2, 28)
    else:
        assert (end.month, end.day) == (event.month, event.day)


@PROPERTY
@given(event=DATES, days=st.integers(min_value=0, max_value=400))
def test_days_count_from_the_next_day(event, days):
    end = end_of_period(event, days=days)
    assert (end - event).days == days
    assert last_day_from(event, days=days) == end - timedelta(days=1)


@PROPERTY
@given(start=DATES, n=st.integers(min_value=0, max_value=40))
def test_working_days_agree_with_counting_each_day(start, n):
    calendar = Weekends(holidays={start + timedelta(days=k) for k in range(3, 60, 11)})
    end = working_day_deadline(start, n, calendar)
    counted = sum(calendar.is_workday(start + timedelta(days=k)) for k in range(1, (end - start).days + 1))
    assert counted == n
    assert n == 0 or calendar.is_workday(end)


@PROPERTY
@given(day=DATES)
def test_next_working_day_is_the_first_working_day_not_before(day):
    calendar = Weekends(holidays={day, day + timedelta(days=1)})
    found = next_working_day(day, calendar)
    assert calendar.is_workday(found) and found >= day
    assert not any(calendar.is_workday(day + timedelta(days=k)) for k in range((found - day).days))
    assert end_of_period(day, calendar=calendar) == found


def test_importing_periods_and_money_loads_no_django_module():
    code = (
        "import sys, jiuzhu.periods, jiuzhu.policy; "
        "print(sorted(m for m in sys.modules if m == 'django' or m.startswith('django.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"

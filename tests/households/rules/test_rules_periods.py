"""Household periods (reviews, verification, gradual exit, disregard, notice) against a calendar walk."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from households.rules import (
    WorkCalendar,
    disregarded_work_income,
    exit_candidate,
    next_review_date,
    notice_end,
    procedure_deadlines,
    verification_expired,
    verification_valid_from,
)
from jiuzhu.policy import Policy

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
DATES = st.dates(min_value=date(2000, 1, 1), max_value=date(2080, 12, 31))
MONTHS = st.integers(min_value=1, max_value=24)


def _months_later(day: date, months: int) -> date:
    """The reference: walk forward month by month, keep the day or take the month's last."""
    year, month = day.year, day.month
    for _ in range(months):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    last = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
    return date(year, month, min(day.day, last.day))


@PROPERTY
@given(rose_on=DATES, months=MONTHS)
def test_gradual_exit_ends_on_the_corresponding_day(rose_on, months):
    decision = exit_candidate(
        enrolled_category="dibao",
        per_capita_income=Decimal("5000"),
        income_rose_from_work=True,
        rose_on=rose_on,
        today=rose_on,
        policy=POLICY.but(gradual_exit_months=months),
    )
    assert decision.gradual_exit_until == _months_later(rose_on, months)


@PROPERTY
@given(verified_on=DATES, months=MONTHS)
def test_verification_is_valid_through_the_corresponding_day(verified_on, months):
    policy = POLICY.but(verification_valid_months=months)
    last = _months_later(verified_on, months)
    assert not verification_expired(verified_on=verified_on, today=last, policy=policy)
    assert verification_expired(verified_on=verified_on, today=last + timedelta(days=1), policy=policy)
    assert verification_valid_from(today=last, policy=policy) <= verified_on


@PROPERTY
@given(last_review=DATES, months=MONTHS)
def test_next_review_is_the_corresponding_day(last_review, months):
    policy = POLICY.but(review_months_stable=months)
    assert next_review_date(
        last_review=last_review, category="dibao", labour_ability_present=True, income_stable=True, policy=policy
    ) == _months_later(last_review, months)


@PROPERTY
@given(started=DATES, months=MONTHS)
def test_work_income_is_disregarded_through_the_corresponding_day(started, months):
    policy = POLICY.but(work_income_disregard_months=months)
    last = _months_later(started, months)

    def disregarded(today: date) -> Decimal:
        return disregarded_work_income(
            monthly_work_income=Decimal("100"), work_started_on=started, today=today, policy=policy
        )

    assert disregarded(started) == disregarded(last) == Decimal("100.00")
    assert disregarded(last + timedelta(days=1)) == Decimal("0.00")


@PROPERTY
@given(start=st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)), days=st.integers(1, 30))
def test_notice_ends_on_the_first_working_day_not_before_its_last_calendar_day(start, days):
    holidays = {start + timedelta(days=k) for k in range(0, 40, 9)}
    calendar = WorkCalendar(is_holiday=holidays)
    policy = POLICY.but(public_notice_days=days)
    end = notice_end(start=start, policy=policy, calendar=calendar)
    plain_last = start + timedelta(days=days - 1)
    assert end >= plain_last and calendar.is_workday(end)
    assert all(not calendar.is_workday(plain_last + timedelta(days=k)) for k in range((end - plain_last).days))
    assert notice_end(start=start, policy=policy) == plain_last
    deadlines = procedure_deadlines(
        received_on=start - timedelta(days=30), calendar=calendar, policy=policy, notice_start=start
    )
    assert deadlines.notice_min_end == end

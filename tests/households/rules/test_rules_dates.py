"""rules.dates at its boundaries: today, the registration day, the birth day, the day followed."""

from __future__ import annotations

from datetime import date, timedelta

from households.rules.dates import fact_date_reason, planned_date_reason, registration_date_reason

TODAY = date(2026, 11, 29)
DAY = timedelta(days=1)
REGISTERED = date(2025, 3, 1)
BORN = date(2025, 6, 1)


def _code(reason):
    return None if reason is None else reason.code


def test_a_fact_dated_today_is_allowed_and_tomorrow_is_refused_with_both_dates():
    assert fact_date_reason(TODAY, today=TODAY) is None
    reason = fact_date_reason(TODAY + DAY, today=TODAY)
    assert reason.code == "date.future"
    assert str(reason) == "The date 2026-11-30 is after today (2026-11-29)."


def test_a_fact_on_the_registration_day_is_allowed_and_the_day_before_is_refused():
    assert fact_date_reason(REGISTERED, today=TODAY, registered_on=REGISTERED) is None
    reason = fact_date_reason(REGISTERED - DAY, today=TODAY, registered_on=REGISTERED)
    assert reason.code == "date.before_registration" and "2025-03-01" in str(reason)


def test_a_fact_on_the_birth_day_is_allowed_and_the_day_before_is_refused():
    assert fact_date_reason(BORN, today=TODAY, born_on=BORN, registered_on=REGISTERED) is None
    assert _code(fact_date_reason(BORN - DAY, today=TODAY, born_on=BORN)) == "date.before_birth"


def test_no_date_is_no_refusal():
    assert fact_date_reason(None, today=TODAY, registered_on=REGISTERED) is None
    assert planned_date_reason(None, after=TODAY) is None
    assert planned_date_reason(TODAY, after=None) is None


def test_a_registration_date_may_equal_the_first_record_but_not_follow_it():
    assert registration_date_reason(REGISTERED, today=TODAY, first_fact_on=REGISTERED) is None
    assert _code(registration_date_reason(REGISTERED + DAY, today=TODAY, first_fact_on=REGISTERED)) == (
        "date.registration_after_facts"
    )
    assert _code(registration_date_reason(TODAY + DAY, today=TODAY)) == "date.future"


def test_a_next_visit_comes_strictly_after_and_a_due_date_may_fall_on_the_day():
    assert planned_date_reason(TODAY + DAY, after=TODAY) is None
    assert _code(planned_date_reason(TODAY, after=TODAY)) == "date.planned_not_after"
    assert planned_date_reason(TODAY, after=TODAY, same_day=True) is None
    assert _code(planned_date_reason(TODAY - DAY, after=TODAY, same_day=True)) == "date.planned_not_after"

"""Rules of the procedure fixes, without the database: step dates against each other and
today, one application or enrolment per category, one-off grants, the temporary-aid cap."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from households.rules import procedure as proc
from households.rules import temporary_aid_cap, temporary_aid_reasons
from jiuzhu.policy import Policy
from tests.clock import TODAY

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
DATES = proc.StepDates(
    received_on=date(2026, 11, 2),
    investigation_started_on=date(2026, 11, 3),
    investigation_completed_on=date(2026, 11, 9),
    notice_start=date(2026, 11, 16),
    notice_end=date(2026, 11, 22),
)


def codes(reasons):
    return [r.code for r in reasons]


@pytest.mark.parametrize(
    "action",
    [proc.START_INVESTIGATION, proc.RECORD_INVESTIGATION, proc.START_NOTICE, proc.RECORD_OBJECTION, proc.CLOSE_NOTICE],
)
def test_no_step_is_dated_after_today(action):
    assert codes(proc.step_date_reasons(action, on=date(2026, 11, 30), today=TODAY, dates=DATES)) == ["future_date"]


def test_the_notice_cannot_be_closed_on_a_future_day_even_after_it_ends():
    dates = proc.StepDates(notice_start=date(2026, 11, 25), notice_end=date(2026, 12, 1))
    assert codes(proc.step_date_reasons(proc.CLOSE_NOTICE, on=date(2026, 12, 1), today=TODAY, dates=dates)) == [
        "future_date"
    ]
    assert proc.step_date_reasons(proc.CLOSE_NOTICE, on=date(2026, 12, 1), today=date(2026, 12, 1), dates=dates) == ()


def test_the_notice_closes_on_or_after_its_end():
    assert codes(proc.step_date_reasons(proc.CLOSE_NOTICE, on=date(2026, 11, 21), today=TODAY, dates=DATES)) == [
        "notice_running"
    ]
    assert proc.step_date_reasons(proc.CLOSE_NOTICE, on=date(2026, 11, 22), today=TODAY, dates=DATES) == ()


def test_investigation_starts_on_or_after_receipt():
    assert codes(proc.step_date_reasons(proc.START_INVESTIGATION, on=date(2026, 11, 1), today=TODAY, dates=DATES)) == [
        "before_received"
    ]
    assert proc.step_date_reasons(proc.START_INVESTIGATION, on=date(2026, 11, 2), today=TODAY, dates=DATES) == ()


def test_investigation_is_recorded_on_or_after_it_started():
    assert codes(proc.step_date_reasons(proc.RECORD_INVESTIGATION, on=date(2026, 11, 2), today=TODAY, dates=DATES)) == [
        "before_investigation"
    ]
    assert proc.step_date_reasons(proc.RECORD_INVESTIGATION, on=date(2026, 11, 3), today=TODAY, dates=DATES) == ()


def test_notice_starts_on_or_after_the_investigation_was_completed():
    assert codes(proc.step_date_reasons(proc.START_NOTICE, on=date(2026, 11, 8), today=TODAY, dates=DATES)) == [
        "before_investigation_complete"
    ]
    assert proc.step_date_reasons(proc.START_NOTICE, on=date(2026, 11, 9), today=TODAY, dates=DATES) == ()


@pytest.mark.parametrize(
    ("on", "ok"),
    [(date(2026, 11, 15), False), (date(2026, 11, 16), True), (date(2026, 11, 22), True), (date(2026, 11, 23), False)],
)
def test_an_objection_is_received_within_the_notice_period_both_ends_included(on, ok):
    reasons = proc.step_date_reasons(proc.RECORD_OBJECTION, on=on, today=TODAY, dates=DATES)
    assert (reasons == ()) is ok
    if not ok:
        assert "2026-11-16" in str(reasons[0]) and "2026-11-22" in str(reasons[0])


def test_an_objection_is_resolved_on_or_after_it_was_received_and_not_later_than_today():
    received = date(2026, 11, 18)
    assert proc.objection_resolution_reasons(received_on=received, resolved_on=None, today=TODAY) == ()
    assert proc.objection_resolution_reasons(received_on=received, resolved_on=received, today=TODAY) == ()
    assert codes(
        proc.objection_resolution_reasons(received_on=received, resolved_on=date(2026, 11, 17), today=TODAY)
    ) == ["resolved_before_received"]
    assert codes(
        proc.objection_resolution_reasons(received_on=received, resolved_on=date(2026, 11, 30), today=TODAY)
    ) == ["future_date"]


def test_a_second_open_application_or_enrolment_in_a_monthly_category_is_refused():
    assert codes(proc.duplicate_reasons(category="dibao", open_application_categories={"dibao"})) == [
        "open_application"
    ]
    assert codes(proc.duplicate_reasons(category="dibao", live_enrolment_categories={"dibao"})) == ["already_enrolled"]
    assert (
        proc.duplicate_reasons(
            category="dibao", open_application_categories={"low_income"}, live_enrolment_categories={"tekun"}
        )
        == ()
    )


def test_temporary_aid_may_recur():
    assert (
        proc.duplicate_reasons(
            category="temporary", open_application_categories={"temporary"}, live_enrolment_categories={"temporary"}
        )
        == ()
    )


def test_a_one_off_grant_starts_and_ends_on_the_decision_day_and_monthly_aid_next_month():
    assert proc.assistance_period(category="temporary", decided_on=date(2026, 11, 24)) == (
        date(2026, 11, 24),
        date(2026, 11, 24),
    )
    assert proc.assistance_period(category="dibao", decided_on=date(2026, 12, 3)) == (date(2027, 1, 1), None)


def test_temporary_aid_at_the_cap_is_allowed_and_one_cent_above_is_refused():
    cap = temporary_aid_cap(members=2, severe=False, policy=POLICY)
    assert cap == Decimal("14400.00")  # 6 × 1200 × 2
    assert temporary_aid_reasons(amount=cap, members=2, severe=False, policy=POLICY) == ()
    reasons = temporary_aid_reasons(amount=Decimal("14400.01"), members=2, severe=False, policy=POLICY)
    assert codes(reasons) == ["above_temporary_aid_cap"]
    assert "14400.00" in str(reasons[0]) and "6 times" in str(reasons[0])


def test_severe_hardship_raises_the_temporary_aid_cap():
    assert temporary_aid_reasons(amount=Decimal("28800.00"), members=2, severe=True, policy=POLICY) == ()
    assert temporary_aid_reasons(amount=Decimal("28800.01"), members=2, severe=True, policy=POLICY) != ()

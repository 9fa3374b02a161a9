from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from households.procedure.workdays import LIBRARY_KNOWN_UNTIL, chinese_calendar_adapter
from households.rules import WorkCalendar, add_working_days, days_left, procedure_deadlines, working_days_between
from jiuzhu.policy import Policy

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
CN = chinese_calendar_adapter()
PLAIN = WorkCalendar()


def test_library_marks_2026_spring_festival_as_the_brief_says():
    off = [date(2026, 2, 15) + timedelta(days=i) for i in range(9)]  # Feb 15-23
    assert not any(CN.is_workday(d) for d in off)
    assert CN.is_workday(date(2026, 2, 14))  # Saturday make-up day
    assert CN.is_workday(date(2026, 2, 28))  # Saturday make-up day
    assert not CN.is_workday(date(2026, 3, 1))  # an ordinary Sunday


def test_receipt_day_does_not_count():
    assert add_working_days(date(2026, 3, 2), 1, PLAIN) == date(2026, 3, 3)
    assert add_working_days(date(2026, 3, 6), 1, PLAIN) == date(2026, 3, 9)  # Friday → Monday
    assert add_working_days(date(2026, 3, 6), 0, PLAIN) == date(2026, 3, 6)


def test_working_days_across_spring_festival_count_make_up_saturdays():
    # Feb 11, 12, 13, 14 (Sat, make-up), then Feb 24 after the holiday.
    assert add_working_days(date(2026, 2, 10), 5, CN) == date(2026, 2, 24)
    # Without the holiday calendar the same count ends on Feb 17.
    assert add_working_days(date(2026, 2, 10), 5, PLAIN) == date(2026, 2, 17)


def test_fifteen_working_day_investigation_across_spring_festival():
    deadlines = procedure_deadlines(received_on=date(2026, 2, 10), calendar=CN, policy=POLICY)
    # 11,12,13,14 | 24,25,26,27,28 | Mar 2,3,4,5,6 | Mar 9
    assert deadlines.investigation_due == date(2026, 3, 9)
    assert deadlines.notice_start == date(2026, 3, 10)
    assert deadlines.notice_min_end == date(2026, 3, 16)  # 7 days counting the first
    assert deadlines.decision_due == date(2026, 3, 23)  # 17,18,19,20,23


def test_working_days_across_national_day_2026():
    assert CN.is_workday(date(2026, 9, 20))  # Sunday make-up day
    assert CN.is_workday(date(2026, 10, 10))  # Saturday make-up day
    assert not CN.is_workday(date(2026, 10, 7))
    # Sep 30, then Oct 8, 9, 10 (Sat make-up), 12
    assert add_working_days(date(2026, 9, 29), 5, CN) == date(2026, 10, 12)


def test_decision_after_a_notice_ending_in_national_day():
    deadlines = procedure_deadlines(
        received_on=date(2026, 9, 1), calendar=CN, policy=POLICY, notice_start=date(2026, 9, 25)
    )
    # The seventh day, 1 October, is National Day: the notice ends on 8 October, the first
    # working day after the holiday (民法典 art. 203; it used to end on 1 October).
    assert deadlines.notice_min_end == date(2026, 10, 8)
    assert deadlines.decision_due == date(2026, 10, 14)  # 9, 10 (Sat), 12, 13, 14


def test_a_notice_ending_on_a_sunday_ends_on_monday():
    deadlines = procedure_deadlines(
        received_on=date(2026, 3, 2), calendar=PLAIN, policy=POLICY, notice_start=date(2026, 3, 2)
    )
    assert deadlines.notice_min_end == date(2026, 3, 9)  # Mon 2nd .. Sun 8th → Mon 9th
    assert deadlines.decision_due == date(2026, 3, 16)


def test_working_days_between_inverts_add_working_days():
    start = date(2026, 2, 10)
    for n in range(30):
        assert working_days_between(start, add_working_days(start, n, CN), CN) == n


def test_working_days_between_is_negative_backwards():
    assert working_days_between(date(2026, 3, 9), date(2026, 3, 2), PLAIN) == -5


def test_days_left_is_zero_on_the_due_day_and_negative_when_overdue():
    due = date(2026, 2, 24)
    assert days_left(due, date(2026, 2, 24), CN) == 0
    assert days_left(due, date(2026, 2, 13), CN) == 2  # Feb 14 (make-up), Feb 24
    assert days_left(due, date(2026, 2, 26), CN) == -2


def test_calendar_from_sets():
    cal = WorkCalendar(is_holiday={date(2026, 3, 3)}, is_make_up_workday={date(2026, 3, 7)})
    assert not cal.is_workday(date(2026, 3, 3))
    assert cal.is_workday(date(2026, 3, 7))
    assert not cal.is_workday(date(2026, 3, 8))


def test_adapter_overrides_win_over_the_library():
    cal = chinese_calendar_adapter({date(2026, 3, 3): False, date(2026, 2, 16): True})
    assert not cal.is_workday(date(2026, 3, 3))
    assert cal.is_workday(date(2026, 2, 16))


def test_after_the_last_published_year_days_count_monday_to_friday_and_are_not_known():
    # 2099-01-01 is a Thursday: no published New Year holiday yet, so a working day.
    assert CN.is_workday(date(2099, 1, 1)) and not CN.is_workday(date(2099, 1, 3))
    assert CN.known_until == LIBRARY_KNOWN_UNTIL
    assert CN.is_known(LIBRARY_KNOWN_UNTIL) and not CN.is_known(LIBRARY_KNOWN_UNTIL + timedelta(days=1))


def test_a_deadline_across_the_last_published_year_is_computed_not_refused():
    received = date(LIBRARY_KNOWN_UNTIL.year, 12, 20)
    due = add_working_days(received, 15, CN)
    assert due.year == received.year + 1 and not CN.is_known(due)


def test_override_rows_for_a_new_year_make_that_year_known():
    year = LIBRARY_KNOWN_UNTIL.year + 1
    cal = chinese_calendar_adapter({date(year, 1, 1): False})
    assert not cal.is_workday(date(year, 1, 1))
    assert cal.known_until == date(year, 12, 31)


def test_a_calendar_asks_its_sources_once_per_day_however_many_deadlines_it_computes():
    asked = []

    def is_holiday(d):
        asked.append(d)
        return d == date(2026, 3, 3)

    cal = WorkCalendar(is_holiday=is_holiday)
    first = [add_working_days(date(2026, 3, 2), 15, cal) for _ in range(100)]
    assert set(first) == {date(2026, 3, 24)}  # 3 March a holiday: 16 weekdays later
    days = len(asked)
    add_working_days(date(2026, 3, 2), 5, cal)
    working_days_between(date(2026, 3, 2), date(2026, 3, 24), cal)
    assert len(asked) == days == len(set(asked))


def test_negative_working_days_are_rejected():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 3, 2), -1, PLAIN)

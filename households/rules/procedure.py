"""Working days and the application procedure's deadlines (Zhejiang regulation art. 11).

The rules do not know the holiday calendar: callers build a ``WorkCalendar`` from
whatever source they trust (``households.workdays.chinese_calendar_adapter`` in the app).
"""

from __future__ import annotations

from collections.abc import Callable, Container
from dataclasses import dataclass
from datetime import date, timedelta

from jiuzhu.policy import Policy

DayTest = Callable[[date], bool]
ONE_DAY = timedelta(days=1)


def _as_test(source: DayTest | Container[date]) -> DayTest:
    if callable(source):
        return source
    return source.__contains__


class WorkCalendar:
    """Tell working days from days off.

    A day is a working day when it is a make-up working day (调休), or when it is a
    Monday-Friday that is not a statutory holiday. Each argument is a callable
    ``date -> bool`` or a set of dates.
    """

    def __init__(
        self,
        *,
        is_holiday: DayTest | Container[date] = frozenset(),
        is_make_up_workday: DayTest | Container[date] = frozenset(),
    ) -> None:
        self._is_holiday = _as_test(is_holiday)
        self._is_make_up_workday = _as_test(is_make_up_workday)

    def is_workday(self, d: date) -> bool:
        if self._is_make_up_workday(d):
            return True
        return d.weekday() < 5 and not self._is_holiday(d)


@dataclass(frozen=True)
class Deadlines:
    """Deadlines of one application; notice_min_end is the earliest day the notice may end."""

    investigation_due: date
    notice_start: date
    notice_min_end: date
    decision_due: date


def add_working_days(start: date, n: int, calendar: WorkCalendar) -> date:
    """Return the n-th working day after ``start``; ``start`` itself never counts.

    n = 0 returns ``start``. Received on a Friday, 1 working day → the next Monday
    (unless that is a holiday).
    """
    if n < 0:
        raise ValueError("n must not be negative")
    d = start
    while n:
        d += ONE_DAY
        if calendar.is_workday(d):
            n -= 1
    return d


def working_days_between(a: date, b: date, calendar: WorkCalendar) -> int:
    """Count working days after ``a`` up to and including ``b``; negative when b is before a.

    The inverse of ``add_working_days``: working_days_between(a, add_working_days(a, n)) == n.
    """
    if b < a:
        return -working_days_between(b, a, calendar)
    count = 0
    d = a
    while d < b:
        d += ONE_DAY
        if calendar.is_workday(d):
            count += 1
    return count


def procedure_deadlines(
    *, received_on: date, calendar: WorkCalendar, policy: Policy, notice_start: date | None = None
) -> Deadlines:
    """Compute the deadlines of an application received on ``received_on``.

    1. investigation_due: received_on + investigation_working_days working days (the day of
       receipt does not count).
    2. notice_start: the day the public notice actually started; if not yet known, the day
       after investigation_due.
    3. notice_min_end: notice_start + public_notice_days − 1 calendar days. The notice runs
       public_notice_days calendar days counting its first day (7 days: Mon 1st to Sun 7th);
       weekends and holidays count.
    4. decision_due: notice_min_end + decision_working_days working days.
    """
    investigation_due = add_working_days(received_on, policy.investigation_working_days, calendar)
    start = notice_start or investigation_due + ONE_DAY
    notice_min_end = start + timedelta(days=policy.public_notice_days - 1)
    decision_due = add_working_days(notice_min_end, policy.decision_working_days, calendar)
    return Deadlines(
        investigation_due=investigation_due,
        notice_start=start,
        notice_min_end=notice_min_end,
        decision_due=decision_due,
    )


def days_left(due: date, today: date, calendar: WorkCalendar) -> int:
    """Return working days left until ``due``: 0 on the due day, negative when overdue.

    Counted as ``working_days_between(today, due)``: the day before a due Monday (Sunday)
    has 1 day left; a Saturday after a due Friday is 0 (no working day has passed).
    """
    return working_days_between(today, due, calendar)

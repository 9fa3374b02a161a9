"""Periods counted in years, months, days and working days (民法典 arts. 200-204).

Standard library only, shared by every app's rules. The conventions, once:

1. Art. 201: the day of the event that starts a period is not counted; the period
   starts on the next day. ``end_of_period(event, ...)`` takes the event day and
   returns the period's last day (inclusive). A period whose first day is itself
   counted (a contract that "runs from" its start, a notice "posted from" a day)
   is the period after the day before it: ``end_of_period(first_day - 1 day, ...)``,
   which ``last_day_from`` spells out.
2. Art. 202: a period in years or months ends on the corresponding day of the final
   month; when that month has no such day (29, 30 or 31), on the month's last day.
   So 29 February plus one year ends on 28 February, never on 1 March.
3. Art. 203: a period whose last day is a day off (a statutory holiday or a weekend
   that is not a make-up working day) ends on the next working day. It applies only
   where the caller passes a ``calendar``: to time limits for an act at an office
   (a public notice objections may be lodged against). Validity windows, review
   schedules and a certificate's date are calendar cut-offs and take none.
4. Working-day periods (``working_day_deadline``) count working days after the start
   day, so they always end on a working day.

``calendar`` is anything with ``is_workday(date) -> bool``
(``households.rules.procedure.WorkCalendar`` is one).
"""

from __future__ import annotations

import calendar as _calendar
from datetime import date, timedelta
from typing import Protocol

ONE_DAY = timedelta(days=1)

__all__ = [
    "WorkdayCalendar",
    "add_months",
    "add_years",
    "end_of_period",
    "last_day_from",
    "next_working_day",
    "working_day_deadline",
]


class WorkdayCalendar(Protocol):
    def is_workday(self, d: date, /) -> bool: ...


def add_months(day: date, months: int) -> date:
    """Return the corresponding day ``months`` later (or earlier); no such day: the month's last.

    2026-01-31 + 1 → 2026-02-28; 2028-01-31 + 1 → 2028-02-29; 2026-03-31 − 1 → 2026-02-28.
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    """Return the corresponding day ``years`` later; 29 February → 28 February in a common year."""
    return add_months(day, 12 * years)


def next_working_day(day: date, calendar: WorkdayCalendar) -> date:
    """Return ``day`` when it is a working day, else the first working day after it (art. 203)."""
    while not calendar.is_workday(day):
        day += ONE_DAY
    return day


def working_day_deadline(start: date, n: int, calendar: WorkdayCalendar) -> date:
    """Return the n-th working day after ``start``; ``start`` itself never counts (n = 0: ``start``)."""
    if n < 0:
        raise ValueError("n must not be negative")
    day = start
    while n:
        day += ONE_DAY
        if calendar.is_workday(day):
            n -= 1
    return day


def end_of_period(
    event: date,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    calendar: WorkdayCalendar | None = None,
) -> date:
    """Return the last day (inclusive) of a period that follows ``event`` (arts. 201-203).

    1. Years and months: the corresponding day of the final month (``add_months``), a
       missing day becoming the month's last.
    2. Then ``days`` calendar days (the event day not counted: 7 days after Monday the
       1st end on Monday the 8th).
    3. With a ``calendar``, a last day that is a day off moves to the next working day.
    """
    if years < 0 or months < 0 or days < 0:
        raise ValueError("a period cannot be negative")
    last = add_months(event, 12 * years + months) + timedelta(days=days)
    if calendar is not None:
        last = next_working_day(last, calendar)
    return last


def last_day_from(
    first_day: date,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    calendar: WorkdayCalendar | None = None,
) -> date:
    """Return the last day of a period whose first day ``first_day`` is counted.

    Three years from 1 January 2026 end on 31 December 2028; seven days from Monday
    the 1st end on Sunday the 7th (Monday the 8th with a calendar, if Sunday is off).
    """
    return end_of_period(first_day - ONE_DAY, years=years, months=months, days=days, calendar=calendar)

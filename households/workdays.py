"""Build the rules' WorkCalendar from the chinese_calendar library (State Council holiday notices)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import chinese_calendar

from households.rules.procedure import WorkCalendar


def chinese_calendar_adapter(overrides: Mapping[date, bool] | None = None) -> WorkCalendar:
    """Return a WorkCalendar from chinese_calendar, with local overrides winning.

    ``overrides`` maps a date to whether it is a working day (e.g. a local typhoon closure,
    or a year the library does not cover yet). For a year outside the library's data and
    not overridden, chinese_calendar raises NotImplementedError: a silent weekday-only
    guess would give wrong legal deadlines.
    """
    local = dict(overrides or {})

    def is_holiday(d: date) -> bool:
        if d in local:
            return not local[d]
        return bool(chinese_calendar.is_holiday(d))

    def is_make_up_workday(d: date) -> bool:
        if d in local:
            return local[d]
        return d.weekday() >= 5 and bool(chinese_calendar.is_workday(d))

    return WorkCalendar(is_holiday=is_holiday, is_make_up_workday=is_make_up_workday)

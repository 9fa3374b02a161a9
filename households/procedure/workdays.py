"""Build the rules' WorkCalendar from the chinese_calendar library (State Council holiday notices)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import chinese_calendar
from django.db.models import Q

from households.models import WorkdayOverride
from households.rules.procedure import WorkCalendar

LIBRARY_KNOWN_UNTIL = date(max(d.year for d in chinese_calendar.holidays), 12, 31)
"""The last day of the last year chinese_calendar has the State Council's holidays for."""


def chinese_calendar_adapter(overrides: Mapping[date, bool] | None = None) -> WorkCalendar:
    """Return a WorkCalendar from chinese_calendar, with local overrides winning.

    ``overrides`` maps a date to whether it is a working day (e.g. a local typhoon closure,
    or the holidays of a year the library does not cover yet). A year is known when the
    library covers it or when an override row falls in it (whoever enters a new year's
    notice enters all of it). After the last known year, days count Monday-Friday only and
    the calendar says so (``known_until``): deadlines there are shown as provisional, and
    an application received in December still gets its deadlines rather than an error.
    """
    local = dict(overrides or {})
    known_until = max([LIBRARY_KNOWN_UNTIL, *(date(d.year, 12, 31) for d in local)])

    def is_holiday(d: date) -> bool:
        if d in local:
            return not local[d]
        if d > LIBRARY_KNOWN_UNTIL:
            return False
        return bool(chinese_calendar.is_holiday(d))

    def is_make_up_workday(d: date) -> bool:
        if d in local:
            return local[d]
        if d > LIBRARY_KNOWN_UNTIL:
            return False
        return d.weekday() >= 5 and bool(chinese_calendar.is_workday(d))

    return WorkCalendar(is_holiday=is_holiday, is_make_up_workday=is_make_up_workday, known_until=known_until)


def _overrides_by_county(county_ids) -> dict[int | None, dict[date, bool]]:
    """One query: the city-wide rows (county None) and each county's own rows."""
    found: dict[int | None, dict[date, bool]] = {}
    for county_id, day, is_workday in WorkdayOverride.objects.filter(
        Q(county__isnull=True) | Q(county_id__in=list(county_ids)), withdrawn_at__isnull=True
    ).values_list("county_id", "date", "is_workday"):
        found.setdefault(county_id, {})[day] = is_workday
    return found


def calendars_for(county_ids) -> dict[int, WorkCalendar]:
    """A WorkCalendar per county with its overrides (a county's row wins over the city-wide one)."""
    county_ids = set(county_ids)
    rows = _overrides_by_county(county_ids)
    citywide = rows.get(None, {})
    return {cid: chinese_calendar_adapter({**citywide, **rows.get(cid, {})}) for cid in county_ids}


def county_calendar(county) -> WorkCalendar:
    """The working-day calendar for one county-level unit (national calendar + overrides)."""
    county_id = getattr(county, "pk", county)
    return calendars_for([county_id])[county_id]

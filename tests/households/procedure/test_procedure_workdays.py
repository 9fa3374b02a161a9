"""The county calendar: the national calendar corrected by WorkdayOverride rows."""

from __future__ import annotations

from datetime import date

import pytest

from households.models import WorkdayOverride
from households.procedure.workdays import calendars_for, county_calendar
from households.rules import add_working_days
from tests.factories import area

pytestmark = pytest.mark.django_db


def test_without_overrides_the_national_calendar_holds():
    cal = county_calendar(area("330402"))
    assert not cal.is_workday(date(2026, 2, 16))
    assert cal.is_workday(date(2026, 2, 28))  # make-up Saturday
    assert add_working_days(date(2026, 2, 10), 5, cal) == date(2026, 2, 24)


def test_a_county_override_shifts_the_deadline_and_beats_the_citywide_row():
    nanhu, xiuzhou = area("330402"), area("330411")
    # A typhoon closure city-wide on Tue Feb 24, but 南湖区 kept its offices open.
    WorkdayOverride.objects.create(date=date(2026, 2, 24), is_workday=False, note="台风停工")
    WorkdayOverride.objects.create(date=date(2026, 2, 24), is_workday=True, county=nanhu, note="照常办公")
    cals = calendars_for([nanhu.pk, xiuzhou.pk])
    assert add_working_days(date(2026, 2, 10), 5, cals[nanhu.pk]) == date(2026, 2, 24)
    assert add_working_days(date(2026, 2, 10), 5, cals[xiuzhou.pk]) == date(2026, 2, 25)


def test_an_override_can_make_a_national_holiday_a_working_day():
    nanhu = area("330402")
    WorkdayOverride.objects.create(date=date(2026, 10, 7), is_workday=True, county=nanhu)
    assert add_working_days(date(2026, 9, 30), 1, county_calendar(nanhu)) == date(2026, 10, 7)


def test_calendars_for_many_counties_take_one_query(django_assert_num_queries):
    ids = [area("330402").pk, area("330411").pk, area("330471").pk]
    with django_assert_num_queries(1):  # the override rows of these counties and the city-wide ones
        calendars_for(ids)

"""The city civil-affairs bureau keeps the working-day overrides on its own pages: city-wide
or one county (never a township), a duplicate date refused in Chinese, a wrong override
withdrawn with a reason (kept, struck through, no longer counted), every change audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from households.models import WorkdayOverride
from households.procedure.workdays import county_calendar
from jiuzhu.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db

SATURDAY = date(2026, 11, 28)  # a plain weekend day in the national calendar


@pytest.fixture
def city_officer(make):
    return make.user(Role.CITY_CIVIL, "330400")


def _add(client, *, day=SATURDAY, area="city", is_workday="1", note=""):
    return client.post(
        reverse("households:workday_create"),
        {"date": day.isoformat(), "area": area, "is_workday": is_workday, "note": note},
    )


def test_a_city_wide_override_makes_a_weekend_day_a_working_day_in_every_county(login, city_officer, make):
    response = _add(login(city_officer), note="台风补班")
    assert response.status_code == 302
    row = WorkdayOverride.objects.get()
    assert row.county is None and row.is_workday
    assert county_calendar(make.area("330421")).is_workday(SATURDAY)
    assert AuditEvent.objects.for_object(row).get().action == AuditAction.CREATE


def test_a_county_override_applies_to_that_county_only(login, city_officer, make):
    jiashan = make.area("330421")
    assert _add(login(city_officer), area=str(jiashan.pk)).status_code == 302
    assert county_calendar(jiashan).is_workday(SATURDAY)
    assert not county_calendar(make.area("330402")).is_workday(SATURDAY)


def test_a_township_is_not_offered_and_is_refused_as_an_area(login, city_officer, make):
    township = make.area("330402007")
    client = login(city_officer)
    choices = dict(client.get(reverse("households:workday_create")).context["form"].fields["area"].choices)
    assert str(township.pk) not in choices and "嘉善县" in choices.values()
    response = _add(client, area=str(township.pk))
    assert response.status_code == 200 and not WorkdayOverride.objects.exists()


def test_a_second_override_of_the_same_date_and_area_is_refused_in_chinese(login, city_officer):
    client = login(city_officer)
    _add(client)
    response = _add(client, is_workday="0")
    page = response.content.decode()
    assert response.status_code == 200 and "2026-11-28 已有全市的工作日调整" in page
    assert "workday_override" not in page
    assert WorkdayOverride.objects.count() == 1


def test_a_withdrawn_override_stops_counting_stays_listed_and_the_date_can_be_entered_again(login, city_officer, make):
    client = login(city_officer)
    _add(client)
    row = WorkdayOverride.objects.get()
    refused = client.post(reverse("households:workday_withdraw", args=[row.pk]), {"reason": "", "version": "1"})
    assert refused.status_code == 200 and WorkdayOverride.objects.get().withdrawn_at is None
    response = client.post(
        reverse("households:workday_withdraw", args=[row.pk]), {"reason": "录入日期有误", "version": "1"}
    )
    assert response.status_code == 302
    row.refresh_from_db()
    assert row.withdrawn_by == city_officer and row.withdrawal_reason == "录入日期有误"
    assert not county_calendar(make.area("330421")).is_workday(SATURDAY)
    page = client.get(reverse("households:workday_list")).content.decode()
    assert 'class="withdrawn"' in page and "录入日期有误" in page
    event = AuditEvent.objects.for_object(row).get(action=AuditAction.UPDATE)
    assert event.summary == "录入日期有误" and "withdrawal_reason" in event.changes
    assert _add(client, is_workday="0").status_code == 302  # the date is free again


def test_a_stale_correction_is_refused_and_overwrites_nothing(login, city_officer):
    client = login(city_officer)
    _add(client, note="第一次")
    row = WorkdayOverride.objects.get()
    url = reverse("households:workday_edit", args=[row.pk])
    assert client.post(url, {"is_workday": "1", "note": "先保存的", "version": "1"}).status_code == 302
    response = client.post(url, {"is_workday": "0", "note": "后保存的", "version": "1"})
    assert response.status_code == 200
    row.refresh_from_db()
    assert row.note == "先保存的" and row.is_workday


def test_a_county_officer_reads_its_own_and_the_city_wide_overrides_and_changes_none(login, city_officer, make):
    client = login(city_officer)
    _add(client)
    _add(client, area=str(make.area("330402").pk), day=date(2026, 11, 29))
    _add(client, area=str(make.area("330421").pk), day=date(2026, 11, 29))
    jiashan_row = WorkdayOverride.objects.get(county__code="330421")
    county = login(make.user(Role.COUNTY_CIVIL, "330402"))
    listed = county.get(reverse("households:workday_list")).context["rows"]
    assert {(row.county.code if row.county else None) for row in listed} == {None, "330402"}
    assert county.get(reverse("households:workday_create")).status_code == 403
    assert county.get(reverse("households:workday_edit", args=[jiashan_row.pk])).status_code == 404
    own = WorkdayOverride.objects.get(county__code="330402")
    assert county.get(reverse("households:workday_edit", args=[own.pk])).status_code == 403
    assert county.post(reverse("households:workday_withdraw", args=[own.pk]), {"reason": "x"}).status_code == 403


def test_township_users_may_not_open_the_calendar_pages(login, make, city_officer):
    _add(login(city_officer))
    row = WorkdayOverride.objects.get()
    client = login(make.user(Role.TOWNSHIP_OFFICER, "330402007"))
    assert client.get(reverse("households:workday_list")).status_code == 403
    assert client.get(reverse("households:workday_edit", args=[row.pk])).status_code == 404


def test_the_override_list_costs_the_same_queries_for_one_row_and_many(
    login, city_officer, make, django_assert_num_queries
):
    client = login(city_officer)
    _add(client)
    client.get(reverse("households:workday_list"))
    with django_assert_num_queries(5) as one:  # as the policy list: session, user, area, count, rows
        client.get(reverse("households:workday_list"))
    count = len(one.captured_queries)  # read now: each request clears the connection's query log
    for day in (3, 4, 5, 6):
        _add(client, day=date(2026, 10, day), area=str(make.area("330421").pk))
    with django_assert_num_queries(count):
        client.get(reverse("households:workday_list"))

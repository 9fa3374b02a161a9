"""The city view's cache: served stale while a task recomputes it, warmed after the nightly review."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from dashboards import tasks
from dashboards.cache import invalidate_dashboards
from households.models import HouseholdStatus
from households.review import nightly as review_pass
from jiuzhu.models import Role
from tests import factories
from tests.dashboards.conftest import T1, household

NOW = datetime.datetime(2026, 11, 29, 4, 0, tzinfo=datetime.UTC)


@pytest.fixture
def city_user(db, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    return factories.user(Role.CITY_CIVIL, "330400", username="city-cache")


def active_households(response) -> int:
    found = next(p for p in response.context["panels"] if p.key == "households")
    return found.data.value(None, "active_households")


def test_an_old_city_view_is_served_at_once_and_recomputed_for_the_next_visitor(town, city_user, login):
    client = login(city_user)
    assert active_households(client.get("/dashboards/")) == 5
    household(T1, members=1, status=HouseholdStatus.ACTIVE)
    with time_machine.travel(NOW + datetime.timedelta(seconds=301), tick=False):
        stale = client.get("/dashboards/")
        # Served from the cache, saying when it was computed (12:00 in Jiaxing) and that
        # newer figures are coming; the (eager) task has meanwhile stored them.
        assert active_households(stale) == 5
        assert stale.context["computed_at"] == NOW
        assert "2026-11-29 12:00" in stale.content.decode() and stale.context["refreshing"]
        fresh = client.get("/dashboards/")
    assert active_households(fresh) == 6 and not fresh.context["refreshing"]
    assert fresh.context["computed_at"] == NOW + datetime.timedelta(seconds=301)


def test_only_one_refresh_runs_per_view_however_many_visit(town, city_user, login, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.refresh_dashboard, "delay", lambda **kwargs: queued.append(kwargs))
    client = login(city_user)
    client.get("/dashboards/")
    with time_machine.travel(NOW + datetime.timedelta(seconds=400), tick=False):
        for _ in range(3):
            assert client.get("/dashboards/").context["refreshing"]
    assert len(queued) == 1
    assert queued[0]["user_id"] == city_user.pk and queued[0]["language"] == "zh-hans"


def test_a_fresh_view_queues_no_refresh(town, city_user, login, monkeypatch):
    queued = []
    monkeypatch.setattr(tasks.refresh_dashboard, "delay", lambda **kwargs: queued.append(kwargs))
    client = login(city_user)
    client.get("/dashboards/")
    with time_machine.travel(NOW + datetime.timedelta(seconds=299), tick=False):
        assert not client.get("/dashboards/").context["refreshing"]
    assert queued == []


def test_the_nightly_review_leaves_the_city_view_computed_for_the_morning(
    town, city_user, login, django_assert_num_queries, django_capture_on_commit_callbacks
):
    client = login(city_user)
    client.get("/dashboards/")
    household(T1, members=1, status=HouseholdStatus.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        review_pass.run_review(run_on=datetime.date(2026, 11, 29))
    # Already computed by the warm-up after the pass: no panel query, and the new figures.
    with django_assert_num_queries(3):
        response = client.get("/dashboards/")
    assert active_households(response) == 6


def test_warming_computes_each_distinct_city_and_county_view_once(town, city_user, db):
    factories.user(Role.CITY_CIVIL, "330400", username="city-cache-2")  # same panels as city_user
    factories.user(Role.CITY_FINANCE, "330400", username="city-finance-cache")  # other panels
    factories.user(Role.COUNTY_CIVIL, "330402", username="county-cache")  # a county view
    factories.user(Role.COUNTY_CIVIL, "330402", username="county-cache-2")  # the same one
    factories.user(Role.TOWNSHIP_OFFICER, "330402007", username="township-cache")  # live, not warmed
    invalidate_dashboards()
    assert tasks.warm_dashboards() == 3


def test_a_county_view_is_cached_like_the_city_view(town, login, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    county = factories.user(Role.COUNTY_CIVIL, "330402", username="county-cached")
    client = login(county)
    assert active_households(client.get("/dashboards/")) == 3
    household(T1, members=1, status=HouseholdStatus.ACTIVE)
    cached = client.get("/dashboards/")
    assert active_households(cached) == 3 and cached.context["computed_at"] == NOW
    invalidate_dashboards()
    assert active_households(client.get("/dashboards/")) == 4


def test_township_views_are_live_and_say_no_computed_time(town, login):
    officer = factories.user(Role.TOWNSHIP_OFFICER, "330402007", username="township-live")
    response = login(officer).get("/dashboards/")
    assert response.status_code == 200 and response.context["computed_at"] is None
    assert login(officer).get("/api/dashboard/").json()["computed_at"] is None

"""The dossier page shows the plan and the change reports / reviews sections, with links to
report a change and to start an application for the roles that may, in fixed queries."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from households.models import ChangeReport, ReviewTask
from jiuzhu.models import Role
from tests.caseworkers.helpers import active_plan
from tests.clock import TODAY
from tests.households.dossier.test_pages import _records

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


def _review_records(household, worker, times):
    for n in range(times):
        ChangeReport.objects.create(
            household=household,
            kind="income",
            date=TODAY - datetime.timedelta(days=n),
            source="本人",
            description=f"变化{n}",
            reported_by=worker,
        )
    reasons = ["change_report", "exit_candidate", "verification_expired", "due"][:times]
    for reason in reasons:
        ReviewTask.objects.create(
            household=household, reason=reason, created_on=TODAY, due_on=TODAY, assigned_to=worker
        )


def test_dossier_shows_the_plan_and_the_reviews_with_links(make, login, worker):
    h = make.household(members=1)
    plan = active_plan(h, worker, ratings={"living": "high"})
    _review_records(h, worker, 1)
    ReviewTask.objects.create(household=h, reason="exit_candidate", created_on=TODAY, due_on=TODAY, status="closed")
    html = login(worker).get(reverse("households:detail", args=[h.pk])).content.decode()
    assert reverse("households:plan_detail", args=[plan.pk]) in html  # the plan section, filled
    assert "变化0" in html  # the change report
    task = ReviewTask.objects.get(household=h, status="open")
    assert reverse("households:review_task_detail", args=[task.pk]) in html
    closed = ReviewTask.objects.get(household=h, status="closed")
    assert reverse("households:review_task_detail", args=[closed.pk]) not in html
    assert f"{reverse('households:change_report_create')}?household={h.pk}" in html
    assert f"{reverse('households:application_create')}?household={h.pk}" in html


def test_county_users_read_the_sections_without_the_write_links(make, login, worker):
    h = make.household(members=1)
    _review_records(h, worker, 1)
    county = make.user(Role.COUNTY_CIVIL, "330402")
    html = login(county).get(reverse("households:detail", args=[h.pk])).content.decode()
    assert "变化0" in html
    assert reverse("households:change_report_create") not in html
    assert reverse("households:application_create") not in html


def test_another_areas_user_gets_404_and_no_section(make, login, worker):
    h = make.household(members=1)
    _review_records(h, worker, 1)
    stranger = make.user(Role.CASEWORKER, "330411002")
    assert login(stranger).get(reverse("households:detail", args=[h.pk])).status_code == 404


def test_dossier_query_count_with_plan_and_review_sections_does_not_grow(
    make, login, worker, django_assert_num_queries
):
    make.policy_row("330402", 2026, "1200.00")
    colleague = make.user(Role.CASEWORKER, "330402007")
    small, big = make.household(members=1), make.household(members=6)
    _records(make, small, worker, colleague)
    _records(make, big, worker, colleague, times=5)
    active_plan(small, worker, ratings={"living": "high"})
    active_plan(big, worker, ratings={"living": "high", "employment": "medium", "housing": "low"})
    _review_records(small, worker, 1)
    _review_records(big, worker, 4)
    client = login(worker)
    # Warm the session (and audit each dossier's first opening of the session: one INSERT more).
    client.get(reverse("households:detail", args=[small.pk]))
    client.get(reverse("households:detail", args=[big.pk]))

    def count(pk):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            assert client.get(reverse("households:detail", args=[pk])).status_code == 200
        return len(context)

    # The dossier page of test_pages' count (29, with the caseworkers app's referrals and
    # services sections, change reports and open review tasks; the plans come with the
    # household) plus the active plan's goals and actions (2): 31, whatever the number of
    # rows. (Without an active plan, goals and actions are not asked: 29.)
    assert count(small.pk) == 31
    assert count(big.pk) == 31
    from households.models import granted_household_ids
    from households.sections import sections_for

    granted_household_ids(worker)  # once per request user: the page has fetched them already
    # referrals, services, plans (a household not loaded by the dossier selector), goals,
    # actions, change reports, review tasks
    with django_assert_num_queries(7):
        sections_for(household=big, user=worker)

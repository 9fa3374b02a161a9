"""Review API (scope, roles, schema) and the query counts of every review list."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from households.models import ChangeReport, ReviewRecord, ReviewRun, ReviewTask
from households.review import nightly as review_pass
from households.review import selectors as review_selectors
from households.review import services as review_services
from tests.clock import TODAY
from tests.households.review.review_support import enrol, verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make):
    make.policy_row("330400", 2026, "1200.00")
    caseworker = make.user("caseworker", "330402007")
    officer = make.user("township_officer", "330402007")
    household = make.household("330402007", status="active")
    household.caseworkers.add(caseworker)
    dibao = enrol(household, "dibao")
    verification(household, per_capita="1300.00")
    review_pass.run_review(run_on=TODAY)
    return {
        "caseworker": caseworker,
        "officer": officer,
        "household": household,
        "dibao": dibao,
        "task": ReviewTask.objects.get(household=household),
    }


def test_reviews_are_scoped_and_recorded_through_the_api(world, login, make):
    client = login(world["caseworker"])
    listing = client.get("/api/reviews/").json()
    assert [row["id"] for row in listing["results"]] == [world["task"].pk]
    response = client.post(
        f"/api/reviews/{world['task'].pk}/record/",
        {"visited_on": "2026-11-28", "outcome": "exit", "enrolment": world["dibao"].pk, "exit_reason": "收入高"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert (
        client.post(
            f"/api/reviews/{world['task'].pk}/decide/", {"confirm": True}, content_type="application/json"
        ).status_code
        == 403
    )
    officer = login(world["officer"])
    response = officer.post(
        f"/api/reviews/{world['task'].pk}/decide/", {"confirm": True}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["decision"] == "confirmed"

    stranger = login(make.user("caseworker", "330411002"))
    assert stranger.get("/api/reviews/").json()["results"] == []
    assert stranger.get(f"/api/reviews/{world['task'].pk}/").status_code == 404
    assert (
        stranger.post(
            f"/api/reviews/{world['task'].pk}/record/",
            {"visited_on": "2026-11-28", "outcome": "keep"},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_bad_record_answers_400_with_a_message_for_the_field(world, login):
    response = login(world["caseworker"]).post(
        f"/api/reviews/{world['task'].pk}/record/",
        {"visited_on": "2026-11-28", "outcome": "exit", "enrolment": world["dibao"].pk},
        content_type="application/json",
    )
    assert response.status_code == 400 and "exit_reason" in response.json()
    assert not ReviewRecord.objects.exists()


def test_change_reports_through_the_api_open_one_review_and_refuse_other_areas(world, login, make):
    client = login(world["caseworker"])
    body = {
        "household": world["household"].pk,
        "kind": "death",
        "date": "2026-11-20",
        "source": "村委会",
        "description": "户主去世",
    }
    assert client.post("/api/change-reports/", body, content_type="application/json").status_code == 201
    assert client.post("/api/change-reports/", body, content_type="application/json").status_code == 201
    assert ReviewTask.objects.filter(household=world["household"], reason="change_report").count() == 1
    other = make.household("330411002")
    response = client.post("/api/change-reports/", {**body, "household": other.pk}, content_type="application/json")
    assert response.status_code == 400 and not ChangeReport.objects.filter(household=other).exists()
    stranger = login(make.user("caseworker", "330411002"))
    assert stranger.get("/api/change-reports/").json()["results"] == []


def test_the_run_log_is_read_by_officers_not_by_caseworkers(world, login):
    assert login(world["caseworker"]).get("/api/review-runs/").status_code == 403
    rows = login(world["officer"]).get("/api/review-runs/").json()["results"]
    assert rows[0]["status"] == "succeeded" and rows[0]["counts"]["exit_candidate"] == 1
    assert login(world["officer"]).post("/api/review-runs/", {}).status_code in (403, 405)


def test_the_endpoints_are_in_the_schema(world, login):
    schema = login(world["officer"]).get("/api/schema/").content.decode()
    for endpoint in ("/api/reviews/", "/api/review-runs/", "/api/change-reports/", "/api/reviews/{id}/decide/"):
        assert endpoint in schema


# --- Query counts: the same for 1 and 20 rows -------------------------------------------------


def _more_rows(world, make, n: int) -> None:
    """n more households with a change report each (so n more tasks, reports, records)."""
    for _ in range(n):
        h = make.household("330402007", status="active")
        h.caseworkers.add(world["caseworker"])
        review_services.change_report_create(
            actor=world["caseworker"],
            household=h,
            kind="job",
            date=TODAY,
            source="本人",
            description="变化",
            today=TODAY,
        )
        task = ReviewTask.objects.get(household=h)
        review_services.review_record(
            actor=world["caseworker"],
            task=task,
            visited_on=TODAY,
            outcome="enrol_other",
            proposed_category="low_income",
            today=TODAY,
        )
        ReviewRun.objects.create(run_on=TODAY, started_at=timezone.now(), status="succeeded", counts={"due": 1})


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


PAGES = {
    # session, user, user's area, the user's guardian grants, the paginator's COUNT, the
    # page's one SELECT (relations joined) = 6 (no session write; the menu's task badge
    # cached by the warming view)
    "households:review_task_list": ("caseworker", 6),
    "households:change_report_list": ("caseworker", 6),
    # + the escalated tasks' SELECT
    "households:review_confirm_queue": ("officer", 7),
    "households:review_run_list": ("officer", 5),
}


@pytest.mark.parametrize("url_name", list(PAGES))
def test_review_list_pages_take_the_same_queries_for_1_and_20_rows(
    world, login, make, url_name, django_assert_num_queries
):
    role, expected = PAGES[url_name]
    client = login(world[role])
    _more_rows(world, make, 1)
    url = reverse(url_name)
    client.get(url)  # warm the session and the caches
    with django_assert_num_queries(expected):
        client.get(url)
    _more_rows(world, make, 19)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert response.status_code == 200


ENDPOINTS = {
    # session, user, user's area, the user's guardian grants, COUNT for pagination, the one
    # SELECT (relations joined) = 6 (no session write)
    "/api/reviews/": ("caseworker", 6),
    "/api/change-reports/": ("caseworker", 6),
    "/api/review-runs/": ("officer", 4),  # the run log is not area-scoped: no area query
}


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_review_endpoints_take_the_same_queries_for_1_and_20_rows(world, login, make, url, django_assert_num_queries):
    role, expected = ENDPOINTS[url]
    client = login(world[role])
    _more_rows(world, make, 1)
    client.get(url)
    with django_assert_num_queries(expected):
        client.get(url)
    _more_rows(world, make, 19)
    with django_assert_num_queries(expected):
        assert len(client.get(url).json()["results"]) >= 20


def test_open_review_tasks_is_one_query_whatever_the_number_of_tasks(world, make, django_assert_num_queries):
    _more_rows(world, make, 20)
    ReviewTask.objects.filter(reason="change_report").update(status="open")
    ReviewRecord.objects.all().delete()
    # the user's guardian grants; tasks joined with household, head, township, caseworker, verification
    with django_assert_num_queries(2):
        tasks = list(review_selectors.open_review_tasks(user=world["caseworker"], today=TODAY))
        names = [(t.household.dossier_no, t.household.head, t.assigned_to.username, t.is_overdue) for t in tasks]
    assert len(names) == 21
    assert all(not overdue for *_, overdue in names)
    assert review_selectors.open_review_tasks(user=world["caseworker"], today=TODAY + datetime.timedelta(days=1))[
        0
    ].is_overdue

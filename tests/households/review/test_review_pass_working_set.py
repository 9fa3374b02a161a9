"""The pass decides from a working set built once per run: the latest verification and the
assignee of every household, looked up once, not per step and household."""

from __future__ import annotations

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from households.models import ReviewTask, RunStatus
from households.review import nightly as review_pass
from tests.clock import TODAY
from tests.households.review.review_support import enrol, verification

pytestmark = pytest.mark.django_db


def working_set_exists() -> bool:
    try:
        with transaction.atomic(), connection.cursor() as cursor:  # a savepoint: PostgreSQL aborts on the error
            cursor.execute(f"SELECT 1 FROM {review_pass.FACTS}")  # noqa: S608 - a constant name
    except DatabaseError:  # no such table: what we want
        return False
    return True


def test_the_latest_verification_is_the_highest_id_among_those_of_the_latest_day(make):
    make.policy_row("330400", 2026, "1200.00")
    h = make.household(status="active")
    enrol(h, "dibao")
    day = datetime.date(2026, 10, 1)
    verification(h, per_capita="5000.00", verified_on=day)
    latest = verification(h, per_capita="1200.00", verified_on=day)  # same day, recorded later
    verification(h, per_capita="100.00", verified_on=day - datetime.timedelta(days=1))
    review_pass.run_review(run_on=TODAY)
    task = ReviewTask.objects.get(household=h)
    assert (task.reason, task.verification_id) == ("category_change", latest.pk)


def test_every_task_goes_to_the_households_caseworker_with_the_lowest_id(make):
    make.policy_row("330400", 2026, "1200.00")
    h = make.household(status="active", next_review_on=TODAY)
    verification(h, per_capita="100.00", verified_on=datetime.date(2025, 1, 1))  # poor, and too old
    first, second = make.user("caseworker"), make.user("caseworker")
    h.caseworkers.add(second, first)
    nobody = make.household(status="active", next_review_on=TODAY)
    review_pass.run_review(run_on=TODAY)
    assigned = dict(ReviewTask.objects.filter(household=h).values_list("reason", "assigned_to_id"))
    assert assigned == {"due": first.pk, "inclusion_candidate": first.pk, "verification_expired": first.pk}
    assert set(ReviewTask.objects.filter(household=nobody).values_list("assigned_to_id", flat=True)) == {None}


def test_each_county_escalates_by_its_own_escalation_days(make):
    make.policy_row("330400", 2026, "1200.00", review_escalation_days=7)
    make.policy_row("330411", 2026, "1200.00", review_escalation_days=3)
    city = make.household("330402007", status="active", next_review_on=TODAY - datetime.timedelta(days=5))
    xiuzhou = make.household("330411002", status="active", next_review_on=TODAY - datetime.timedelta(days=5))
    for h in (city, xiuzhou):
        verification(h, per_capita="5000.00")
    run = review_pass.run_review(run_on=TODAY)
    assert ReviewTask.objects.get(household=city).escalated_on is None  # 5 days overdue, 7 needed
    assert ReviewTask.objects.get(household=xiuzhou).escalated_on == TODAY  # 3 needed
    assert run.counts["escalated"] == 1


def test_the_pass_leaves_no_working_set_behind_even_when_a_step_fails(make, monkeypatch):
    make.policy_row("330400", 2026, "1200.00")
    review_pass.run_review(run_on=TODAY)
    assert not working_set_exists()

    def failing(run, run_on, policies):
        raise RuntimeError("disk full")

    monkeypatch.setattr(review_pass, "steps", lambda: [("due", failing)])
    with pytest.raises(RuntimeError):
        review_pass.run_review(run_on=TODAY)
    assert not working_set_exists()


def test_a_working_set_left_on_the_connection_does_not_stop_the_next_run(make):
    """A worker killed mid-pass can leave the temporary table on a kept connection."""
    make.policy_row("330400", 2026, "1200.00")
    h = make.household(status="active")
    verification(h, per_capita="100.00")
    review_pass.build_facts()
    run = review_pass.run_review(run_on=TODAY)
    assert run.status == RunStatus.SUCCEEDED and run.counts["inclusion_candidate"] == 1


def test_the_pass_runs_the_same_queries_for_1_and_20_households(make):
    """Set-based: no statement per household. Per run: the run row, the policy lookups,
    the working set (drop, create[, analyse], drop), one statement per step, its audit row,
    the run's update and re-read; savepoints around each step."""
    make.policy_row("330400", 2026, "1200.00")

    def add(n):
        for _ in range(n):
            h = make.household(status="active", next_review_on=TODAY)
            verification(h, per_capita="100.00", verified_on=datetime.date(2025, 1, 1))

    def queries_of_a_run():
        ReviewTask.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            review_pass.run_review(run_on=TODAY)
        return len(captured)

    add(1)
    one = queries_of_a_run()
    add(19)
    assert queries_of_a_run() == one

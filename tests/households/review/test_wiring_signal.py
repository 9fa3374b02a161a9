"""The nightly review announces itself (households.review.signals.review_pass_finished) once
committed; the dashboards drop their cache and the staffing alerts of the same night run."""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache

from dashboards.cache import VERSION_KEY
from households.models import ReviewRun, RunStatus
from households.review import nightly as review_pass
from households.review.signals import review_pass_finished
from staffing.models import AlertKind, StaffingAlert, StaffingAlertRun
from tests.clock import TODAY
from tests.staffing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def heard():
    calls = []

    def listener(sender, **kwargs):
        calls.append(kwargs)

    review_pass_finished.connect(listener, dispatch_uid="test-listener")
    yield calls
    review_pass_finished.disconnect(dispatch_uid="test-listener")


def test_the_signal_is_sent_once_the_run_has_committed(heard, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        run = review_pass.run_review(run_on=TODAY)
    assert heard == []  # nothing before the commit
    for callback in callbacks:
        callback()
    assert [(c["run"].pk, c["run_on"]) for c in heard] == [(run.pk, TODAY)]
    assert heard[0]["run"].status == RunStatus.SUCCEEDED


def test_a_failed_run_sends_nothing(heard, monkeypatch, django_capture_on_commit_callbacks):
    def broken(run, run_on, policies):
        raise RuntimeError("disk full")

    monkeypatch.setattr(review_pass, "steps", lambda: [("due", broken)])
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        review_pass.run_review(run_on=TODAY)
    assert heard == []
    assert ReviewRun.objects.get().status == RunStatus.FAILED


def test_a_failing_listener_neither_fails_the_review_nor_stops_the_others(heard, django_capture_on_commit_callbacks):
    def boom(sender, **kwargs):
        raise ValueError("listener bug")

    review_pass_finished.connect(boom, dispatch_uid="test-boom")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run = review_pass.run_review(run_on=TODAY)
    finally:
        review_pass_finished.disconnect(dispatch_uid="test-boom")
    assert run.status == RunStatus.SUCCEEDED and len(heard) == 1


def test_the_review_drops_the_cached_dashboards(django_capture_on_commit_callbacks):
    cache.set(VERSION_KEY, 7, None)
    with django_capture_on_commit_callbacks(execute=True):
        review_pass.run_review(run_on=TODAY)
    assert cache.get(VERSION_KEY) == 8


def test_staffing_alerts_have_one_trigger_their_beat_entry(django_capture_on_commit_callbacks):
    """The review no longer runs the staffing alerts too: the 02:30 beat entry does, once."""
    from jiuzhu.celery import app as celery_app

    cw = builders.caseworker("330402007", hire=datetime.date(2024, 1, 1))
    builders.contract(cw, start=datetime.date(2024, 1, 1), end=datetime.date(2026, 12, 31))
    with django_capture_on_commit_callbacks(execute=True):
        review_pass.run_review(run_on=TODAY)
    assert not StaffingAlertRun.objects.exists()
    entries = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == "staffing.alerts"]
    assert len(entries) == 1
    from staffing.tasks import staffing_alerts

    assert entries[0]["task"] == staffing_alerts.name
    staffing_alerts.apply(args=[TODAY.isoformat()]).get()
    assert (AlertKind.CONTRACT_ENDING, cw.pk, "2026-12-31") in set(
        StaffingAlert.objects.values_list("kind", "caseworker_id", "key")
    )

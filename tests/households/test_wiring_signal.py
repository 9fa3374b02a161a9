"""The nightly review announces itself (households.signals.review_pass_finished) once
committed; the dashboards drop their cache. (The staffing alerts have their own beat entry:
tests/staffing/test_alerts.py.)"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache

from dashboards.cache import VERSION_KEY
from households.models import ReviewRun, RunStatus
from households.review import nightly as review_pass
from households.signals import review_pass_finished
from tests.clock import TODAY

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


def test_households_imports_neither_dashboards_nor_staffing():
    root = Path(__file__).resolve().parents[2] / "households"
    pattern = re.compile(r"^\s*(from|import)\s+(dashboards|staffing)\b", re.M)
    offenders = [str(p) for p in root.rglob("*.py") if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []

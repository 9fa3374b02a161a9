"""The nightly staffing alerts: found once, recorded once however often the task runs."""

from __future__ import annotations

from datetime import date

import pytest

from jiuzhu.celery import app as celery_app
from jiuzhu.models import AuditEvent, Role
from staffing import tasks
from staffing.models import StaffingAlert, StaffingAlertRun
from staffing.services import staffing_alerts_run
from tests import factories
from tests.clock import TODAY
from tests.staffing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def due():
    cw = builders.caseworker("330402007", hire=date(2019, 1, 1))  # R-6 overdue; no 2025 appraisal
    builders.contract(cw, start=date(2024, 1, 1), end=date(2027, 1, 15))  # ends within 90 days
    last = builders.caseworker("330402008", hire=date(2020, 1, 1), qualification_level="intermediate",
                               qualification_date=date(2021, 1, 1))
    builders.appraisal(last, 2024, last=True)
    builders.appraisal(last, 2025, last=True)
    return cw, last


def test_alerts_of_every_kind_are_recorded(due):
    cw, last = due
    run = staffing_alerts_run(today=TODAY)
    found = set(StaffingAlert.objects.values_list("kind", "caseworker_id", "key"))
    assert found == {
        ("contract_ending", cw.pk, "2027-01-15"),
        ("qualification_overdue", cw.pk, "2024-01-01"),
        ("appraisal_missing", cw.pk, "2025"),
        ("dismissal_due", last.pk, "2025"),
    }
    assert (run.created, run.ok) == (4, True)
    assert AuditEvent.objects.filter(target_type="staffing.staffingalert", action="create").count() == 4


def test_a_level_loaded_without_its_date_counts_as_not_qualified_and_the_run_goes_on(due):
    cw, _ = due
    # The services refuse this; a bulk load around them does not.
    late = builders.caseworker("330402008", hire=date(2019, 3, 1))
    type(late).objects.filter(pk=late.pk).update(qualification_level="intermediate", qualification_date=None)
    run = staffing_alerts_run(today=TODAY)
    assert run.ok
    assert StaffingAlert.objects.filter(kind="qualification_overdue", caseworker=late, key="2024-03-01").exists()


def test_running_twice_adds_nothing(due):
    staffing_alerts_run(today=TODAY)
    second = staffing_alerts_run(today=TODAY)
    assert second.created == 0
    assert StaffingAlert.objects.count() == 4
    assert StaffingAlertRun.objects.filter(ok=True).count() == 2


def test_the_next_day_keeps_the_same_alerts(due):
    staffing_alerts_run(today=TODAY)
    assert staffing_alerts_run(today=date(2026, 11, 30)).created == 0


def test_task_runs_the_service_and_is_in_the_beat_schedule(due):
    assert tasks.staffing_alerts.apply(args=["2026-11-29"]).get() == 4
    schedule = celery_app.conf.beat_schedule
    assert schedule["staffing-alerts-nightly"]["task"] == "staffing.alerts"


def test_alerts_show_on_the_board(due, login):
    staffing_alerts_run(today=TODAY)
    page = login(factories.user(Role.COUNTY_CIVIL, "330402")).get("/staffing/").content.decode()
    assert 'id="alerts"' in page and due[1].name in page
    other = login(factories.user(Role.COUNTY_CIVIL, "330411")).get("/staffing/")
    assert other.context["board"].alerts == []

"""The nightly staffing alerts: found once, recorded once however often the task runs."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.management import CommandError, call_command

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
    last = builders.caseworker(
        "330402008", hire=date(2020, 1, 1), qualification_level="intermediate", qualification_date=date(2021, 1, 1)
    )
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


def test_an_appraisal_entered_leaves_the_board_and_the_dashboard_at_once(due, login, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0  # the county view live (cached, it says when it was computed)
    cw, _last = due
    staffing_alerts_run(today=TODAY)  # records "appraisal missing for 2025"
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))

    def shown():
        board = client.get("/staffing/").context["board"]
        panel = next(p for p in client.get("/dashboards/").context["panels"] if p.key == "staffing_alerts")
        return len(board.findings["appraisal_missing"]), panel.data.value(None, "appraisal_missing")

    assert shown() == (1, 1)
    builders.appraisal(cw, 2025)
    assert shown() == (0, 0)  # the nightly row is still open, but neither page shows it
    page = client.get("/staffing/").content.decode()
    assert "no appraisal for 2025" not in page and "2025年度无考核" not in page
    # The next run settles the row; another county's board sees none of this.
    staffing_alerts_run(today=TODAY)
    assert StaffingAlert.objects.get(kind="appraisal_missing", caseworker=cw).resolved
    other = login(factories.user(Role.COUNTY_CIVIL, "330411")).get("/staffing/")
    assert all(found == [] for found in other.context["board"].findings.values())


def test_board_and_dashboard_count_the_same_findings(due, login, settings):
    settings.DASHBOARD_CACHE_SECONDS = 0
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    board = client.get("/staffing/").context["board"]
    panel = next(p for p in client.get("/dashboards/").context["panels"] if p.key == "staffing_alerts")
    by_kind = {}
    for found in board.findings.values():
        for f in found:
            by_kind[f.kind] = by_kind.get(f.kind, 0) + 1
    assert by_kind == {k: v for k in by_kind if (v := panel.data.value(None, k))}


def test_a_finding_gone_is_resolved_and_one_found_again_reopened(due):
    cw, _ = due
    staffing_alerts_run(today=TODAY)
    builders.appraisal(cw, 2025)
    staffing_alerts_run(today=TODAY)
    alert = StaffingAlert.objects.get(kind="appraisal_missing", caseworker=cw)
    assert alert.resolved
    cw.appraisals.all().delete()
    assert staffing_alerts_run(today=TODAY).created == 0
    alert.refresh_from_db()
    assert not alert.resolved


def test_the_command_reruns_the_alerts_by_hand(due):
    out = io.StringIO()
    call_command("staffing_alerts", "--date", "2026-11-29", stdout=out)
    assert "4 new" in out.getvalue()
    assert StaffingAlertRun.objects.get().today == TODAY
    call_command("staffing_alerts", stdout=io.StringIO())  # today (the test day): nothing new
    assert StaffingAlertRun.objects.order_by("-id").first().created == 0
    with pytest.raises(CommandError):
        call_command("staffing_alerts", "--date", "2026-13-01")


def test_the_nightly_review_no_longer_runs_the_alerts(due, django_capture_on_commit_callbacks):
    # One trigger: the beat entry (above). The review's signal ran them a second time.
    from households.review import nightly

    with django_capture_on_commit_callbacks(execute=True):
        nightly.run_review(run_on=TODAY)
    assert not StaffingAlertRun.objects.exists()

"""The roster export as a background job: started by the list's button with its filters,
progress written while it runs, the file kept under MEDIA_ROOT for its creator only, the
failure shown, old files purged."""

from __future__ import annotations

import datetime
import io

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from lxml import html as lxml_html
from openpyxl import load_workbook

from households import tasks
from households.models import ExportJob, JobStatus
from households.roster import exports
from households.roster import jobs as roster_jobs
from jiuzhu import xlsx
from jiuzhu.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make):
    return make.user(Role.TOWNSHIP_OFFICER, "330402007")


@pytest.fixture
def start(django_capture_on_commit_callbacks):
    """Press the export button with the list's query string; the job runs (eagerly) on commit."""

    def _start(client, query: str = "") -> ExportJob:
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("households:export") + query)
        assert response.status_code == 302
        job = ExportJob.objects.latest("pk")
        assert response.url == reverse("households:export_job", args=[job.pk])
        return job

    return _start


def rows_of(response) -> list[tuple]:
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    return list(sheet.iter_rows(values_only=True))[1:]


def test_the_job_writes_the_roster_to_a_file_its_creator_downloads(make, officer, login, start):
    households = [make.household(members=2), make.household(members=1)]
    client = login(officer)
    job = start(client)
    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.finished_at is not None and job.error == ""
    assert job.total_rows == job.done_rows == 3 and job.percent == 100
    assert job.created_by == officer and job.area == officer.area
    # Under MEDIA_ROOT with a random name; MEDIA_URL is served by nothing.
    assert job.file.name.startswith("exports/") and default_storage.exists(job.file.name)
    page = client.get(reverse("households:export_job", args=[job.pk]))
    assert settings.MEDIA_URL not in page.content.decode() and job.file.name not in page.content.decode()
    download = client.get(reverse("households:export_download", args=[job.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    assert sorted(row[0] for row in rows_of(download)) == sorted(
        h.dossier_no for h in households for _m in range(h.members.count())
    )


def test_the_export_is_audited_once_with_its_actor_when_the_file_is_written(make, officer, login, start):
    make.household(members=2)
    client = login(officer)
    job = start(client)
    for _n in range(2):
        client.get(reverse("households:export_download", args=[job.pk]))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == officer and event.area_code == "330402007" and "2" in event.summary


def test_progress_moves_in_steps_of_n_rows_against_the_total(make, officer, login, start, monkeypatch):
    for _n in range(7):
        make.household(members=1)
    monkeypatch.setattr(xlsx, "ROWS_PER_WRITE", 1)  # the writer reports every row
    monkeypatch.setattr(roster_jobs, "EXPORT_PROGRESS_ROWS", 3)  # the job writes every third
    seen = []
    write_roster = exports.write_roster

    def spying(households, *, user, progress, **kwargs):
        def spy(done):
            progress(done)
            seen.append(ExportJob.objects.values_list("status", "done_rows", "total_rows").get())

        return write_roster(households, user=user, progress=spy, **kwargs)

    monkeypatch.setattr(exports, "write_roster", spying)
    job = start(login(officer))
    # Called for rows 1..7, then once more at the end (7): written at 3 and 6 only.
    assert [done for _s, done, _t in seen] == [0, 0, 3, 3, 3, 6, 6, 6]
    assert {(status, total) for status, _d, total in seen} == {(JobStatus.RUNNING, 7)}
    job.refresh_from_db()
    assert (job.status, job.done_rows, job.total_rows) == (JobStatus.DONE, 7, 7)


def test_the_list_filters_are_kept_with_the_job_and_applied(make, login, start):
    county = make.user(Role.COUNTY_CIVIL, "330402")
    kept = make.household("330402008", members=2)
    make.household("330402007", members=1)
    client = login(county)
    job = start(client, f"?township={kept.township_id}&page=3&status=")
    assert job.filters == {"township": str(kept.township_id)}
    assert {row[0] for row in rows_of(client.get(reverse("households:export_download", args=[job.pk])))} == {
        kept.dossier_no
    }


def test_a_full_id_number_searched_for_is_kept_as_its_blind_index(make, officer, login, start):
    household = make.household(members=1)
    make.household(members=1)
    number = household.members.get().id_number
    client = login(officer)
    job = start(client, f"?q={number}")
    assert "q" not in job.filters and job.filters["idx"] and number not in str(job.filters)
    assert [row[0] for row in rows_of(client.get(reverse("households:export_download", args=[job.pk])))] == [
        household.dossier_no
    ]


def test_the_list_button_posts_the_filters_with_the_csrf_token(make, officer, login):
    make.household(members=1)
    page = login(officer).get(reverse("households:list") + "?status=active&page=1")
    form = lxml_html.fromstring(page.content).xpath("//form[button[contains(., '导出') or contains(., 'Export')]]")[0]
    assert form.get("method") == "post" and form.get("action") == reverse("households:export") + "?status=active&"
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")


def test_an_export_cannot_be_started_by_a_get(officer, login):
    assert login(officer).get(reverse("households:export")).status_code == 405
    assert not ExportJob.objects.exists()


def test_nobody_but_its_creator_and_an_administrator_sees_or_downloads_the_job(make, officer, login, start, client):
    make.household(members=1)
    job = start(login(officer))
    urls = [
        reverse(name, args=[job.pk])
        for name in ("households:export_job", "households:export_status", "households:export_download")
    ]
    for other in (
        make.user(Role.TOWNSHIP_OFFICER, "330402007"),
        make.user(Role.CASEWORKER, "330402007"),
        make.user(Role.TOWNSHIP_OFFICER, "330411002"),
        make.user(Role.COUNTY_CIVIL, "330402"),
    ):
        client.force_login(other)
        assert [client.get(url).status_code for url in urls] == [404, 404, 404], other
    client.force_login(make.user(Role.COUNTY_FINANCE, "330402"))
    assert [client.get(url).status_code for url in urls] == [403, 403, 403]
    client.force_login(make.user(Role.ADMIN, None))
    assert [client.get(url).status_code for url in urls] == [200, 200, 200]
    # The creator moved to another township: the old township's roster is no longer theirs.
    officer.area = make.area("330411002")
    officer.save()
    client.force_login(officer)
    assert [client.get(url).status_code for url in urls] == [404, 404, 404]


def test_the_status_answers_what_the_page_polls(make, officer, login, start):
    make.household(members=2)
    client = login(officer)
    job = start(client)
    assert client.get(reverse("households:export_status", args=[job.pk])).json() == {
        "status": "done",
        "status_label": "已完成",
        "percent": 100,
        "done_rows": 2,
        "total_rows": 2,
    }


def test_a_running_job_page_refreshes_itself_and_offers_no_download(make, officer, login):
    job = ExportJob.objects.create(
        created_by=officer, area=officer.area, status=JobStatus.RUNNING, total_rows=400, done_rows=100
    )
    page = login(officer).get(reverse("households:export_job", args=[job.pk]))
    box = lxml_html.fromstring(page.content).get_element_by_id("export-job")
    assert box.get("data-status-url") == reverse("households:export_status", args=[job.pk])
    assert box.get("data-finished") is None and "js/jobs.js" in page.content.decode()
    assert "100/400 · 25%" in box.text_content()
    assert reverse("households:export_download", args=[job.pk]) not in page.content.decode()
    assert login(officer).get(reverse("households:export_download", args=[job.pk])).status_code == 404


def test_the_job_page_query_count_does_not_grow_with_the_roster(make, officer, login, start):
    client = login(officer)
    make.household(members=1)
    small = start(client)
    for _n in range(20):
        make.household(members=3)
    big = start(client)
    assert big.done_rows == 61 and small.done_rows == 1
    counts = []
    client.get(reverse("households:export_job", args=[small.pk]))  # counts the menu's task badge
    for job in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("households:export_job", args=[job.pk])).status_code == 200
        counts.append(len(queries))
    # session, user, the job, the user's area (menu); no session write, the menu's task badge
    # read from the cache
    assert counts[0] == counts[1] == 4


def test_a_failed_export_is_marked_failed_with_a_message_and_no_file(make, officer, login, start, monkeypatch):
    make.household(members=1)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(exports, "write_roster", broken)
    client = login(officer)
    job = start(client)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.finished_at is not None and not job.file
    assert job.error == "导出失败。请重试；如果仍然失败，请告知系统管理员。"
    page = client.get(reverse("households:export_job", args=[job.pk]))
    assert job.error in page.content.decode() and 'data-finished="1"' in page.content.decode()
    assert client.get(reverse("households:export_download", args=[job.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_an_export_stopped_by_the_time_limit_says_so(make, officer, login, start, monkeypatch):
    make.household(members=1)

    def slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(exports, "write_roster", slow)
    job = start(login(officer))
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "太久" in job.error


def test_a_job_already_finished_is_not_run_again(make, officer):
    job = ExportJob.objects.create(
        created_by=officer,
        area=officer.area,
        status=JobStatus.DONE,
        done_rows=5,
        total_rows=5,
        finished_at=timezone.now(),
    )
    tasks.run_export(job.pk)
    job.refresh_from_db()
    assert (job.status, job.done_rows) == (JobStatus.DONE, 5)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()


def test_files_older_than_the_kept_days_are_deleted_and_the_job_stays(make, officer, login, settings):
    settings.JIUZHU_EXPORT_KEEP_DAYS = 7
    now = timezone.now()
    jobs = []
    for age in (8, 6):
        job = ExportJob.objects.create(
            created_by=officer, area=officer.area, status=JobStatus.DONE, finished_at=now - datetime.timedelta(days=age)
        )
        job.file.save("roster.xlsx", ContentFile(b"PK roster"))
        jobs.append(job)
    old, recent = jobs
    old_name = old.file.name
    assert roster_jobs.purge_export_files(now=now) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert not old.file and not default_storage.exists(old_name)
    assert recent.file and default_storage.exists(recent.file.name)
    client = login(officer)
    assert client.get(reverse("households:export_download", args=[old.pk])).status_code == 404
    assert "已删除" in client.get(reverse("households:export_job", args=[old.pk])).content.decode()
    assert roster_jobs.purge_export_files(now=now) == 0


def test_the_purge_is_on_the_beat_schedule():
    from jiuzhu.celery import app as celery_app

    entry = celery_app.conf.beat_schedule["households-purge-exports"]
    assert entry["task"] == tasks.purge_exports.name

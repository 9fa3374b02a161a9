"""A worker killed mid-task: no job left spinning, no import run twice, no half state.

- ``fail_stale_jobs`` (beat, every 15 minutes) marks imports, exports and review passes
  queued or running longer than JIUZHU_JOB_STALE_MINUTES as failed, with a Chinese reason;
  an import's spreadsheet (ID numbers in clear) is deleted with it;
- ``run_import_job`` claims its job (queued → running): a redelivered or duplicate message
  does nothing, and the writes are one transaction;
- a file that is no XLSX workbook fails with a Chinese message, not Python's English.
"""

from __future__ import annotations

import datetime
import io
from unittest import mock

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from households import tasks
from households.models import ExportJob, Household, ImportJob, JobStatus, Member, ReviewRun, RunStatus
from households.roster import imports
from households.roster import jobs as roster_jobs
from jiuzhu.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
NOW = datetime.datetime(2026, 11, 29, 10, 0, tzinfo=datetime.UTC)


workbook = factories.import_workbook


def import_job(user, content: bytes, **fields) -> ImportJob:
    job = ImportJob(original_name="名单.xlsx", created_by=user, township=user.area, **fields)
    job.file.save("upload.xlsx", ContentFile(content), save=False)
    job.save()
    return job


def aged(model, pk, minutes: int, field: str = "created_at") -> None:
    model.objects.filter(pk=pk).update(**{field: NOW - datetime.timedelta(minutes=minutes)})


@pytest.fixture
def officer(make):
    make.policy_row("330400", 2026, "1200.00")
    return make.user(Role.TOWNSHIP_OFFICER, "330402007")


def test_jobs_running_longer_than_the_setting_are_marked_failed_with_a_chinese_reason(officer, settings):
    settings.JIUZHU_JOB_STALE_MINUTES = 60
    stale_export = ExportJob.objects.create(created_by=officer, status=JobStatus.RUNNING)
    queued_export = ExportJob.objects.create(created_by=officer, status=JobStatus.QUEUED)
    recent_export = ExportJob.objects.create(created_by=officer, status=JobStatus.RUNNING)
    done_export = ExportJob.objects.create(created_by=officer, status=JobStatus.DONE)
    stale_import = import_job(officer, workbook([]), status=JobStatus.RUNNING)
    stale_run = ReviewRun.objects.create(run_on=NOW.date(), started_at=NOW - datetime.timedelta(minutes=61))
    recent_run = ReviewRun.objects.create(run_on=NOW.date(), started_at=NOW - datetime.timedelta(minutes=59))
    for job in (stale_export, queued_export, done_export):
        aged(ExportJob, job.pk, 61)
    aged(ExportJob, recent_export.pk, 59)
    aged(ImportJob, stale_import.pk, 61)
    path = stale_import.file.name

    assert roster_jobs.fail_stale_jobs(now=NOW) == {"exports": 2, "imports": 1, "reviews": 1}

    for job in (stale_export, queued_export):
        job.refresh_from_db()
        assert job.status == JobStatus.FAILED and job.finished_at == NOW
        assert "中断" in job.error
        assert job.progress()["status"] == "failed"  # what the page polls: it stops waiting
    stale_import.refresh_from_db()
    assert stale_import.status == JobStatus.FAILED and "中断" in stale_import.errors[0][1]
    assert not stale_import.file and not default_storage.exists(path)
    stale_run.refresh_from_db()
    assert stale_run.status == RunStatus.FAILED and "中断" in stale_run.errors
    assert ExportJob.objects.get(pk=recent_export.pk).status == JobStatus.RUNNING
    assert ExportJob.objects.get(pk=done_export.pk).status == JobStatus.DONE
    assert ReviewRun.objects.get(pk=recent_run.pk).status == RunStatus.RUNNING
    assert roster_jobs.fail_stale_jobs(now=NOW) == {"exports": 0, "imports": 0, "reviews": 0}


def test_the_stale_job_check_is_in_the_beat_schedule():
    from jiuzhu.celery import app as celery_app

    entries = [e for e in celery_app.conf.beat_schedule.values() if e["task"] == "households.fail_stale_jobs"]
    assert len(entries) == 1
    assert "households.fail_stale_jobs" in __import__("celery").current_app.tasks


def test_an_import_is_claimed_so_a_redelivered_message_does_not_run_it_twice(make, officer):
    job = import_job(
        officer, workbook([["H1", "330402007", "解放路2号", "", "李三", make.id_number(), "户主", "完全", "健康", "0"]])
    )
    tasks.run_import.apply(args=[job.pk])
    tasks.run_import.apply(args=[job.pk])  # the same message again (acks_late, a lost ack)

    job.refresh_from_db()
    assert job.status == JobStatus.DONE and job.households_created == 1
    assert Household.objects.filter(address="解放路2号").count() == 1
    assert Member.objects.filter(name="李三").count() == 1


def test_a_worker_killed_mid_import_leaves_no_half_state_and_the_job_is_failed_then(make, officer, settings):
    settings.JIUZHU_JOB_STALE_MINUTES = 60
    job = import_job(
        officer,
        workbook(
            [
                ["H1", "330402007", "解放路3号", "", "李五", make.id_number(), "户主", "完全", "健康", "0"],
                ["H1", "330402007", "解放路3号", "", "李六", make.id_number(), "配偶", "完全", "健康", "0"],
            ]
        ),
    )

    class Killed(BaseException):
        """What a SIGKILL looks like from inside: nothing after this line runs."""

    # The worker dies inside the write transaction, after the households are inserted.
    with mock.patch.object(imports.audit, "record_many", side_effect=Killed), pytest.raises(Killed):
        tasks.run_import(job.pk)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING  # as the killed worker left it
    assert not Household.objects.filter(address="解放路3号").exists()  # the transaction was rolled back

    tasks.run_import.apply(args=[job.pk])  # redelivered: already claimed, nothing done
    assert not Household.objects.filter(address="解放路3号").exists()
    aged(ImportJob, job.pk, 61)
    roster_jobs.fail_stale_jobs(now=NOW)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and not job.file


@pytest.mark.parametrize(
    "content", [b"just some text, not a spreadsheet", b"PK\x03\x04" + b"\x00" * 40, b"%PDF-1.4\n1 0 obj<<>>endobj\n"]
)
def test_an_import_of_a_file_that_is_no_xlsx_fails_with_a_chinese_message(officer, content):
    job = import_job(officer, content)
    roster_jobs.run_import_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    message = job.errors[0][1]
    assert "XLSX" in message and "无法" in message
    assert "zip" not in message.lower()
    assert not job.file


def test_a_zip_that_is_no_workbook_fails_with_the_same_message(officer):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("readme.txt", "hello")
    job = import_job(officer, buffer.getvalue())
    roster_jobs.run_import_job(job)
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "XLSX" in job.errors[0][1] and "无法" in job.errors[0][1]


def test_the_stale_check_keeps_an_import_that_finished_meanwhile(officer, settings):
    settings.JIUZHU_JOB_STALE_MINUTES = 60
    job = import_job(officer, workbook([]), status=JobStatus.DONE)
    aged(ImportJob, job.pk, 120)
    assert roster_jobs.fail_stale_jobs(now=timezone.now())["imports"] == 0
    assert ImportJob.objects.get(pk=job.pk).status == JobStatus.DONE

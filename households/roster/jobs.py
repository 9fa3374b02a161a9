"""The roster's jobs: an import or an export run in the background, its progress written
for the page that waits on it, and the clean-up of old files and stuck jobs.

The Celery wrappers are in ``households/tasks.py``."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from households.models import ExportJob, ImportJob, ImportJobStatus, ImportStep, JobStatus, ReviewRun, RunStatus
from households.roster import exports, imports

logger = logging.getLogger(__name__)


def _enqueue(task_name: str, job_id: int) -> None:
    """Send the job's task once the job row is committed. By name, as the beat schedule does:
    a room does not import the app's tasks module; an unknown name fails here, loudly."""
    task = current_app.tasks[task_name]
    transaction.on_commit(lambda: task.delay(job_id))


def run_import_job(job: ImportJob) -> ImportJob:
    """Read and validate (progress written per batch, visible to the page), then, unless the
    job is a dry run, write all or nothing. Reading and checking stop at the settings' limits
    (rows, columns, unpacked size, JIUZHU_IMPORT_MAX_SECONDS); the report keeps the first
    JIUZHU_IMPORT_MAX_ERRORS bad rows and counts them all.

    The job is claimed first (queued → running, one conditional UPDATE): a message given back
    after a lost worker (acks_late), or sent twice, finds it claimed and does nothing. The
    writes are one transaction, so a worker killed mid-run leaves nothing half-written; the
    job left running is marked failed by ``fail_stale_jobs`` and the user imports again."""
    claimed = ImportJob.objects.filter(pk=job.pk, status=ImportJobStatus.QUEUED).update(status=ImportJobStatus.RUNNING)
    if not claimed:
        job.refresh_from_db()
        return job

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done_rows=done, total_rows=total, step=ImportStep.CHECKING)

    deadline = time.monotonic() + settings.JIUZHU_IMPORT_MAX_SECONDS
    try:
        rows = read_import_rows(job, deadline=deadline)
        plan = imports.validate(rows, user=job.created_by, progress=progress, deadline=deadline)
        job.total_rows, job.done_rows = len(rows), len(rows)
        job.skipped_members = plan.skipped_members
        if plan.errors:
            job.status = ImportJobStatus.DONE if job.dry_run else ImportJobStatus.FAILED
            job.errors = [[n, reason] for n, reason in plan.errors[: settings.JIUZHU_IMPORT_MAX_ERRORS]]
            job.error_count = len(plan.errors)
        elif job.dry_run:
            job.households_created, job.members_created = plan.new_households, plan.new_members
            job.status = ImportJobStatus.DONE
        else:
            # Said before the one transaction starts: the page shows the write, not a stuck bar.
            ImportJob.objects.filter(pk=job.pk).update(
                done_rows=len(rows), total_rows=len(rows), step=ImportStep.WRITING
            )
            job.households_created, job.members_created = imports.apply(plan, actor=job.created_by)
            job.status = ImportJobStatus.DONE
    except Exception as error:  # noqa: BLE001 - the page must show a failure, not spin forever
        job.status, job.errors, job.error_count = ImportJobStatus.FAILED, [[0, import_error_message(error)]], 1
    job.finished_at = timezone.now()
    # The spreadsheet holds ID numbers in clear: it is not kept once the import has run.
    job.file.delete(save=False)
    job.save(
        update_fields=[
            "file",
            "status",
            "errors",
            "error_count",
            "households_created",
            "members_created",
            "skipped_members",
            "total_rows",
            "done_rows",
            "finished_at",
        ]
    )
    return job


class UnreadableImport(Exception):
    """The uploaded file is not an XLSX workbook we can read (not a zip, no worksheet…)."""


def read_import_rows(job: ImportJob, *, deadline: float | None = None) -> list:
    """The rows of the job's spreadsheet; ``UnreadableImport`` when it is no XLSX workbook
    (Python's own messages, such as "File is not a zip file", are English and technical)."""
    import zipfile
    from xml.etree.ElementTree import ParseError  # noqa: S405 - only the exception class

    try:
        with job.file.open("rb") as handle:
            return imports.read_rows(handle, limits=imports.read_limits(deadline=deadline))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ParseError, EOFError, IndexError) as error:
        raise UnreadableImport from error


def import_error_message(error: Exception) -> str:
    """What the import page says of a failed run, in the user's language."""
    if isinstance(error, UnreadableImport):
        return _(
            "The file could not be read as an XLSX spreadsheet. Save it as .xlsx (Excel 2007 or later) "
            "and import it again."
        )
    if isinstance(error, ValueError):
        return str(error)[:300]  # a read limit, the heading row's missing columns (imports), already translated
    if isinstance(error, SoftTimeLimitExceeded):
        return _("The import took too long and was stopped. Split the file into smaller ones and import each.")
    logger.exception("import failed")
    return _("The import failed. Try again; if it fails again, tell the system administrator.")


def enqueue_import(job: ImportJob) -> None:
    _enqueue("households.run_import", job.pk)


# An export writes its progress every this many rows (the writer reports every thousand):
# a 3,000,000-member city roster makes 300 small UPDATEs, not 3,000.
EXPORT_PROGRESS_ROWS = 10_000


def run_export_job(job: ExportJob) -> ExportJob:
    """Write the roster of the job's user and filters to a file under MEDIA_ROOT; the page
    polls ``done_rows``/``total_rows``. The export is audited once, when the file is written."""
    # Claim the job; a message given back after a lost worker (acks_late) runs it again.
    claimed = ExportJob.objects.filter(pk=job.pk, status__in=(JobStatus.QUEUED, JobStatus.RUNNING)).update(
        status=JobStatus.RUNNING, done_rows=0
    )
    if not claimed:
        return job
    user = job.created_by
    written = 0

    def progress(done: int) -> None:
        nonlocal written
        if done - written >= EXPORT_PROGRESS_ROWS:
            written = done
            ExportJob.objects.filter(pk=job.pk).update(done_rows=done)

    with translation.override(job.language or settings.LANGUAGE_CODE):
        try:
            households = exports.roster_households(user=user, filters=job.filters)
            job.total_rows = exports.roster_size(households)
            ExportJob.objects.filter(pk=job.pk).update(total_rows=job.total_rows)
            handle, count = exports.write_roster(households, user=user, progress=progress)
            with handle:
                job.file.save(exports.export_filename(timezone.localdate(job.created_at)), File(handle), save=False)
            job.status, job.done_rows, job.total_rows = JobStatus.DONE, count, count
        except SoftTimeLimitExceeded:
            job.status, job.error = (
                JobStatus.FAILED,
                _("The export took too long and was stopped. Narrow the list with its filters and export again."),
            )
        except Exception:  # noqa: BLE001 - the page must show a failure, not spin forever
            logger.exception("roster export %s failed", job.pk)
            job.status, job.error = (
                JobStatus.FAILED,
                _("The export failed. Try again; if it fails again, tell the system administrator."),
            )
    job.finished_at = timezone.now()
    job.save(update_fields=["file", "status", "error", "total_rows", "done_rows", "finished_at"])
    return job


def enqueue_export(job: ExportJob) -> None:
    _enqueue("households.run_export", job.pk)


def purge_export_files(*, now: datetime | None = None) -> int:
    """Delete the files of exports finished more than JIUZHU_EXPORT_KEEP_DAYS ago (the job
    rows stay, as the record of who exported what); returns how many files were deleted."""
    cutoff = (now or timezone.now()) - timedelta(days=settings.JIUZHU_EXPORT_KEEP_DAYS)
    deleted = []
    for job in ExportJob.objects.filter(finished_at__lt=cutoff).exclude(file="").only("pk", "file"):
        job.file.delete(save=False)
        deleted.append(job.pk)
    ExportJob.objects.filter(pk__in=deleted).update(file="")
    return len(deleted)


def fail_stale_jobs(*, now: datetime | None = None) -> dict[str, int]:
    """Mark as failed the jobs left queued or running longer than JIUZHU_JOB_STALE_MINUTES
    (a worker killed mid-run never finishes them): their pages stop waiting and say why, and
    the user can start them again. An import's file (ID numbers in clear) is deleted.
    Returns how many rows of each kind were marked."""
    now = now or timezone.now()
    cutoff = now - timedelta(minutes=settings.JIUZHU_JOB_STALE_MINUTES)
    waiting = (JobStatus.QUEUED, JobStatus.RUNNING)
    with translation.override(settings.LANGUAGE_CODE):
        message = _("The job stopped without finishing (the background worker was interrupted). Start it again.")
    stale_imports = list(ImportJob.objects.filter(status__in=waiting, created_at__lt=cutoff).only("pk", "file"))
    for job in stale_imports:
        if job.file:
            job.file.delete(save=False)
    marked = {
        "exports": ExportJob.objects.filter(status__in=waiting, created_at__lt=cutoff).update(
            status=JobStatus.FAILED, error=message[:300], finished_at=now
        ),
        # Conditional on the status again: an import that finished meanwhile keeps its result.
        "imports": ImportJob.objects.filter(pk__in=[job.pk for job in stale_imports], status__in=waiting).update(
            status=JobStatus.FAILED, errors=[[0, message]], file="", finished_at=now
        ),
        "reviews": ReviewRun.objects.filter(status=RunStatus.RUNNING, started_at__lt=cutoff).update(
            status=RunStatus.FAILED, errors=message, finished_at=now
        ),
    }
    if any(marked.values()):
        logger.warning("stale jobs marked failed: %s", marked)
    return marked

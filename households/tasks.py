"""Celery tasks of the households app: thin wrappers around the services."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import transaction
from django.utils import timezone

from households import imports
from households.models import ImportJob, ImportJobStatus


@shared_task(
    name="households.run_review",
    acks_late=True,  # a worker lost mid-run gives the message back: the pass is safe to repeat
    autoretry_for=(Exception,),
    dont_autoretry_for=(SoftTimeLimitExceeded,),
    retry_backoff=60,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=30 * 60,
    time_limit=35 * 60,
)
def run_review(run_on: str | None = None) -> dict:
    """The nightly dynamic review. ``run_on`` is an ISO date (default: today)."""
    from households import review_pass

    run = review_pass.run_review(run_on=date.fromisoformat(run_on) if run_on else None)
    return {"run": run.pk, "status": run.status, "counts": run.counts}


def run_import_job(job: ImportJob) -> ImportJob:
    """Validate (progress written per batch, visible to the page) then write all or nothing."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJobStatus.RUNNING)

    def progress(done: int, total: int) -> None:
        # The write phase is one transaction; validation progress is what the page sees move.
        ImportJob.objects.filter(pk=job.pk).update(done_rows=done // 2, total_rows=total)

    try:
        with job.file.open("rb") as handle:
            rows = imports.read_rows(handle)
        plan = imports.validate(rows, user=job.created_by, progress=progress)
        if plan.errors:
            job.status, job.errors = ImportJobStatus.FAILED, [[n, reason] for n, reason in plan.errors]
        else:
            job.households_created, job.members_created = imports.apply(plan, actor=job.created_by)
            job.status = ImportJobStatus.DONE
        job.total_rows, job.done_rows = len(rows), len(rows)
    except Exception as error:  # noqa: BLE001 - the page must show a failure, not spin forever
        job.status, job.errors = ImportJobStatus.FAILED, [[0, str(error)[:300]]]
    job.finished_at = timezone.now()
    # The spreadsheet holds ID numbers in clear: it is not kept once the import has run.
    job.file.delete(save=False)
    job.save(update_fields=["file", "status", "errors", "households_created", "members_created", "total_rows", "done_rows",
                            "finished_at"])
    return job


@shared_task(name="households.run_import")
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by__area").get(pk=job_id)
    run_import_job(job)


def enqueue_import(job: ImportJob) -> None:
    transaction.on_commit(lambda: run_import.delay(job.pk))

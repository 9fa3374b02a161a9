"""Celery tasks of the households app: thin wrappers around the rooms' functions."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded

from households.models import ExportJob, ImportJob
from households.review import nightly
from households.roster import jobs


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
    run = nightly.run_review(run_on=date.fromisoformat(run_on) if run_on else None)
    return {"run": run.pk, "status": run.status, "counts": run.counts}


@shared_task(name="households.run_import")
def run_import(job_id: int) -> None:
    job = ImportJob.objects.select_related("created_by__area").get(pk=job_id)
    jobs.run_import_job(job)


@shared_task(
    name="households.run_export",
    acks_late=True,  # a worker lost mid-export gives the message back: the job is written again
    soft_time_limit=30 * 60,  # a city-wide roster (3,000,000 members) takes a few minutes
    time_limit=35 * 60,
)  # No autoretry: a failed export is shown failed, with its reason, and the user starts another.
def run_export(job_id: int) -> None:
    job = ExportJob.objects.select_related("created_by__area").get(pk=job_id)
    jobs.run_export_job(job)


@shared_task(name="households.purge_exports", acks_late=True, soft_time_limit=10 * 60, time_limit=15 * 60)
def purge_exports() -> int:
    return jobs.purge_export_files()


@shared_task(name="households.fail_stale_jobs", acks_late=True, soft_time_limit=5 * 60, time_limit=10 * 60)
def fail_stale() -> dict[str, int]:
    return jobs.fail_stale_jobs()

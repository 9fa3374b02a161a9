"""Celery tasks of the households app: thin wrappers around the services."""

from __future__ import annotations

from datetime import date

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded


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

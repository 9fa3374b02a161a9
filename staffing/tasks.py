"""Celery tasks: thin wrappers over the services."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone


@shared_task(
    name="staffing.alerts",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=True,
    max_retries=3,
    soft_time_limit=600,
    time_limit=15 * 60,
)
def staffing_alerts(today: str | None = None) -> int:
    """Record tonight's staffing alerts (idempotent: a redelivered task adds nothing); return the count."""
    from datetime import date

    from staffing.services import staffing_alerts_run

    day = date.fromisoformat(today) if today else timezone.localdate()
    return staffing_alerts_run(today=day).created

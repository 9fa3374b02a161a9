"""The staffing app's periodic tasks (collected by jiuzhu.celery)."""

from celery.schedules import crontab

SCHEDULE = {
    "staffing-alerts-nightly": {"task": "staffing.alerts", "schedule": crontab(hour=2, minute=30)},
}

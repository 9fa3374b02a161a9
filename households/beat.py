"""Periodic tasks of the households app (collected by jiuzhu/celery.py)."""

from celery.schedules import crontab

SCHEDULE = {
    "households-nightly-review": {
        "task": "households.run_review",
        # After midnight, when the day's verifications and change reports are in.
        "schedule": crontab(hour=1, minute=30),
        "options": {"expires": 6 * 60 * 60},
    },
    "households-purge-exports": {
        "task": "households.purge_exports",
        # Roster files hold ID numbers: kept JIUZHU_EXPORT_KEEP_DAYS days, then deleted.
        "schedule": crontab(hour=3, minute=10),
        "options": {"expires": 6 * 60 * 60},
    },
    "households-fail-stale-jobs": {
        "task": "households.fail_stale_jobs",
        # Jobs of a killed worker stay "running": marked failed after JIUZHU_JOB_STALE_MINUTES.
        "schedule": crontab(minute="*/15"),
        "options": {"expires": 10 * 60},
    },
}

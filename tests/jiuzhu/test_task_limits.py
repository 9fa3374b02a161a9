"""A long task is never handed to a second worker while the first still runs it: every
task's hard time limit fits within CELERY_LONGEST_TASK_SECONDS, and the Redis visibility
timeout is longer than that."""

from __future__ import annotations

import importlib

from celery import current_app
from django.conf import settings


def test_every_tasks_time_limit_fits_the_longest_task_setting():
    for module in ("households.tasks", "staffing.tasks", "dashboards.tasks"):  # as the worker's autodiscovery
        importlib.import_module(module)
    limits = {
        name: task.time_limit or current_app.conf.task_time_limit
        for name, task in current_app.tasks.items()
        if not name.startswith("celery.")
    }
    assert "households.run_review" in limits
    unbounded = [name for name, limit in limits.items() if limit is None and name != "jiuzhu.ping"]
    assert unbounded == []
    assert max(v for v in limits.values() if v) <= settings.CELERY_LONGEST_TASK_SECONDS


def test_the_redis_visibility_timeout_outlasts_the_longest_task(monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    import jiuzhu.settings as production

    reloaded = importlib.reload(production)
    try:
        timeout = reloaded.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
        assert timeout > reloaded.CELERY_LONGEST_TASK_SECONDS
    finally:
        monkeypatch.undo()  # the environment as it was (CI sets REDIS_URL itself)
        importlib.reload(production)

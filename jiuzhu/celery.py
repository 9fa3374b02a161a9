"""The Celery app. Tasks live in each app's ``tasks.py``; the beat schedule is in settings."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

app = Celery("jiuzhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _collect_beat_schedule() -> dict:
    """Each app lists its periodic tasks in ``<app>/beat.py`` as ``SCHEDULE`` (reviewed like code)."""
    from importlib import import_module

    from django.conf import settings

    schedule = dict(settings.CELERY_BEAT_SCHEDULE)
    for name in settings.JIUZHU_APP_MODULES:
        try:
            module = import_module(f"{name}.beat")
        except ModuleNotFoundError:
            continue
        schedule.update(module.SCHEDULE)
    return schedule


@app.on_after_configure.connect
def _install_beat_schedule(sender, **kwargs) -> None:
    sender.conf.beat_schedule = _collect_beat_schedule()
    # Any process may send a task (a command running the nightly review queues the
    # dashboards' warm-up), not only the worker: the embedded broker's folders must exist.
    ensure_broker_folders()


def ensure_broker_folders() -> None:
    """The embedded (filesystem) broker needs its folders before a task is sent or received."""
    options = app.conf.broker_transport_options or {}
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        if options.get(key):
            Path(options[key]).mkdir(parents=True, exist_ok=True)
    if app.conf.beat_schedule_filename:
        Path(app.conf.beat_schedule_filename).parent.mkdir(parents=True, exist_ok=True)


@app.task(name="jiuzhu.ping")
def ping() -> str:
    """A task to prove the broker and the worker are alive."""
    return "pong"

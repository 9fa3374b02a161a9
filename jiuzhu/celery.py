"""The Celery app. Tasks live in each app's ``tasks.py``; the beat schedule is
``CELERY_BEAT_SCHEDULE`` in settings, listed there in full."""

from __future__ import annotations

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

app = Celery("jiuzhu")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def _make_broker_folders(sender, **kwargs) -> None:
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

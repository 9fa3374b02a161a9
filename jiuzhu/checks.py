"""Start-up checks of the composition: what settings list must exist.

``manage.py check`` (and so ``runserver``, ``migrate`` and the test run) fails when a beat
entry names a task no app defines, or a menu or demo entry does not import: a typo is
found at start-up, not on the night the task should have run.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.utils.module_loading import autodiscover_modules, import_string


@checks.register()
def beat_schedule_names_real_tasks(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from jiuzhu.celery import app

    autodiscover_modules("tasks")  # as a worker does (Django's loader: a real import error raises)
    known = set(app.tasks)
    return [
        checks.Error(
            f"CELERY_BEAT_SCHEDULE[{name!r}] names the task {entry['task']!r}, which no app defines.", id="jiuzhu.E001"
        )
        for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        if entry["task"] not in known
    ]


@checks.register()
def listed_functions_import(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    for setting in ("JIUZHU_MENUS", "JIUZHU_DEMO_SEEDERS"):
        for path in getattr(settings, setting):
            try:
                import_string(path)
            except ImportError as error:
                errors.append(
                    checks.Error(f"{setting} lists {path!r}, which does not import: {error}", id="jiuzhu.E002")
                )
    return errors

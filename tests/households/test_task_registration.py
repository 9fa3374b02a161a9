"""A web process sends the rooms' tasks by name (households.roster.jobs): the names must be
registered once Django has started, not only in a worker that autodiscovered them."""

from __future__ import annotations

import subprocess
import sys

from django.conf import settings


def test_a_fresh_process_finds_every_task_the_rooms_send_by_name():
    probe = (
        "import django; django.setup(); from celery import current_app; "
        "names = {'households.run_import', 'households.run_export', 'households.run_review'}; "
        "print(sorted(names - set(current_app.tasks)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "jiuzhu.settings", "PATH": "/usr/bin:/bin"},
        timeout=60,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stderr

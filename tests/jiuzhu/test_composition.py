"""The composition is read, not probed: a mistake in it fails start-up, loudly."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from jiuzhu.checks import beat_schedule_names_real_tasks, listed_functions_import

REPO = Path(__file__).resolve().parents[2]
SKIP = shutil.ignore_patterns(".venv", ".git", "var", "media", "staticfiles", "__pycache__", "tests", "*.mo")


def _check_in_a_copy(tmp_path: Path, edit) -> subprocess.CompletedProcess:
    copy = tmp_path / "project"
    shutil.copytree(REPO, copy, ignore=SKIP)
    edit(copy)
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "jiuzhu.settings", "JIUZHU_VAR_DIR": str(tmp_path / "var")}
    env.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=copy, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_project_as_it_is_passes_the_check(tmp_path):
    result = _check_in_a_copy(tmp_path, lambda _copy: None)
    assert result.returncode == 0, result.stderr


def test_a_typo_in_an_apps_urls_fails_start_up_loudly(tmp_path):
    def typo(copy: Path) -> None:
        urls = copy / "caseworkers" / "urls.py"
        urls.write_text(
            urls.read_text(encoding="utf-8").replace("from caseworkers import", "from caseworkers import viewz,", 1),
            encoding="utf-8",
        )

    result = _check_in_a_copy(tmp_path, typo)
    assert result.returncode != 0
    assert "viewz" in result.stderr and "caseworkers" in result.stderr


def test_a_missing_module_inside_an_apps_urls_is_not_swallowed(tmp_path):
    """The old probes caught ModuleNotFoundError and dropped the whole namespace."""

    def typo(copy: Path) -> None:
        urls = copy / "staffing" / "urls.py"
        urls.write_text("import staffing.no_such_module\n" + urls.read_text(encoding="utf-8"), encoding="utf-8")

    result = _check_in_a_copy(tmp_path, typo)
    assert result.returncode != 0 and "ModuleNotFoundError" in result.stderr and "no_such_module" in result.stderr


def test_a_beat_entry_naming_no_task_fails_the_check(settings):
    settings.CELERY_BEAT_SCHEDULE = {
        **settings.CELERY_BEAT_SCHEDULE,
        "typo": {"task": "households.run_reveiw", "schedule": 60},
    }
    errors = beat_schedule_names_real_tasks()
    assert [e.id for e in errors] == ["jiuzhu.E001"] and "households.run_reveiw" in errors[0].msg


def test_every_beat_entry_names_a_real_task(settings):
    assert beat_schedule_names_real_tasks() == []
    assert set(settings.CELERY_BEAT_SCHEDULE) == {
        "households-nightly-review",
        "households-purge-exports",
        "households-fail-stale-jobs",
        "staffing-alerts-nightly",
    }


@pytest.mark.parametrize("setting", ["JIUZHU_MENUS", "JIUZHU_DEMO_SEEDERS"])
def test_a_menu_or_seeder_that_does_not_import_fails_the_check(settings, setting):
    setattr(settings, setting, [*getattr(settings, setting), "caseworkers.nav.itemz"])
    errors = listed_functions_import()
    assert [e.id for e in errors] == ["jiuzhu.E002"] and "caseworkers.nav.itemz" in errors[0].msg

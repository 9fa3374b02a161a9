"""An import whose REAL Celery worker is SIGKILLed mid-run: no half state, then cleaned up.

Like test_review_worker: the worker is another process on a database of its own. The
import's spreadsheet has many rows, so validation runs for seconds; the worker's process
group is SIGKILLed as soon as the job shows "running". Then: the job is still "running"
and nothing is written (the writes are one transaction, never reached); a new worker does
not run it a second time (the embedded broker does not redeliver; with Redis a redelivered
message finds the job claimed); ``fail_stale_jobs`` marks it failed and deletes the file.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.households.review.test_review_worker import ROOT, _database, _run

ROWS = 30_000
MAKE_JOB = """
import io
from django.core.files.base import ContentFile
from households.roster.imports import COLUMNS
from households.models import ImportJob
from jiuzhu import xlsx
from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows
from jiuzhu.models import Area, User
load_townships(list(read_rows(SHIPPED_TOWNSHIPS)))
officer = User.objects.create(username="kill-officer", role="township_officer", area=Area.objects.get(code="330402007"))
rows = ([f"H{n // 2}", "330402007", f"路{n // 2}号", "", f"人{n}", "330402198005170011", "户主" if n % 2 == 0 else "子女",
         "完全", "健康", "0"] for n in range(ROWS))
buffer = io.BytesIO()
xlsx.write_sheet(buffer, title="名单", header=COLUMNS, rows=rows)
job = ImportJob(original_name="名单.xlsx", created_by=officer, township=officer.area)
job.file.save("upload.xlsx", ContentFile(buffer.getvalue()), save=False)
job.save()
print(job.pk)
"""


def _query(database_url: str, statement: str) -> list[tuple]:
    if database_url.startswith("sqlite:///"):
        with sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=20) as conn:
            return conn.execute(statement).fetchall()
    import psycopg2

    conn = psycopg2.connect(database_url)
    try:
        with conn.cursor() as cursor:
            cursor.execute(statement)
            return cursor.fetchall()
    finally:
        conn.close()


def _worker(queue: str, env: dict, log: Path) -> subprocess.Popen:
    # -l info: the worker logs each task it finishes, which is the evidence the test waits for.
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "jiuzhu.celery",
            "worker",
            "--pool",
            "solo",
            "-c",
            "1",
            "-Q",
            queue,
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-l",
            "info",
            "-f",
            str(log),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def _wait_for(what: str, found, *, seconds: float = 120) -> None:
    """Poll until ``found()`` is true: evidence, not a guess at how long the machine takes."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if found():
            return
        time.sleep(0.05)
    raise AssertionError(f"waited {seconds:.0f} s for {what}")


def _stop(worker: subprocess.Popen | None, sig=signal.SIGTERM) -> None:
    if worker is not None and worker.poll() is None:
        os.killpg(worker.pid, sig)
        try:
            worker.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)


@pytest.mark.worker
def test_an_import_worker_killed_mid_run_leaves_nothing_written_and_the_job_is_then_failed(tmp_path: Path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    database_url, _poll, cleanup = _database(tmp_path)
    var = tmp_path / "var"
    for folder in ("celery/queue", "celery/processed"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    queue = f"import-kill-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIUZHU_VAR_DIR": str(var),
        "JIUZHU_MEDIA_ROOT": str(var / "media"),
        "DJANGO_SETTINGS_MODULE": "jiuzhu.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONPATH": str(ROOT),
    }
    worker = second = None
    try:
        _run(["manage.py", "migrate", "--noinput"], env)
        made = subprocess.run(
            [sys.executable, "manage.py", "shell", "-c", MAKE_JOB.replace("ROWS", str(ROWS))],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=True,
        )
        job_id = int(made.stdout.strip().splitlines()[-1])
        status = f"SELECT status, file FROM households_importjob WHERE id = {job_id}"  # noqa: S608 - an int
        progress = f"SELECT status, step, done_rows FROM households_importjob WHERE id = {job_id}"  # noqa: S608
        worker = _worker(queue, env, tmp_path / "first.log")
        _run(
            [
                "manage.py",
                "shell",
                "-c",
                f"from households.tasks import run_import; run_import.apply_async(args=[{job_id}], queue={queue!r})",
            ],
            env,
        )
        # Kill once the job has checked some rows: the worker is inside validation.
        _wait_for(
            "the import to check its first rows",
            lambda: (lambda s, step, done: s == "running" and step == "checking" and done > 0)(
                *_query(database_url, progress)[0]
            ),
        )
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)

        state, step, done = _query(database_url, progress)[0]
        assert (state, step) == ("running", "checking") and 0 < done < ROWS  # as the killed worker left it
        assert _query(database_url, "SELECT COUNT(*) FROM households_household")[0][0] == 0
        assert _query(database_url, "SELECT COUNT(*) FROM households_member")[0][0] == 0

        # A new worker is handed the message again (as a broker redelivers it after a lost
        # worker): it finds the job claimed and runs nothing a second time.
        log = tmp_path / "second.log"
        second = _worker(queue, env, log)
        redelivered = f"redelivered-{uuid.uuid4().hex[:8]}"
        _run(
            [
                "manage.py",
                "shell",
                "-c",
                f"from households.tasks import run_import; "
                f"run_import.apply_async(args=[{job_id}], queue={queue!r}, task_id={redelivered!r})",
            ],
            env,
        )
        _wait_for(
            "the second worker to finish the redelivered message",
            lambda: log.exists() and f"[{redelivered}] succeeded" in log.read_text(errors="replace"),
        )
        _stop(second)
        assert _query(database_url, progress)[0] == (state, step, done)
        assert _query(database_url, "SELECT COUNT(*) FROM households_household")[0][0] == 0

        _run(
            [
                "manage.py",
                "shell",
                "-c",
                "import datetime; from django.utils import timezone; "
                "from households.roster.jobs import fail_stale_jobs; "
                "print(fail_stale_jobs(now=timezone.now() + datetime.timedelta(hours=2)))",
            ],
            env,
        )
        ((state, file),) = _query(database_url, status)
        assert (state, file) == ("failed", "")
        assert not list((var / "media" / "imports").glob("*.xlsx"))
    finally:
        _stop(worker, signal.SIGKILL)
        _stop(second)
        cleanup()

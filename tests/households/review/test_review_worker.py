"""The nightly review through a REAL Celery worker (not eager mode).

The worker is another process, so it cannot see the test's in-memory SQLite database or
an uncommitted test transaction. The test therefore builds its own database in
subprocesses: a temporary SQLite file (or, when DATABASE_URL points at PostgreSQL, a
fresh database of its own), migrates and seeds it, starts the worker on the broker the
settings choose (Redis with REDIS_URL, else the filesystem broker in a temporary folder),
enqueues the task with ``.apply_async`` from a third process on a queue of its own (so a
worker of another checkout sharing the Redis cannot take the message), and polls the
database until the run log row appears. The worker is always stopped.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

ROOT = Path(__file__).resolve().parents[3]
SEED = """
import datetime
from decimal import Decimal
from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows
from jiuzhu.models import Area, PolicyParameters, User
from households.dossier import services
load_townships(list(read_rows(SHIPPED_TOWNSHIPS)))
admin = User.objects.create(username="worker-admin", role="admin", is_superuser=True)
PolicyParameters.objects.create(area=Area.objects.get(code="330400"), year=2026, dibao_standard=Decimal("1200.00"))
services.household_create(actor=admin, township=Area.objects.get(code="330402007"), status="active",
                          next_review_on=datetime.date(2026, 11, 1))
"""


def _database(tmp_path: Path) -> tuple[str, object, object]:
    """(DATABASE_URL for the subprocesses, a poll function, a cleanup function)."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlsplit(url)
        name = f"{parts.path.lstrip('/') or 'jiuzhu'}_worker_{uuid.uuid4().hex[:8]}"
        admin_url = urlunsplit(parts._replace(path="/postgres"))
        own_url = urlunsplit(parts._replace(path=f"/{name}"))

        def sql(target: str, statement: str):
            conn = psycopg2.connect(target)
            conn.autocommit = True
            try:
                with conn.cursor() as cursor:
                    cursor.execute(statement)
                    return cursor.fetchall() if cursor.description else None
            finally:
                conn.close()

        sql(admin_url, f'CREATE DATABASE "{name}"')
        return (
            own_url,
            lambda: sql(own_url, "SELECT status, counts::text FROM households_reviewrun"),
            lambda: sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'),
        )
    path = tmp_path / "worker.sqlite3"

    def poll():
        with sqlite3.connect(path, timeout=20) as conn:
            return conn.execute("SELECT status, counts FROM households_reviewrun").fetchall()

    return f"sqlite:///{path}", poll, lambda: None


def _run(args: list[str], env: dict) -> None:
    done = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]


@pytest.mark.worker
def test_the_review_task_runs_in_a_real_worker_and_writes_the_run_log(tmp_path, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False  # this process sends nothing itself, but say it plainly
    database_url, poll, cleanup = _database(tmp_path)
    var = tmp_path / "var"
    for folder in ("celery/queue", "celery/processed"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    queue = f"review-test-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "JIUZHU_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "jiuzhu.settings",
        "CELERY_TASK_ALWAYS_EAGER": "0",
        "PYTHONPATH": str(ROOT),
    }
    worker = None
    try:
        _run(["manage.py", "migrate", "--noinput"], env)
        _run(["manage.py", "shell", "-c", SEED], env)
        worker = subprocess.Popen(
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
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        send = f"from households.tasks import run_review; run_review.apply_async(args=['2026-11-29'], queue={queue!r})"
        _run(["manage.py", "shell", "-c", send], env)
        deadline = time.monotonic() + 45
        rows = []
        # The run row is written when the pass starts; wait for it to finish.
        while time.monotonic() < deadline and not (rows and rows[0][0] != "running"):
            if worker.poll() is not None:
                break
            time.sleep(0.5)
            try:
                rows = poll()
            except Exception:  # noqa: BLE001 - the table may be locked for a moment
                rows = []
        output = ""
        if not rows:
            os.killpg(worker.pid, signal.SIGTERM)
            output = worker.communicate(timeout=10)[0].decode(errors="replace")
        assert rows, f"no review run appeared; worker said:\n{output[-3000:]}"
        status, counts = rows[0]
        assert status == "succeeded"
        assert json.loads(counts)["due"] == 1  # the seeded household was due on 2026-11-01
    finally:
        if worker is not None and worker.poll() is None:
            os.killpg(worker.pid, signal.SIGTERM)
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(timeout=10)
        cleanup()

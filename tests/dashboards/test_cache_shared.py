"""A real web process and a real Celery worker share the dashboards' cache (no Redis).

The refresh a stale city view queues runs in the worker; the web process must then serve
what the worker stored, and an invalidation made by another process (as the nightly review
does in the worker) must reach the web process at once. With a cache in each process's own
memory neither happened: the page kept its old figures and their old time. The processes
run on a SQLite file and a var/ folder of their own (the file cache and the filesystem
broker), without REDIS_URL; every wait polls with a deadline, and every process is stopped.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SEED = """
from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows
from jiuzhu.models import Area, User
from households.dossier import services
from rest_framework.authtoken.models import Token
load_townships(list(read_rows(SHIPPED_TOWNSHIPS)))
User.objects.create(username="shared-admin", role="admin", is_superuser=True)
city = User.objects.create(username="shared-city", role="city_civil", area=Area.objects.get(code="330400"))
print(Token.objects.create(user=city).key)
"""
ADD_HOUSEHOLD = """
from jiuzhu.models import Area, User
from households.dossier import services
services.household_create(actor=User.objects.get(username="shared-admin"),
                          township=Area.objects.get(code="330402007"), status="active")
"""
INVALIDATE = "from dashboards.cache import invalidate_dashboards; invalidate_dashboards()"


def _manage(args: list[str], env: dict) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(args: list[str], env: dict, log: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, *args],
        cwd=ROOT,
        env=env,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def _wait_for(what: str, check, *, seconds: float, logs: list[Path]):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            found = check()
        except OSError:  # the server not listening yet, or a connection reset
            found = None
        if found:
            return found
        time.sleep(0.3)
    said = "\n".join(f"--- {log.name}\n{log.read_text(errors='replace')[-2000:]}" for log in logs if log.exists())
    pytest.fail(f"timed out waiting for {what}\n{said}")


@pytest.mark.worker
def test_a_refresh_in_the_worker_and_an_invalidation_elsewhere_reach_the_web_process(tmp_path):
    var = tmp_path / "var"
    for folder in ("celery/queue", "celery/processed", "celery/control"):
        (var / folder).mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "JIUZHU_CACHE_DIR"}}
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
            "JIUZHU_VAR_DIR": str(var),
            "DJANGO_SETTINGS_MODULE": "jiuzhu.settings",
            "CELERY_TASK_ALWAYS_EAGER": "0",
            "DASHBOARD_CACHE_SECONDS": "1",
            "PYTHONPATH": str(ROOT),
            "JIUZHU_LOG_LEVEL": "INFO",
        }
    )
    _manage(["migrate", "--noinput"], env)
    token = _manage(["shell", "-c", SEED], env).strip().splitlines()[-1]
    _manage(["shell", "-c", ADD_HOUSEHOLD], env)
    port = _free_port()
    web_log, worker_log = tmp_path / "web.log", tmp_path / "worker.log"
    logs = [web_log, worker_log]

    def get() -> dict:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/api/dashboard/", headers={"Authorization": f"Token {token}"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - our own local server
            body = json.loads(response.read())
        panel = next(p for p in body["panels"] if p["key"] == "households")
        column = [c["key"] for c in panel["columns"]].index("active_households")
        total = next(r for r in panel["rows"] if r["is_total"])
        return {"active": total["cells"][column]["value"], "computed_at": body["computed_at"]}

    web = worker = None
    try:
        web = _start(["manage.py", "runserver", f"127.0.0.1:{port}", "--noreload", "--skip-checks"], env, web_log)
        worker = _start(
            [
                "-m",
                "celery",
                "-A",
                "jiuzhu.celery",
                "worker",
                "--pool",
                "solo",
                "-c",
                "1",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-l",
                "info",
            ],
            env,
            worker_log,
        )
        first = _wait_for("the web server", get, seconds=60, logs=logs)
        assert first["active"] == 1 and first["computed_at"]  # a cached (city) view

        # A new household; once the cached view is older than DASHBOARD_CACHE_SECONDS the
        # web process serves it stale and queues the refresh, which the worker runs.
        _manage(["shell", "-c", ADD_HOUSEHOLD], env)
        time.sleep(1.5)
        stale = get()
        assert stale == first
        fresh = _wait_for(
            "the worker's refresh to be served",
            lambda: (lambda d: d if d["active"] == 2 else None)(get()),
            seconds=90,
            logs=logs,
        )
        assert fresh["computed_at"] > first["computed_at"]  # the time shown is when it was computed
        assert "dashboards.refresh_dashboard" in worker_log.read_text(errors="replace")

        # Another process drops the cache (as the nightly review does in the worker): the
        # very next page is computed afresh, not the web process's old copy.
        _manage(["shell", "-c", ADD_HOUSEHOLD], env)
        _manage(["shell", "-c", INVALIDATE], env)
        assert get()["active"] == 3
    finally:
        _stop(web)
        _stop(worker)

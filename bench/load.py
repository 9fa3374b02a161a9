#!/usr/bin/env python
"""Many users at once: page views per second and latency under concurrent logged-in sessions.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiuzhu_bench \\
        python bench/load.py [--users 10,50,100] [--seconds 30] [--workers 4]

Loads nothing itself: run `manage.py seed_scale --households N` on the database first. Then:

1. Makes (or resets the password of) one caseworker login per township with households,
   plus a township officer, a county officer and the city officer (``bench-load-*``).
2. Collects the static files and starts gunicorn with production settings (``DJANGO_DEBUG=0``)
   on a loopback port, unless ``--url`` names a server already running (loopback only: this
   never loads another machine).
3. For each level of ``--users``, that many threads each log in through the login form
   (a real session, CSRF included) and loop over the mix without think time until
   ``--seconds`` or ``--max-requests`` is reached: a caseworker asks for the household list,
   a dossier, 我的任务, a search by dossier number and the survey form; one user in ten is a
   township officer (list, 我的任务), a county or city officer (the dashboard).
4. Prints page views/s, p50/p95/p99 per page and the error rate per level, and beside them
   the SQL time the level cost the database (PostgreSQL's ``pg_stat_database.active_time``:
   every backend's time executing statements), per page view; ``--json`` writes them.
   The survey form is opened, not posted: the load leaves the data as it found it.

It stops by itself: every level is bounded in time and in requests.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "bench-load-2026-Jz"
LOOPBACK = {"127.0.0.1", "localhost", "::1"}
CSRF = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Login:
    username: str
    kind: str  # caseworker, township, county, city
    households: list[tuple[int, str]] = field(default_factory=list)  # (id, dossier number)
    county_id: int | None = None


@dataclass
class Results:
    times: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, page: str, seconds: float, ok: bool) -> None:
        with self.lock:
            self.times.setdefault(page, []).append(seconds)
            if not ok:
                self.errors[page] = self.errors.get(page, 0) + 1

    @property
    def requests(self) -> int:
        return sum(len(t) for t in self.times.values())


class Session:
    """One browser: its cookies (sent whatever their Secure flag: gunicorn is told the
    request came over HTTPS, as the proxy in front of it would), its own client address."""

    def __init__(self, base: str, address: str):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.origin = f"https://{parts.hostname}:{parts.port}"
        self.address = address
        self.cookies: dict[str, str] = {}
        self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        headers = {
            "Host": f"{self.host}:{self.port}",
            "X-Forwarded-Proto": "https",
            "X-Forwarded-For": self.address,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urlencode(body).encode()
            headers |= {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": self.origin,
                "Referer": self.origin + path,
            }
        for attempt in (1, 2):
            try:
                self.connection.request(method, path, body=data, headers=headers)
                response = self.connection.getresponse()
                content = response.read()
                break
            except (TimeoutError, http.client.HTTPException, ConnectionError):
                self.connection.close()
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=120)
                if attempt == 2:
                    raise
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
        return response.status, content

    def log_in(self, username: str, password: str) -> None:
        status, page = self.request("GET", "/login/")
        token = CSRF.search(page)
        if status != 200 or token is None:
            raise RuntimeError(f"login page answered {status}")
        status, _page = self.request(
            "POST", "/login/", {"username": username, "password": password, "csrfmiddlewaretoken": token[1].decode()}
        )
        if status != 302:
            raise RuntimeError(f"{username} could not log in ({status})")


def mix(login: Login) -> list[tuple[str, str]]:
    """One round of the user's pages, as (page name, path)."""
    if login.kind == "caseworker":
        pk, number = random.choice(login.households)
        return [
            ("household list", "/households/"),
            ("dossier", f"/households/{pk}/"),
            ("my tasks", "/caseworkers/tasks/"),
            ("search", "/households/?" + urlencode({"q": number})),
            ("survey form", f"/households/{pk}/surveys/new/"),
        ]
    if login.kind == "township":
        return [("household list", "/households/"), ("my tasks", "/caseworkers/tasks/")]
    if login.kind == "county":
        return [("dashboard", f"/dashboards/?area={login.county_id}")]
    return [("dashboard", "/dashboards/")]


def sql_seconds() -> float | None:
    """Time every backend of this database has spent executing statements (PostgreSQL 14+)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute("SELECT active_time FROM pg_stat_database WHERE datname = current_database()")
        return cursor.fetchone()[0] / 1000


def run_level(base: str, logins: list[Login], users: int, seconds: float, max_requests: int) -> dict:
    """``users`` concurrent sessions for ``seconds`` (or ``max_requests`` in all)."""
    results = Results()
    ready = threading.Barrier(users + 1)
    stop = threading.Event()
    login_failures: list[str] = []

    def user(index: int) -> None:
        login = logins[index % len(logins)]
        session = Session(base, f"10.{index // 250 % 250}.{index % 250}.{1 + index // 62500}")
        try:
            session.log_in(login.username, PASSWORD)
        except (RuntimeError, OSError) as error:
            login_failures.append(str(error))
        ready.wait()
        if login_failures:
            return
        while not stop.is_set():
            for page, path in mix(login):
                if stop.is_set() or results.requests >= max_requests:
                    stop.set()
                    return
                started = time.perf_counter()
                try:
                    status, _content = session.request("GET", path)
                    ok = status == 200
                except (OSError, http.client.HTTPException):
                    ok = False
                results.add(page, time.perf_counter() - started, ok)

    threads = [threading.Thread(target=user, args=(i,), daemon=True) for i in range(users)]
    for thread in threads:
        thread.start()
    ready.wait()
    if login_failures:
        stop.set()
        raise RuntimeError(f"{len(login_failures)} logins failed: {login_failures[0]}")
    sql_before = sql_seconds()
    started = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(timeout=150)
    elapsed = time.perf_counter() - started
    figures = summarise(results, users, elapsed)
    if sql_before is not None:
        time.sleep(1.5)  # backends report their statistics at most once a second
        sql = sql_seconds() - sql_before
        figures["sql_ms_per_page_view"] = round(sql * 1000 / max(1, results.requests), 1)
        figures["sql_share_of_wall"] = round(sql / (elapsed * users), 3) if elapsed else 0.0
    return figures


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summarise(results: Results, users: int, elapsed: float) -> dict:
    pages = {
        page: {
            "requests": len(times),
            "errors": results.errors.get(page, 0),
            "p50_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(_percentile(times, 0.95) * 1000, 1),
            "p99_ms": round(_percentile(times, 0.99) * 1000, 1),
        }
        for page, times in results.times.items()
    }
    errors = sum(results.errors.values())
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": results.requests,
        "page_views_per_s": round(results.requests / elapsed, 1) if elapsed else 0.0,
        "error_rate": round(errors / results.requests, 4) if results.requests else 0.0,
        "pages": pages,
    }


def print_level(level: dict) -> None:
    print(
        f"\n{level['users']} users: {level['page_views_per_s']} page views/s, "
        f"{level['requests']} requests in {level['seconds']} s, error rate {level['error_rate']:.2%}"
    )
    if "sql_ms_per_page_view" in level:
        print(f"  SQL: {level['sql_ms_per_page_view']} ms per page view (database time, all backends)")
    print(f"  {'page':<16}{'requests':>9}{'errors':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for page, row in level["pages"].items():
        print(
            f"  {page:<16}{row['requests']:>9}{row['errors']:>8}{row['p50_ms']:>9}{row['p95_ms']:>9}{row['p99_ms']:>9}"
        )


def prepare_logins(*, townships: int, per_township_households: int = 50) -> list[Login]:
    """The bench logins, their passwords set, with households of their townships to open."""
    from django.contrib.auth.hashers import make_password
    from django.db.models import Count

    from households.models import Household
    from jiuzhu.models import Area, Role, User

    codes = list(
        Household.objects.values("township__code")
        .annotate(n=Count("pk"))
        .order_by("-n", "township__code")
        .values_list("township__code", flat=True)[:townships]
    )
    if not codes:
        raise SystemExit("No households: load the database first (manage.py seed_scale --households N).")
    password = make_password(PASSWORD)
    areas = {a.code: a for a in Area.objects.filter(code__in=codes).select_related("parent")}
    logins: list[Login] = []

    def account(username: str, role: str, area: Area | None) -> None:
        User.objects.update_or_create(
            username=username, defaults={"role": role, "area": area, "password": password, "is_active": True}
        )

    for code in codes:
        area = areas[code]
        account(f"bench-load-cw-{code}", Role.CASEWORKER, area)
        rows = list(
            Household.objects.filter(township=area)
            .order_by("pk")
            .values_list("pk", "dossier_no")[:per_township_households]
        )
        logins.append(Login(f"bench-load-cw-{code}", "caseworker", rows))
    first = areas[codes[0]]
    account("bench-load-township", Role.TOWNSHIP_OFFICER, first)
    account("bench-load-county", Role.COUNTY_CIVIL, first.parent)
    account("bench-load-city", Role.CITY_CIVIL, Area.objects.get(parent__isnull=True))
    # User i of a level takes login i: every tenth is not a caseworker (a township officer,
    # then a county and a city one, in turn), the others the townships' caseworkers in turn.
    others = [
        Login("bench-load-township", "township"),
        Login("bench-load-county", "county", county_id=first.parent_id),
        Login("bench-load-city", "city"),
    ]
    mixed: list[Login] = []
    caseworkers = iter(logins * 30)
    for index in range(max(30, len(logins) * 10 // 9 + 1)):
        mixed.append(others[(index // 10) % 3] if index % 10 == 9 else next(caseworkers))
    return mixed


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_gunicorn(workers: int, static: Path) -> tuple[subprocess.Popen, str]:
    """gunicorn with production settings on a free loopback port, its static files collected into ``static``."""
    env = os.environ | {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get("DJANGO_SECRET_KEY", "bench-load-secret-key-" + "x" * 40),
        # The keys seed_scale's data was written with (the development ones, unless set).
        "JIUZHU_FIELD_KEY": os.environ.get("JIUZHU_FIELD_KEY", "dev-only-field-key-0123456789abcdef"),
        "JIUZHU_HMAC_KEY": os.environ.get("JIUZHU_HMAC_KEY", "dev-only-hmac-key-0123456789abcdef"),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "JIUZHU_PROXIES_IN_FRONT": "1",
        "DJANGO_STATIC_ROOT": str(static),
        # One address per simulated user; the lockout must not meet the benchmark's logins.
        "JIUZHU_LOG_LEVEL": os.environ.get("JIUZHU_LOG_LEVEL", "WARNING"),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v", "0"], cwd=ROOT, env=env, check=True
    )
    port = _free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "jiuzhu.wsgi", "--bind", f"127.0.0.1:{port}"]
    process = subprocess.Popen(
        [*gunicorn, "--workers", str(workers), "--timeout", "30", "--log-level", "warning"], cwd=ROOT, env=env
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz", headers={"X-Forwarded-Proto": "https"})
            if connection.getresponse().status in (200, 503):
                return process, base
        except OSError:
            time.sleep(0.3)
    process.terminate()
    raise SystemExit("gunicorn did not answer /healthz within 60 s")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", default="10,50,100", help="concurrent users per level, comma-separated")
    parser.add_argument("--seconds", type=float, default=30.0, help="length of each level (default 30)")
    parser.add_argument("--max-requests", type=int, default=20_000, help="requests per level at most")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--townships", type=int, default=40, help="townships with a caseworker login")
    parser.add_argument("--url", help="a server already running on this machine (default: start gunicorn)")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.users.split(",") if n.strip()]
    if args.url and urlsplit(args.url).hostname not in LOOPBACK:
        parser.error("--url must be a loopback address: the benchmark loads only this machine")

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")
    import django

    django.setup()
    from django.db import connection

    logins = prepare_logins(townships=args.townships)
    connection.close()
    with tempfile.TemporaryDirectory(prefix="jiuzhu-load-static-") as static:
        process, base = (None, args.url) if args.url else start_gunicorn(args.workers, Path(static))
        try:
            figures = [run_level(base, logins, n, args.seconds, args.max_requests) for n in levels]
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    for level in figures:
        print_level(level)
    if args.json:
        args.json.write_text(json.dumps({"base": base, "workers": args.workers, "levels": figures}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

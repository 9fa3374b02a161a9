#!/usr/bin/env python
"""The benchmark: latency and query counts of the pages and passes that must stay fast.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/jiuzhu_bench python bench/run.py [--repeat 20] [--json out.json]

Runs in-process through Django's test client against the database in DATABASE_URL
(load it first with `manage.py seed_scale --households N`). Each figure is printed
beside a reference measured in the same run: the raw SQL of the same work through the
database driver, or raw openpyxl writing the same cells, so the ratio shows how close
the system is to the limit of the machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from jiuzhu.models import Area, Role, User  # noqa: E402

MEASURES: list[tuple[str, Callable]] = []


def measure(name: str):
    def register(fn):
        MEASURES.append((name, fn))
        return fn

    return register


BUDGET_S = 90.0


def timed(fn: Callable, repeat: int, budget_s: float | None = None) -> dict:
    """Median and p95 over ``repeat`` runs (after one warm-up), and the query count. A slow
    figure stops after ``budget_s`` seconds (at least 3 runs); ``runs`` says how many."""
    budget_s = BUDGET_S if budget_s is None else budget_s
    fn()
    times, queries = [], 0
    began = time.perf_counter()
    for _ in range(repeat):
        if len(times) >= 3 and time.perf_counter() - began > budget_s:
            break
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {
        "median_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "queries": queries,
        "runs": len(times),
    }


def reset_peak_rss() -> None:
    """Linux: writing 5 to clear_refs resets the peak resident set size (VmHWM) of the process,
    so each measure reports its own peak without tracemalloc's overhead on the timings."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        pass


def peak_rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def rss_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def once(fn: Callable) -> dict:
    """One timed run of a long job (a pass, an export, an import): wall time and query count."""
    with CaptureQueriesContext(connection) as captured:
        start = time.perf_counter()
        value = fn()
        elapsed = (time.perf_counter() - start) * 1000
    return {
        "median_ms": round(elapsed, 1),
        "p95_ms": round(elapsed, 1),
        "queries": len(captured.captured_queries),
        "value": value,
    }


def raw_sql(sql: str, params=()) -> Callable:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def bench_user(username: str, role: str, area_code: str | None) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"role": role, "area": Area.objects.get(code=area_code) if area_code else None}
    )
    return user


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def get_ok(client: Client, url: str) -> Callable:
    def run():
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        if hasattr(response, "streaming_content"):
            for _ in response.streaming_content:
                pass

    return run


class Context:
    def __init__(
        self, repeat: int, roster_households: int = 100_000, import_rows: int = 20_000, roster_admin: bool = False
    ):
        self.repeat = repeat
        self.roster_households = roster_households
        self.import_rows = import_rows
        self.township = Area.objects.get(code="330402007")
        self.officer = client_for(bench_user("bench-township", Role.TOWNSHIP_OFFICER, "330402007"))
        self.county = client_for(bench_user("bench-county", Role.COUNTY_CIVIL, "330402"))
        self.city_user = bench_user("bench-city", Role.CITY_CIVIL, "330400")
        self.city = client_for(self.city_user)
        self.county_user = User.objects.get(username="bench-county")
        # The roster's exporter: the county officer, or (on a small dataset whose county holds
        # fewer than --roster-households) an administrator with every household in scope.
        self.roster_user = (
            User.objects.get_or_create(username="bench-admin", defaults={"role": Role.ADMIN, "is_superuser": True})[0]
            if roster_admin
            else self.county_user
        )
        self.officer_user = User.objects.get(username="bench-township")
        self.county_area = Area.objects.get(code="330402")
        from households.models import Household

        self.households_in_township = Household.objects.filter(township=self.township).count()
        self.large_household = (
            Household.objects.filter(township=self.township)
            .order_by("-member_count", "pk")
            .values_list("pk", flat=True)
            .first()
        )


@measure("township household list, page 1")
def township_list_first(ctx: Context) -> dict:
    result = timed(get_ok(ctx.officer, "/households/"), ctx.repeat)
    result["reference"] = timed(
        raw_sql(
            "SELECT h.id, h.dossier_no, m.name FROM households_household h LEFT JOIN households_member m ON m.id = h.head_id "
            "WHERE h.township_id = %s ORDER BY h.dossier_no LIMIT 25",
            [ctx.township.pk],
        ),
        ctx.repeat,
    )
    return result


@measure("township household list, deep page")
def township_list_deep(ctx: Context) -> dict:
    page = max(1, ctx.households_in_township // 25 - 1)
    result = timed(get_ok(ctx.officer, f"/households/?page={page}"), ctx.repeat)
    result["page"] = page
    result["reference"] = timed(
        raw_sql(
            "SELECT h.id, h.dossier_no FROM households_household h WHERE h.township_id = %s ORDER BY h.dossier_no "
            "LIMIT 25 OFFSET %s",
            [ctx.township.pk, (page - 1) * 25],
        ),
        ctx.repeat,
    )
    return result


@measure("dossier page (largest household)")
def dossier_page(ctx: Context) -> dict:
    return timed(get_ok(ctx.officer, f"/households/{ctx.large_household}/"), ctx.repeat)


@measure("menu task badge (caseworker; counted / cached)")
def task_badge(ctx: Context) -> dict:
    """What every page pays for the menu: the count after a write, and read from the cache."""
    from caseworkers import badge, mytasks

    user = bench_user("bench-caseworker", Role.CASEWORKER, ctx.township.code)
    result = timed(lambda: mytasks.task_count(user), ctx.repeat)
    cached = timed(lambda: badge.count(user), ctx.repeat)
    result["cached"] = cached
    result["note"] = f"cached: p95 {cached['p95_ms']} ms, {cached['queries']} queries"
    return result


@measure("API household list (county)")
def api_list(ctx: Context) -> dict:
    result = timed(get_ok(ctx.county, "/api/households/"), ctx.repeat)
    result["reference"] = timed(
        raw_sql(
            "SELECT * FROM households_household WHERE county_id = %s ORDER BY dossier_no LIMIT 50",
            [Area.objects.get(code="330402").pk],
        ),
        ctx.repeat,
    )
    return result


@measure("township household list, filtered page 1")
def township_list_filtered(ctx: Context) -> dict:
    result = timed(get_ok(ctx.officer, "/households/?status=active&category=dibao"), ctx.repeat)
    result["reference"] = timed(
        raw_sql(
            "SELECT h.id, h.dossier_no FROM households_household h WHERE h.township_id = %s AND h.status = 'active' "
            "AND EXISTS (SELECT 1 FROM households_enrolment e WHERE e.household_id = h.id AND e.category = 'dibao' "
            "AND e.status IN ('active', 'gradual_exit')) ORDER BY h.dossier_no LIMIT 25",
            [ctx.township.pk],
        ),
        ctx.repeat,
    )
    return result


def _aggregate_sql(fn: Callable) -> list[tuple[str, tuple]]:
    """The panel aggregates one dashboard request runs (its GROUP BYs), captured with their parameters."""
    from django.db import connection as conn

    executed: list[tuple[str, tuple]] = []

    def wrapper(execute, sql, params, many, context):
        if "GROUP BY" in sql.upper():
            executed.append((sql, params))
        return execute(sql, params, many, context)

    with conn.execute_wrapper(wrapper):
        fn()
    return executed


def raw_many(statements: list[tuple[str, tuple]]) -> Callable:
    """Run the captured SQL straight through the driver (psycopg2 on PostgreSQL)."""

    def run():
        if connection.vendor != "postgresql":  # SQLite (the smoke test): Django converts the placeholders
            with connection.cursor() as cursor:
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
            return
        raw = connection.connection  # psycopg2's own connection, no Django in between
        with raw.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def _dashboard(ctx: Context, client: Client, url: str, *, cache_seconds: int) -> dict:
    with override_settings(DASHBOARD_CACHE_SECONDS=cache_seconds):
        page = get_ok(client, url)
        result = timed(page, ctx.repeat)
        with override_settings(DASHBOARD_CACHE_SECONDS=0):
            statements = _aggregate_sql(page)
    connection.ensure_connection()
    result["reference"] = timed(raw_many(statements), ctx.repeat)
    result["reference"]["what"] = f"the page's {len(statements)} GROUP BY queries, raw through the driver"
    # Django does not see queries sent straight through psycopg2: say how many were re-run.
    result["reference"]["statements"] = len(statements)
    return result


@measure("city dashboard (cache off: every panel computed)")
def city_dashboard_cold(ctx: Context) -> dict:
    return _dashboard(ctx, ctx.city, "/dashboards/", cache_seconds=0)


@measure("city dashboard (as served, 300 s cache)")
def city_dashboard_cached(ctx: Context) -> dict:
    return _dashboard(ctx, ctx.city, "/dashboards/", cache_seconds=300)


@measure("county dashboard (city user, ?area=county)")
def county_dashboard(ctx: Context) -> dict:
    return _dashboard(ctx, ctx.city, f"/dashboards/?area={ctx.county_area.pk}", cache_seconds=300)


@measure("nightly review pass (then a second run)")
def review_pass(ctx: Context) -> dict:
    """Both runs inside one transaction rolled back at the end, so the benchmark can be
    repeated and leaves the data as seeded."""
    from households.models import Household, ReviewTask
    from households.review.nightly import run_review

    today = timezone.localdate()
    households = Household.objects.count()
    with transaction.atomic():
        before = ReviewTask.objects.count()
        first = once(lambda: run_review(run_on=today))
        after_first = ReviewTask.objects.count()
        second = once(lambda: run_review(run_on=today))
        after_second = ReviewTask.objects.count()
        transaction.set_rollback(True)
    seconds = first["median_ms"] / 1000
    return {
        "median_ms": first["median_ms"],
        "p95_ms": first["p95_ms"],
        "queries": first["queries"],
        "households_per_s": round(households / seconds) if seconds else None,
        "first_run_created": after_first - before,
        "first_run_counts": first["value"].counts,
        "second_run_ms": second["median_ms"],
        "second_run_created": after_second - after_first,
        "second_run_counts": second["value"].counts,
        "note": f"{households / seconds:,.0f} households/s; created {after_first - before:,}, "
        f"second run created {after_second - after_first} ({second['median_ms'] / 1000:.1f} s)",
    }


@measure("roster export (county officer, full IDs)")
def roster_export(ctx: Context) -> dict:
    """``households.roster.exports.write_roster`` over the first N households of the county officer's
    scope (default 100,000). Reference: raw openpyxl write-only writing the same cells."""
    from openpyxl import Workbook

    from households.dossier import selectors
    from households.roster import exports

    base = selectors.household_list(user=ctx.roster_user)
    ids = list(base.order_by("pk").values_list("pk", flat=True)[: ctx.roster_households])
    # The view's queryset narrowed to the first N households (by id) of the scope.
    queryset = base.filter(pk__gte=ids[0], pk__lte=ids[-1]) if ids else base.none()
    households = len(ids)
    gc_collect()
    baseline = rss_mb()
    reset_peak_rss()

    def export():
        handle, count = exports.write_roster(queryset, user=ctx.roster_user)
        size = handle.seek(0, 2)
        handle.close()
        return count, size

    result = once(export)
    peak = peak_rss_mb()
    rows, size = result.pop("value")
    cells = [r for r in exports.roster_rows(queryset, full_ids=True)]
    gc_collect()

    def reference():
        import tempfile

        workbook = Workbook(write_only=True)
        sheet = workbook.create_sheet("roster")
        sheet.append(exports.roster_headers())
        for row in cells:
            sheet.append(row)
        with tempfile.TemporaryFile() as handle:
            workbook.save(handle)

    result["reference"] = once(reference)
    result["reference"].pop("value")
    result["reference"]["what"] = "raw openpyxl write-only, the same cells"

    def streaming_reference():
        import tempfile

        from jiuzhu import xlsx

        with tempfile.TemporaryFile() as handle:
            xlsx.write_sheet(handle, title="roster", header=exports.roster_headers(), rows=cells, widths=exports.WIDTHS)

    # The export's own writer alone on the same cells: what is left is the query and decryption.
    result["reference_writer"] = once(streaming_reference)
    result["reference_writer"].pop("value")
    result["reference_writer"]["what"] = "jiuzhu.xlsx.write_sheet, the same cells"
    seconds = result["median_ms"] / 1000
    result.update(
        {
            "households": households,
            "rows": rows,
            "rows_per_s": round(rows / seconds) if seconds else None,
            "file_mb": round(size / 2**20, 1),
            "peak_mb": round(peak - baseline, 1),
            "peak_rss_mb": peak,
            "note": f"{households:,} households, {rows:,} member rows, {rows / seconds:,.0f} rows/s, "
            f"peak +{peak - baseline:.0f} MB (RSS {peak:.0f} MB); openpyxl alone "
            f"{result['reference']['median_ms'] / 1000:.1f} s, jiuzhu.xlsx alone "
            f"{result['reference_writer']['median_ms'] / 1000:.1f} s on the same cells",
        }
    )
    return result


def gc_collect() -> None:
    import gc

    gc.collect()


def import_workbook(rows: int, township_code: str) -> bytes:
    """An XLSX in the import template's columns: ``rows`` member rows of new people, 1-4 per
    household, with ID numbers the seed never makes (sequence numbers 900-999)."""
    import io

    from openpyxl import Workbook

    from households.roster.imports import COLUMNS
    from households.rules import id_check_character

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("在册户名单")
    sheet.append(COLUMNS)
    relations = ["户主", "配偶", "子女", "子女"]
    household, left = 0, 0
    born = datetime.date(1950, 1, 1)
    for n in range(rows):
        if left == 0:
            household += 1
            left = 1 + household % 4
            position = 0
        day = born + datetime.timedelta(days=n % 20000)
        serial = 900 + n // 20000
        first17 = f"{township_code[:6]}{day:%Y%m%d}{serial:03d}"
        sheet.append(
            [
                f"BENCH{household:07d}",
                township_code,
                f"基准路{household}号",
                "13900000000",
                f"导入{n}",
                first17 + id_check_character(first17),
                relations[position],
                "部分",
                "健康",
                "800",
            ]
        )
        position += 1
        left -= 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


@measure("legacy import (read + full validation + write)")
def legacy_import(ctx: Context) -> dict:
    """``households.roster.imports``: read the XLSX, validate every row (ID check digits, duplicates,
    people already registered, scope), then apply in one transaction, rolled back afterwards."""
    import io

    from households.roster import imports

    content = import_workbook(ctx.import_rows, ctx.township.code)
    with transaction.atomic():
        read = once(lambda: imports.read_rows(io.BytesIO(content)))
        rows = read.pop("value")
        checked = once(lambda: imports.validate(rows, user=ctx.officer_user))
        plan = checked.pop("value")
        assert not plan.errors, plan.errors[:5]
        applied = once(lambda: imports.apply(plan, actor=ctx.officer_user))
        created = applied.pop("value")
        transaction.set_rollback(True)
    total = read["median_ms"] + checked["median_ms"] + applied["median_ms"]
    n = len(rows)
    return {
        "median_ms": round(total, 1),
        "p95_ms": round(total, 1),
        "queries": read["queries"] + checked["queries"] + applied["queries"],
        "member_rows": n,
        "rows_per_s": round(n / total * 1000) if total else None,
        "read_ms": read["median_ms"],
        "validate_ms": checked["median_ms"],
        "validate_queries": checked["queries"],
        "apply_ms": applied["median_ms"],
        "apply_queries": applied["queries"],
        "created": created,
        "validate_rows_per_s": round(n / (read["median_ms"] + checked["median_ms"]) * 1000),
        "note": f"{n:,} member rows: {n / total * 1000:,.0f} rows/s end to end, "
        f"{n / (read['median_ms'] + checked['median_ms']) * 1000:,.0f} rows/s read + validation "
        f"(read {read['median_ms'] / 1000:.1f} s, validate {checked['median_ms'] / 1000:.1f} s, "
        f"write {applied['median_ms'] / 1000:.1f} s)",
    }


def main(argv=None) -> int:
    global BUDGET_S  # noqa: PLW0603
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="run only measures whose name contains this text")
    parser.add_argument("--skip", help="skip measures whose name contains this text")
    parser.add_argument(
        "--budget",
        type=float,
        default=BUDGET_S,
        help="seconds per figure after which a slow figure stops repeating (at least 3 runs)",
    )
    parser.add_argument("--roster-households", type=int, default=100_000)
    parser.add_argument(
        "--roster-admin",
        action="store_true",
        help="export the roster as an administrator (every household in scope), for datasets whose "
        "county holds fewer than --roster-households",
    )
    parser.add_argument("--import-rows", type=int, default=20_000)
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    args = parser.parse_args(argv)
    BUDGET_S = args.budget
    ctx = Context(
        args.repeat,
        roster_households=args.roster_households,
        import_rows=args.import_rows,
        roster_admin=args.roster_admin,
    )
    from households.models import Household

    results = {
        "households": Household.objects.count(),
        "database": connection.vendor,
        "repeat": args.repeat,
        "cpus": os.cpu_count(),
        "started": timezone.now().isoformat(),
        "measures": {},
    }
    print(f"{results['households']:,} households on {connection.vendor}; {args.repeat} runs per figure\n")
    print(f"{'measure':<50} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'ref p95':>8} {'ratio':>6}")
    for name, fn in MEASURES:
        if (args.only and args.only not in name) or (args.skip and args.skip in name):
            continue
        reset_peak_rss()
        result = fn(ctx)
        result.setdefault("peak_rss_mb", peak_rss_mb())
        results["measures"][name] = result
        ref = result.get("reference", {}).get("p95_ms")
        ratio = f"{result['p95_ms'] / ref:.2f}" if ref else ""
        print(
            f"{name:<50} {result.get('median_ms', ''):>10} {result.get('p95_ms', ''):>8} "
            f"{result.get('queries', ''):>8} {ref or '':>8} {ratio:>6}  {result.get('note', '')}"
        )
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

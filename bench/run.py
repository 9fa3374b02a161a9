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
import json
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuzhu.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from jiuzhu.models import Area, Role, User  # noqa: E402

MEASURES: list[tuple[str, Callable]] = []


def measure(name: str):
    def register(fn):
        MEASURES.append((name, fn))
        return fn

    return register


def timed(fn: Callable, repeat: int) -> dict:
    """Median and p95 over ``repeat`` runs (after one warm-up), and the query count."""
    fn()
    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            fn()
            times.append((time.perf_counter() - start) * 1000)
        queries = len(captured.captured_queries)
    times.sort()
    p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
    return {"median_ms": round(statistics.median(times), 1), "p95_ms": round(p95, 1), "queries": queries}


def raw_sql(sql: str, params=()) -> Callable:
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            cursor.fetchall()

    return run


def bench_user(username: str, role: str, area_code: str | None) -> User:
    user, _ = User.objects.get_or_create(username=username, defaults={
        "role": role, "area": Area.objects.get(code=area_code) if area_code else None})
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
    def __init__(self, repeat: int):
        self.repeat = repeat
        self.township = Area.objects.get(code="330402007")
        self.officer = client_for(bench_user("bench-township", Role.TOWNSHIP_OFFICER, "330402007"))
        self.county = client_for(bench_user("bench-county", Role.COUNTY_CIVIL, "330402"))
        self.city = client_for(bench_user("bench-city", Role.CITY_CIVIL, "330400"))
        from households.models import Household

        self.households_in_township = Household.objects.filter(township=self.township).count()
        self.large_household = (Household.objects.filter(township=self.township).order_by("-member_count", "pk")
                                .values_list("pk", flat=True).first())


@measure("township household list, page 1")
def township_list_first(ctx: Context) -> dict:
    result = timed(get_ok(ctx.officer, "/households/"), ctx.repeat)
    result["reference"] = timed(raw_sql(
        "SELECT h.id, h.dossier_no, m.name FROM households_household h LEFT JOIN households_member m ON m.id = h.head_id "
        "WHERE h.township_id = %s ORDER BY h.dossier_no LIMIT 25", [ctx.township.pk]), ctx.repeat)
    return result


@measure("township household list, deep page")
def township_list_deep(ctx: Context) -> dict:
    page = max(1, ctx.households_in_township // 25 - 1)
    result = timed(get_ok(ctx.officer, f"/households/?page={page}"), ctx.repeat)
    result["page"] = page
    result["reference"] = timed(raw_sql(
        "SELECT h.id, h.dossier_no FROM households_household h WHERE h.township_id = %s ORDER BY h.dossier_no "
        "LIMIT 25 OFFSET %s", [ctx.township.pk, (page - 1) * 25]), ctx.repeat)
    return result


@measure("dossier page (largest household)")
def dossier_page(ctx: Context) -> dict:
    return timed(get_ok(ctx.officer, f"/households/{ctx.large_household}/"), ctx.repeat)


@measure("API household list (county)")
def api_list(ctx: Context) -> dict:
    result = timed(get_ok(ctx.county, "/api/households/"), ctx.repeat)
    result["reference"] = timed(raw_sql(
        "SELECT * FROM households_household WHERE county_id = %s ORDER BY dossier_no LIMIT 50",
        [Area.objects.get(code="330402").pk]), ctx.repeat)
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--only", help="run only measures whose name contains this text")
    parser.add_argument("--json", default=str(ROOT / "bench" / "results" / "latest.json"))
    args = parser.parse_args(argv)
    ctx = Context(args.repeat)
    from households.models import Household

    results = {"households": Household.objects.count(), "database": connection.vendor, "measures": {}}
    print(f"{results['households']:,} households on {connection.vendor}; {args.repeat} runs per figure\n")
    print(f"{'measure':<44} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'ref p95':>8} {'ratio':>6}")
    for name, fn in MEASURES:
        if args.only and args.only not in name:
            continue
        tracemalloc.start()
        result = fn(ctx)
        result.setdefault("peak_mb", round(tracemalloc.get_traced_memory()[1] / 2**20, 1))
        tracemalloc.stop()
        results["measures"][name] = result
        ref = result.get("reference", {}).get("p95_ms")
        ratio = f"{result['p95_ms'] / ref:.1f}" if ref else ""
        print(f"{name:<44} {result.get('median_ms', ''):>10} {result.get('p95_ms', ''):>8} "
              f"{result.get('queries', ''):>8} {ref or '':>8} {ratio:>6}  {result.get('note', '')}")
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nwritten: {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

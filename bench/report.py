#!/usr/bin/env python
"""The results table of bench/RESULTS.md from a run's JSON (no Django needed).

python bench/report.py bench/results/latest.json
"""

from __future__ import annotations

import json
import sys

# measure name → (target text, check(figure) → met?)
TARGETS = {
    "city dashboard (cache off: every panel computed)": (
        "p95 ≤ 300 ms, ≤ 1.5 × raw SQL",
        lambda f: f["p95_ms"] <= 300 and f["p95_ms"] <= 1.5 * f["reference"]["p95_ms"],
    ),
    "city dashboard (as served, 300 s cache)": ("p95 ≤ 300 ms", lambda f: f["p95_ms"] <= 300),
    "township household list, page 1": ("p95 ≤ 100 ms, constant queries", lambda f: f["p95_ms"] <= 100),
    "township household list, deep page": ("p95 ≤ 100 ms, constant queries", lambda f: f["p95_ms"] <= 100),
    "township household list, filtered page 1": ("p95 ≤ 100 ms, constant queries", lambda f: f["p95_ms"] <= 100),
    "dossier page (largest household)": ("p95 ≤ 150 ms, constant queries", lambda f: f["p95_ms"] <= 150),
    "nightly review pass (then a second run)": (
        "≤ 120 s; second run creates nothing",
        lambda f: f["p95_ms"] <= 120_000 and f["second_run_created"] == 0,
    ),
    "roster export (county officer, full IDs)": (
        "≤ 20 s, peak ≤ 300 MB, ≤ 1.3 × raw openpyxl",
        lambda f: f["p95_ms"] <= 20_000 and f["peak_mb"] <= 300 and f["p95_ms"] <= 1.3 * f["reference"]["p95_ms"],
    ),
    "legacy import (read + full validation + write)": ("≥ 2,000 member rows/s", lambda f: f["rows_per_s"] >= 2000),
}


def fmt_ms(value) -> str:
    if value is None:
        return ""
    return f"{value / 1000:,.1f} s" if value >= 10_000 else f"{value:,.1f} ms"


def table(results: dict) -> str:
    lines = [
        "| measure | median | p95 | queries | reference p95 | ratio | target | met? | notes |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, f in results["measures"].items():
        ref = (f.get("reference") or {}).get("p95_ms")
        ratio = f"{f['p95_ms'] / ref:.2f}" if ref else ""
        target, check = TARGETS.get(name, ("", None))
        met = ("yes" if check(f) else "**no**") if check else ""
        lines.append(
            f"| {name} | {fmt_ms(f.get('median_ms'))} | {fmt_ms(f.get('p95_ms'))} | {f.get('queries', '')} | "
            f"{fmt_ms(ref)} | {ratio} | {target} | {met} | {f.get('note', '')} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    data = json.loads(open(sys.argv[1], encoding="utf-8").read())
    print(f"{data['households']:,} households, {data['database']}, {data.get('repeat')} runs per figure\n")
    print(table(data))

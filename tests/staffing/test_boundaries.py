"""Arrows point one way: households never imports staffing; staffing rules and sheets stay Django-free."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_households_never_imports_staffing():
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "households").rglob("*.py")
                 if "import staffing" in p.read_text(encoding="utf-8")
                 or "from staffing" in p.read_text(encoding="utf-8")]
    assert offenders == []


def test_rules_and_sheets_load_no_django():
    code = "import sys, staffing.rules, staffing.sheets; print(any(m.startswith('django') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"

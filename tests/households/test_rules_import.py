from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_importing_household_rules_loads_no_django_module():
    code = (
        "import sys, households.rules;"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'django' or m.startswith('django'));"
        "print(loaded); sys.exit(1 if loaded else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_importing_household_rules_does_not_load_chinese_calendar():
    code = "import sys, households.rules; sys.exit(1 if 'chinese_calendar' in sys.modules else 0)"
    assert subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False).returncode == 0

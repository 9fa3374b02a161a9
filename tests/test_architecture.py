"""The arrows between the project's parts point one way (README, "Architecture").

Every ``import`` and ``from ... import`` in the source is read with ``ast`` (lazy imports
inside functions included), so a new arrow the wrong way fails here, not in a review.
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
APPS = ("households", "caseworkers", "staffing", "dashboards")
ROOMS = ("dossier", "procedure", "review", "plans", "roster")
# What each room of households may import besides django, third parties, the jiuzhu core,
# households.models, households.rules and the two shared top modules (access, sections).
ROOM_MAY_USE = {
    "dossier": set(),
    "procedure": {"dossier"},
    "review": {"dossier"},
    "roster": {"dossier"},
    "plans": set(),
}
SHARED_TOP = {"households.access", "households.sections"}
# Plain-Python rules: the standard library and these modules only (no Django, no models).
RULES_MAY_USE = ("jiuzhu.policy", "jiuzhu.reasons", "jiuzhu.periods")


def imports_of(path: Path, package: str | None = None) -> set[str]:
    """The absolute module names ``path`` imports (relative imports resolved)."""
    package = package or ".".join(path.relative_to(REPO).with_suffix("").parts[:-1])
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            found.add(module)
            # ``from households import access`` imports households.access.
            found.update(f"{module}.{alias.name}" for alias in node.names)
    return found


def sources(*parts: str) -> list[Path]:
    return sorted(p for p in REPO.joinpath(*parts).rglob("*.py") if "migrations" not in p.parts)


def _is(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


def offenders(paths, refuse) -> list[str]:
    return sorted(f"{p.relative_to(REPO)} imports {m}" for p in paths for m in imports_of(p) if refuse(p, m))


def test_households_imports_no_other_app():
    others = [app for app in APPS if app != "households"]
    assert offenders(sources("households"), lambda _p, m: any(_is(m, app) for app in others)) == []


def test_the_jiuzhu_core_imports_no_app_only_its_composition_root_does():
    root = {REPO / "jiuzhu" / "urls.py", REPO / "jiuzhu" / "settings.py"}
    paths = [p for p in sources("jiuzhu") if p not in root]
    assert offenders(paths, lambda _p, m: any(_is(m, app) for app in APPS)) == []


def _room_of(path: Path) -> str | None:
    parts = path.relative_to(REPO / "households").parts
    return parts[0] if len(parts) > 1 and parts[0] in ROOMS else None


def _refused_in_room(path: Path, module: str) -> bool:
    return _refused_for(_room_of(path), module)


def _refused_for(room: str, module: str) -> bool:
    if (
        not _is(module, "households")
        or module in SHARED_TOP
        or _is(module, "households.models")
        or _is(module, "households.rules")
        or module == "households"
    ):
        return False
    if _is(module, f"households.{room}"):
        return False
    parts = module.split(".")
    if parts[1] in ROOMS:
        return parts[1] not in ROOM_MAY_USE[room]
    return True  # a top module of households: views, urls, admin, nav, demo, tasks, apps


def test_each_room_uses_only_the_dossier_models_rules_and_the_shared_modules():
    paths = [p for p in sources("households") if _room_of(p)]
    assert paths, "the rooms are where the README says"
    assert offenders(paths, _refused_in_room) == []


def test_models_use_only_models_and_rules():
    def refused(_p, m):
        return _is(m, "households") and not (
            _is(m, "households.models") or _is(m, "households.rules") or m == "households"
        )

    assert offenders(sources("households", "models"), refused) == []


RULES_MODULES = [
    *sources("households", "rules"),
    REPO / "staffing" / "rules.py",
    REPO / "caseworkers" / "rules.py",
    *(REPO / "jiuzhu" / f"{name}.py" for name in ("policy", "reasons", "periods")),
]
RULES_MODULES = [p for p in RULES_MODULES if p.exists()]


def _module(path: Path) -> str:
    return ".".join(path.relative_to(REPO).with_suffix("").parts)


def _is_rules(module: str) -> bool:
    return any(_is(module, allowed) for allowed in RULES_MAY_USE) or any(_is(module, f"{app}.rules") for app in APPS)


@pytest.mark.parametrize("path", RULES_MODULES, ids=lambda p: str(p.relative_to(REPO)))
def test_a_rules_module_imports_only_the_standard_library_and_other_rules(path):
    def refused(_p, m):
        top = m.split(".")[0]
        return not (top in sys.stdlib_module_names or top == "__future__" or _is_rules(m))

    assert offenders([path], refused) == []


def test_the_rules_and_the_transfer_sheet_load_no_django():
    """A rules module runs in any process; the sheet writer (openpyxl) is tested without Django."""
    modules = [_module(p) for p in RULES_MODULES] + ["staffing.sheets"]
    code = f"import sys, {', '.join(modules)}; print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_checker_sees_lazy_and_relative_imports(tmp_path):
    """The tests above would pass on anything if they read no imports: prove they read them."""
    sample = tmp_path / "probe.py"
    sample.write_text("def f():\n    from households.procedure import services\n    from ..dossier import forms\n")
    found = imports_of(sample, package="households.review")
    assert {"households.procedure.services", "households.dossier.forms"} <= found
    assert sorted(m for m in found if _refused_for("review", m)) == [
        "households.procedure",
        "households.procedure.services",
    ]
    assert not _refused_for("review", "households.dossier.forms")
    assert _refused_for("plans", "households.dossier.forms") and _refused_for("dossier", "households.views")

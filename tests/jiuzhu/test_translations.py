"""The interface is Chinese: every source string and every rule reason has a translation."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
APPS = ("jiuzhu", "households", "caseworkers", "staffing", "dashboards")


def n_marked_templates() -> set[str]:
    """Every ``N_("…")`` template of the plain-Python rules, wherever it is written."""
    found = set()
    for app in APPS:
        for path in (ROOT / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_" and node.args:
                    found.add(node.args[0].value)
    return found


def test_every_rule_reason_renders_in_chinese():
    templates = n_marked_templates()
    with translation.override("zh-hans"):
        untranslated = sorted(t for t in templates if translation.gettext(t) == t)

    assert len(templates) > 50 and untranslated == []


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    text = CATALOGUE.read_text(encoding="utf-8")
    entries = re.findall(r'\nmsgid ((?:".*"\n)+)(?:msgid_plural .*\n)?msgstr(?:\[0\])? ((?:".*"\n)+)', text)
    empty = [msgid for msgid, msgstr in entries if msgid.strip() != '""' and msgstr.strip() == '""']

    assert len(entries) > 1000
    assert empty == []
    assert "#, fuzzy" not in text

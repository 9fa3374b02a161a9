from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "locale-fragments" / "household-rules.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def marked_templates() -> set[str]:
    found = set()
    for path in (ROOT / "households" / "rules").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_":
                found.add(node.args[0].value)
    return found


def po_entries() -> dict[str, str]:
    text = PO.read_text(encoding="utf-8")
    pairs = re.findall(r'^msgid "(.*)"\nmsgstr "(.*)"$', text, flags=re.MULTILINE)
    return {msgid: msgstr for msgid, msgstr in pairs if msgid}


def test_po_header_declares_utf8_and_simplified_chinese():
    text = PO.read_text(encoding="utf-8")
    assert "charset=UTF-8" in text
    assert '"Language: zh_Hans\\n"' in text


def test_every_marked_template_has_a_chinese_translation_and_nothing_else():
    entries = po_entries()
    assert set(entries) == marked_templates()
    assert all(re.search(r"[\u4e00-\u9fff]", msgstr) for msgstr in entries.values())


def test_translations_keep_the_same_placeholders():
    for msgid, msgstr in po_entries().items():
        assert sorted(PLACEHOLDER.findall(msgid)) == sorted(PLACEHOLDER.findall(msgstr)), msgid

"""Users read the policy's words, not our internal rule numbering (R-4, S-2.1.1): no
Chinese message in the catalogue carries such a code."""

from __future__ import annotations

import re
from pathlib import Path

from django.conf import settings

CODE = re.compile(r"\b[RS]-\d")


def test_no_translated_message_shows_an_internal_rule_code():
    catalogue = Path(settings.BASE_DIR, "locale/zh_Hans/LC_MESSAGES/django.po").read_text(encoding="utf-8")
    shown = [
        block.split("msgstr", 1)[1].strip()
        for block in catalogue.split("\n\n")
        if "msgstr" in block and CODE.search(block.split("msgstr", 1)[1])
    ]
    assert shown == []

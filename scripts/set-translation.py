#!/usr/bin/env python3
"""Set one msgid's translation in the catalogue and in every fragment that has it.

    scripts/set-translation.py "English source" "中文译文"

A fragment and the catalogue can disagree after a merge; this makes one wording win.
"""

import glob
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def entries(text):
    # A PO entry: msgid "..." (continued lines) msgstr "..." (continued lines)
    return re.finditer(r'(msgid ((?:"(?:[^"\\]|\\.)*"\n)+))(msgstr ((?:"(?:[^"\\]|\\.)*"\n)+))', text)


def joined(block):
    return "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', block))


def main(source, translation):
    escaped = translation.replace("\\", "\\\\").replace('"', '\\"')
    for path in [
        *glob.glob(str(ROOT / "locale-fragments" / "*.po")),
        str(ROOT / "locale/zh_Hans/LC_MESSAGES/django.po"),
    ]:
        text = Path(path).read_text(encoding="utf-8")
        out, last, changed = [], 0, False
        for m in entries(text):
            if joined(m.group(2)) == source:
                out.append(text[last : m.start(3)] + f'msgstr "{escaped}"\n')
                last, changed = m.end(3), True
        if changed:
            Path(path).write_text("".join(out) + text[last:], encoding="utf-8")
            print("updated", Path(path).relative_to(ROOT))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])

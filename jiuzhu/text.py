"""What a typed name may hold, and its one normal form (standard library only: rules use it).

A name is compared, searched, printed on notices and exported. Invisible characters (U+200B
zero width space, U+FEFF) make two names that look the same differ; direction controls
(U+202E right-to-left override and the like) make one read as another. They are refused,
not silently dropped, so that the user sees what was pasted. Everything else is brought to
NFKC (full-width letters and digits to half-width, compatibility forms to their base) with
runs of white space made one space.
"""

from __future__ import annotations

import unicodedata

# Control, format (zero-width, direction marks and overrides, BOM), private use, surrogates,
# unassigned, line and paragraph separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Cn", "Zl", "Zp"})


def refused_characters(value: str) -> list[str]:
    """The characters of ``value`` a name may not hold, as ``U+XXXX``, each once, in order."""
    found: dict[str, None] = {}
    for char in value:
        if unicodedata.category(char) in REFUSED_CATEGORIES:
            found.setdefault(f"U+{ord(char):04X}")
    return list(found)


def normalise_name(value: str) -> str:
    """NFKC, with every run of white space one space and none at either end."""
    return " ".join(unicodedata.normalize("NFKC", value).split())

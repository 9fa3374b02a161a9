"""Spreadsheet cells from user text (standard library only: the pure sheet writers use it)."""

from __future__ import annotations

# A cell starting with one of these may be run as a formula by a spreadsheet program
# (CSV/formula injection); the OWASP defence is a leading apostrophe.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value):
    """User text that a spreadsheet will never read as a formula; other values unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value

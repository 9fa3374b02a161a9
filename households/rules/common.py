"""Shared pieces of the household rules: category codes (from ``codes``), money rounding, month arithmetic."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from .codes import Category

CENT = Decimal("0.01")
ZERO = Decimal("0.00")

DIBAO, LOW_INCOME, TEKUN, ABOVE = Category.DIBAO, Category.LOW_INCOME, Category.TEKUN, Category.ABOVE


def money(value: Decimal | int | str) -> Decimal:
    """Round to the cent, half up."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(d: date, n: int) -> date:
    """Add n calendar months (n may be negative), clamping to the month's last day.

    2026-01-31 + 1 → 2026-02-28; 2028-01-31 + 1 → 2028-02-29; 2026-03-31 − 1 → 2026-02-28.
    """
    index = d.year * 12 + (d.month - 1) + n
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))

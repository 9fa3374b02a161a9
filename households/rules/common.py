"""Shared pieces of the household rules: category codes (from ``codes``), money rounding, month arithmetic.

Periods follow ``jiuzhu.periods`` (民法典 arts. 201-203); money follows ``jiuzhu.policy``'s
``round_money`` and ``exact`` (compare exact values, round half up to the cent only what is
shown or paid).
"""

from __future__ import annotations

from decimal import Decimal

from jiuzhu.periods import add_months, end_of_period
from jiuzhu.policy import CENT, round_money

from .codes import Category

__all__ = ["ABOVE", "CENT", "DIBAO", "LOW_INCOME", "TEKUN", "ZERO", "add_months", "end_of_period", "money"]

ZERO = Decimal("0.00")

DIBAO, LOW_INCOME, TEKUN, ABOVE = Category.DIBAO, Category.LOW_INCOME, Category.TEKUN, Category.ABOVE


money = round_money
"""Round to the cent, half up: only for what is shown or paid, never before a comparison."""

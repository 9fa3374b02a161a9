"""Money: compare exact values, round once where an amount is shown or paid.

Standard library only, shared by every app's rules. The rule, once:

1. A test against a line ("below the standard", "at or below 1.5 × the standard",
   "not above the limit") compares exact values: a per-capita income is the
   fraction total ÷ members, a line is standard × multiple, never rounded first.
   ``exact`` turns a Decimal, int, str or Fraction into a ``Fraction`` for that.
2. Only what is shown or paid is rounded (benefit amounts, transfers, a figure in a
   reason or on a sheet), once, at the end: ``round_money``, half up to the cent
   (四舍五入), unless the policy data name another rule.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

CENT = Decimal("0.01")

Number = Decimal | Fraction | int | str

__all__ = ["CENT", "Number", "exact", "round_money"]


def exact(value: Number) -> Fraction:
    """Return ``value`` as an exact fraction (a str is read as a decimal number)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Fraction(Decimal(value))


def round_money(value: Number, *, rounding: str = ROUND_HALF_UP) -> Decimal:
    """Round to the cent, half up (四舍五入) unless ``rounding`` says otherwise."""
    if isinstance(value, Fraction):
        # Exactly: to a multiple of 1/100 by integer arithmetic, no intermediate Decimal.
        cents = value * 100
        whole, rest = divmod(cents.numerator, cents.denominator)
        if rounding != ROUND_HALF_UP:
            # Another rule named by the policy data: enough digits that only an exact tie is a tie.
            with localcontext() as context:
                context.prec = 80
                return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(CENT, rounding=rounding)
        # Half up means half away from zero, as Decimal's ROUND_HALF_UP.
        if value >= 0:
            whole += 1 if 2 * rest >= cents.denominator else 0
        else:
            # divmod floors: -1.5 → (-2, 0.5·den); away from zero is -2, toward is -1.
            whole += 1 if 2 * rest > cents.denominator else 0
        return (Decimal(whole) / 100).quantize(CENT)
    if isinstance(value, float):
        raise TypeError("money is never a float")
    return Decimal(value).quantize(CENT, rounding=rounding)

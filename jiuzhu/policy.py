"""Policy parameters as plain data, shared by every app's rules.

The database keeps one row of these per county-level unit and year
(``jiuzhu.models.PolicyParameters``); rules receive a frozen ``Policy`` and never
read the database or the clock. ``DEFAULTS`` is the single place where the
default figures live: the seed (嘉政民救〔2018〕45号), the Zhejiang regulation, and
the configurable defaults of ../shared/design/DOMAIN.md. The money rule the parameters are
applied with (compare exact, round half up once what is shown or paid) is at the end:
``exact`` and ``round_money``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction

from jiuzhu.reasons import N_, Reason

DEFAULTS: dict[str, object] = {
    # 低保 and 低边 (Zhejiang regulation arts. 9-13); the standard itself has no default.
    "low_income_multiple": Decimal("1.5"),
    "dibao_min_amount": Decimal("0.00"),  # floor of the monthly benefit per member
    "asset_limit_months": 24,  # financial assets <= N months of the standard per person
    "work_income_disregard_months": 6,
    "work_income_disregard_multiple": Decimal("3"),
    # Dynamic review (no source found: DOMAIN.md defaults)
    "review_months_stable": 12,
    "review_months_unstable": 6,
    "review_months_other": 12,
    "review_months_tekun": 12,
    "gradual_exit_months": 6,
    "verification_valid_months": 12,
    "review_escalation_days": 7,
    # Temporary assistance (art. 38-40)
    "temp_aid_multiple": Decimal("6"),
    "temp_aid_severe_multiple": Decimal("12"),
    "temp_aid_township_limit": Decimal("1000.00"),
    # Application procedure (art. 11)
    "investigation_working_days": 15,
    "public_notice_days": 7,
    "decision_working_days": 5,
    # Staffing (the seed, S-2.1 and annex R-1..R-6)
    "caseworker_funding_floor": Decimal("50000.00"),
    "min_contract_years": 3,
    "qualification_deadline_years": 5,
    "recruit_max_age": 35,
    "recruit_max_age_relaxed": 38,
    "recruit_min_work_years": Decimal("2"),
    "staffing_first_check_date": "2018-05-25",
}


@dataclass(frozen=True)
class Policy:
    """One county's parameters for one year, as the rules see them."""

    year: int
    dibao_standard: Decimal  # yuan per person per month
    low_income_multiple: Decimal
    dibao_min_amount: Decimal
    asset_limit_months: int
    work_income_disregard_months: int
    work_income_disregard_multiple: Decimal
    review_months_stable: int
    review_months_unstable: int
    review_months_other: int
    review_months_tekun: int
    gradual_exit_months: int
    verification_valid_months: int
    review_escalation_days: int
    temp_aid_multiple: Decimal
    temp_aid_severe_multiple: Decimal
    temp_aid_township_limit: Decimal
    investigation_working_days: int
    public_notice_days: int
    decision_working_days: int
    caseworker_funding_floor: Decimal
    min_contract_years: int
    qualification_deadline_years: int
    recruit_max_age: int
    recruit_max_age_relaxed: int
    recruit_min_work_years: Decimal
    staffing_first_check_date: str

    @classmethod
    def with_defaults(cls, *, year: int, dibao_standard: Decimal, **overrides: object) -> Policy:
        """Build a policy from DEFAULTS, for tests and for counties with no row yet."""
        values = {**DEFAULTS, **overrides, "year": year, "dibao_standard": Decimal(dibao_standard)}
        return cls(**values)  # type: ignore[arg-type]

    @classmethod
    def unset(cls, year: int) -> Policy:
        """The statutory defaults with no standard (0): for a county with no policy row yet,
        where only the intervals, deadlines and staffing figures are read, never the line."""
        return cls.with_defaults(year=year, dibao_standard=Decimal(0))

    def but(self, **changes: object) -> Policy:
        return replace(self, **changes)  # type: ignore[arg-type]

    @property
    def low_income_line(self) -> Decimal:
        """Per-capita income at or below which a household is 低边: multiple × standard, exact.

        Never rounded: "at or below 1.5 ×" compares with the exact product (1.5 × 1233.33 =
        1849.995, so 1849.99 is under it and 1850.00 over). Show it with
        ``round_money`` (half up: 1850.00).
        """
        return Decimal(self.dibao_standard) * Decimal(self.low_income_multiple)


POLICY_FIELDS = tuple(f.name for f in fields(Policy))


# --------------------------------------------------------------------------- floors (stricter, never weaker)

# The staffing figures the seed fixes (嘉政民救〔2018〕45号: S-2.1.2, S-2.1.4, R-1, R-3, R-4,
# R-6), each with the way a row may depart from it: "min" figures may only rise, "max"
# figures only fall. A county's row is held to the city's row as well.
FLOORS: dict[str, tuple[str, object]] = {
    "caseworker_funding_floor": ("min", DEFAULTS["caseworker_funding_floor"]),
    "min_contract_years": ("min", DEFAULTS["min_contract_years"]),
    "recruit_min_work_years": ("min", DEFAULTS["recruit_min_work_years"]),
    "recruit_max_age": ("max", DEFAULTS["recruit_max_age"]),
    "recruit_max_age_relaxed": ("max", DEFAULTS["recruit_max_age_relaxed"]),
    "qualification_deadline_years": ("max", DEFAULTS["qualification_deadline_years"]),
}

_MESSAGES = {
    ("min", "seed"): N_(
        "At least %(limit)s: the seed (嘉政民救〔2018〕45号) sets this floor; a row may be stricter, never weaker."
    ),
    ("min", "city"): N_(
        "At least %(limit)s: the city's row for %(year)s sets this; a county may be stricter, never weaker."
    ),
    ("max", "seed"): N_(
        "At most %(limit)s: the seed (嘉政民救〔2018〕45号) sets this limit; a row may be stricter, never weaker."
    ),
    ("max", "city"): N_(
        "At most %(limit)s: the city's row for %(year)s sets this; a county may be stricter, never weaker."
    ),
}


def _weaker(direction: str, value: object, limit: object) -> bool:
    return (
        Decimal(str(value)) < Decimal(str(limit)) if direction == "min" else Decimal(str(value)) > Decimal(str(limit))
    )


def weaker_figures(
    values: Mapping[str, object], *, city: Mapping[str, object] | None = None, city_year: int | None = None
) -> dict[str, Reason]:
    """Return, per field, why a row's figure is weaker than the seed or (for a county) the city row.

    1. Every row (the city's too) is held to the seed's figure (``FLOORS``).
    2. A county row is also held to ``city``, the city's row in force for its year.
    A field missing from ``values`` (or None) is not checked.
    """
    found: dict[str, Reason] = {}
    for name, (direction, seed) in FLOORS.items():
        value = values.get(name)
        if value is None:
            continue
        if _weaker(direction, value, seed):
            found[name] = Reason.of(f"{name}_below_seed", _MESSAGES[(direction, "seed")], limit=str(seed))
        elif city is not None and city.get(name) is not None and _weaker(direction, value, city[name]):
            found[name] = Reason.of(
                f"{name}_below_city", _MESSAGES[(direction, "city")], limit=str(city[name]), year=city_year
            )
    return found


# --------------------------------------------------------------------------- money
#
# Compare exact values, round once where an amount is shown or paid. The rule, once:
#
# 1. A test against a line ("below the standard", "at or below 1.5 × the standard",
#    "not above the limit") compares exact values: a per-capita income is the fraction
#    total ÷ members, a line is standard × multiple, never rounded first. ``exact`` turns
#    a Decimal, int, str or Fraction into a ``Fraction`` for that.
# 2. Only what is shown or paid is rounded (benefit amounts, transfers, a figure in a
#    reason or on a sheet), once, at the end: ``round_money``, half up to the cent
#    (四舍五入), unless the policy data name another rule.
#
# They live here, beside the parameters they are applied to, so every app's rules can use
# them (a rules module may import jiuzhu.policy).

CENT = Decimal("0.01")

Number = Decimal | Fraction | int | str


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

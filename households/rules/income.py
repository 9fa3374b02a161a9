"""Income and assets: per-capita income, the 低保/低边 test, benefit and aid amounts.

Tests against a line compare exact values (``jiuzhu.policy.exact``): a per-capita figure is the
fraction total ÷ members (``per_capita_exact``), a line is standard × multiple. Only
what is shown (a reason's figures, the stored per-capita income) and what is paid (the
benefit) is rounded, half up to the cent, once.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from jiuzhu.policy import Policy, exact
from jiuzhu.reasons import N_, Reason

from .common import ABOVE, DIBAO, LOW_INCOME, ZERO, end_of_period, money

INCOME_KINDS = ("wages", "business", "property", "transfer", "support", "other")
"""Wages, net business, net property, net transfer, support from relatives (赡养), other."""


def _check_members(members: int) -> None:
    if members < 1:
        raise ValueError("a household has at least one member")


@dataclass(frozen=True)
class AssetFlags:
    """Property that fails the asset test by itself, whatever the financial assets."""

    vehicle: bool = False
    vehicle_exempt: bool = False  # e.g. a mobility vehicle for a disabled member
    second_home: bool = False
    registered_business: bool = False


@dataclass(frozen=True)
class IncomeFacts:
    """A household's verified monthly income and assets, as the rules need them.

    ``monthly_income_by_kind`` maps each of ``INCOME_KINDS`` (missing kinds are 0) to a
    monthly amount in yuan, already net of any work-income disregard; use
    ``monthly_from_annual`` for annual figures from a verification report. Business
    income may be negative (a net loss).
    """

    members: int
    monthly_income_by_kind: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    deposits: Decimal = ZERO
    securities: Decimal = ZERO
    commercial_insurance: Decimal = ZERO  # cash value
    other_financial_assets: Decimal = ZERO
    homes: int = 0  # residential properties owned
    vehicles: int = 0
    vehicle_exempt: bool = False
    registered_business: bool = False

    def __post_init__(self) -> None:
        _check_members(self.members)
        unknown = set(self.monthly_income_by_kind) - set(INCOME_KINDS)
        if unknown:
            raise ValueError(f"unknown income kinds: {sorted(unknown)}")

    @property
    def total_monthly_income(self) -> Decimal:
        """The sum, exact (a sum of decimals needs no rounding)."""
        return sum((Decimal(v) for v in self.monthly_income_by_kind.values()), ZERO)

    @property
    def financial_assets(self) -> Decimal:
        return sum(
            (
                Decimal(v)
                for v in (self.deposits, self.securities, self.commercial_insurance, self.other_financial_assets)
            ),
            ZERO,
        )

    @property
    def flags(self) -> AssetFlags:
        return AssetFlags(
            vehicle=self.vehicles > 0,
            vehicle_exempt=self.vehicle_exempt,
            second_home=self.homes >= 2,
            registered_business=self.registered_business,
        )


@dataclass(frozen=True)
class Classification:
    """Which income-tested category a household falls in, and why."""

    category: str  # DIBAO, LOW_INCOME or ABOVE
    reasons: tuple[Reason, ...]
    assets_within_limits: bool


def monthly_from_annual(annual: Decimal) -> Decimal:
    """Turn an annual amount into a monthly one (÷ 12, to the cent, half up)."""
    return money(Decimal(annual) / 12)


def per_capita_exact(*, total: Decimal | Fraction, members: int) -> Fraction:
    """Divide a household amount by its members exactly: the figure every line is compared with."""
    _check_members(members)
    return exact(total) / members


def per_capita_monthly_income(*, total_monthly_income: Decimal, members: int) -> Decimal:
    """Return the per-capita income as shown and stored: total ÷ members, half up to the cent.

    Not for comparisons: pass ``per_capita_exact`` to ``classify``.
    """
    return money(per_capita_exact(total=total_monthly_income, members=members))


def financial_assets_per_person(*, financial_assets: Decimal, members: int) -> Decimal:
    """Return the financial assets per person as shown: ÷ members, half up to the cent."""
    return money(per_capita_exact(total=financial_assets, members=members))


def asset_limit_per_person(*, policy: Policy) -> Decimal:
    """Return the financial-asset limit per person: asset_limit_months × standard."""
    return money(policy.dibao_standard * policy.asset_limit_months)


def asset_reasons(
    *, financial_assets_per_person: Decimal | Fraction, flags: AssetFlags, policy: Policy
) -> tuple[Reason, ...]:
    """Return one reason per way the household fails the asset test (none when within limits).

    Financial assets at exactly the limit are within it (不超过); the comparison is exact.
    """
    reasons: list[Reason] = []
    limit = asset_limit_per_person(policy=policy)
    if exact(financial_assets_per_person) > exact(policy.dibao_standard) * policy.asset_limit_months:
        reasons.append(
            Reason.of(
                "assets_above_limit",
                N_(
                    "Financial assets of %(assets)s yuan per person exceed the limit of %(limit)s yuan (%(months)s months of the standard)."
                ),
                assets=str(money(financial_assets_per_person)),
                limit=str(limit),
                months=policy.asset_limit_months,
            )
        )
    if flags.vehicle and not flags.vehicle_exempt:
        reasons.append(Reason.of("asset_vehicle", N_("The household owns a motor vehicle that is not exempt.")))
    if flags.second_home:
        reasons.append(Reason.of("asset_second_home", N_("The household owns more than one home.")))
    if flags.registered_business:
        reasons.append(Reason.of("asset_registered_business", N_("A household member has a registered business.")))
    return tuple(reasons)


def classify(
    *,
    per_capita_income: Decimal | Fraction,
    financial_assets_per_person: Decimal | Fraction,
    flags: AssetFlags,
    policy: Policy,
) -> Classification:
    """Place a household in 低保, 低边 or above, by income and assets.

    1. 低保: per-capita income strictly below the standard (低于), assets within limits.
    2. 低边: not 低保, per-capita income at or below low_income_line (不超过), assets within limits.
    3. Otherwise above. Failing the asset test puts the household above whatever its income.
    The comparisons are exact: pass the unrounded per-capita figures (``per_capita_exact``);
    a Decimal is taken as it is, never rounded first. Reason parameters are the figures
    rounded half up to the cent, as strings ("1200.00"), so reasons can be stored as JSON.
    """
    standard, line, income = _shown(policy.dibao_standard), _shown(policy.low_income_line), _shown(per_capita_income)
    failed = asset_reasons(financial_assets_per_person=financial_assets_per_person, flags=flags, policy=policy)
    exact_income = exact(per_capita_income)
    if exact_income < exact(policy.dibao_standard):
        income_reason = Reason.of(
            "income_below_standard",
            N_("Per-capita monthly income of %(income)s yuan is below the standard of %(standard)s yuan."),
            income=str(income),
            standard=str(standard),
        )
        category = DIBAO
    elif exact_income <= exact(policy.low_income_line):
        income_reason = Reason.of(
            "income_within_low_income_line",
            N_(
                "Per-capita monthly income of %(income)s yuan is not below the standard of %(standard)s yuan but does not exceed the low-income line of %(line)s yuan."
            ),
            income=str(income),
            standard=str(standard),
            line=str(line),
        )
        category = LOW_INCOME
    else:
        income_reason = Reason.of(
            "income_above_low_income_line",
            N_("Per-capita monthly income of %(income)s yuan exceeds the low-income line of %(line)s yuan."),
            income=str(income),
            line=str(line),
        )
        category = ABOVE
    if failed:
        category = ABOVE
    return Classification(category=category, reasons=(income_reason, *failed), assets_within_limits=not failed)


def _shown(value: Decimal | Fraction) -> str:
    return str(money(value))


def classify_household(*, facts: IncomeFacts, policy: Policy) -> Classification:
    """Classify from IncomeFacts: exact per-capita income and assets, then ``classify``."""
    return classify(
        per_capita_income=per_capita_exact(total=facts.total_monthly_income, members=facts.members),
        financial_assets_per_person=per_capita_exact(total=facts.financial_assets, members=facts.members),
        flags=facts.flags,
        policy=policy,
    )


def dibao_monthly_amount(
    *, per_capita_income: Decimal | Fraction, members: int, policy: Policy, assets_within_limits: bool = True
) -> Decimal:
    """Return the monthly 低保 benefit: (standard − per-capita income) × members.

    1. 0.00 when not eligible: income not below the standard (exact comparison), or assets
       over the limits.
    2. A negative per-capita income (business loss) counts as 0, so the benefit never
       exceeds standard × members.
    3. Each member's share is at least ``policy.dibao_min_amount``.
    4. Computed exactly, then rounded once, half up to the cent (it is paid). Pass the exact
       per-capita income (``per_capita_exact``): a household of 3 with 2000.00 gets
       3 × 1200 − 2000 = 1600.00, not 3 × (1200 − 666.67) = 1599.99.
    """
    _check_members(members)
    standard, income = exact(policy.dibao_standard), exact(per_capita_income)
    if not assets_within_limits or income >= standard:
        return ZERO
    gap = standard - max(income, Fraction(0))
    return money(max(gap, exact(policy.dibao_min_amount)) * members)


def temporary_aid_cap(*, members: int, severe: bool, policy: Policy) -> Decimal:
    """Return the most one-off temporary aid may give: multiple × standard × members."""
    _check_members(members)
    multiple = policy.temp_aid_severe_multiple if severe else policy.temp_aid_multiple
    return money(multiple * policy.dibao_standard * members)


def temporary_aid_reasons(*, amount: Decimal, members: int, severe: bool, policy: Policy) -> tuple[Reason, ...]:
    """Why ``amount`` of temporary aid cannot be granted: above ``temporary_aid_cap``
    (the cap itself is allowed: 以内 includes it; compared exactly, shown to the cent)."""
    cap = temporary_aid_cap(members=members, severe=severe, policy=policy)
    multiple = policy.temp_aid_severe_multiple if severe else policy.temp_aid_multiple
    if exact(amount) > exact(multiple) * exact(policy.dibao_standard) * members:
        return (
            Reason.of(
                "above_temporary_aid_cap",
                N_(
                    "Temporary aid for this household may be at most %(cap)s yuan (%(multiple)s times the standard of "
                    "%(standard)s yuan for %(members)s member(s))."
                ),
                cap=str(cap),
                multiple=format(
                    (policy.temp_aid_severe_multiple if severe else policy.temp_aid_multiple).normalize(), "f"
                ),
                standard=str(money(policy.dibao_standard)),
                members=str(members),
            ),
        )
    return ()


def disregarded_work_income(
    *, monthly_work_income: Decimal, work_started_on: date, today: date, policy: Policy
) -> Decimal:
    """Return how much of a 低保 member's new monthly work income is not counted.

    Income from new work is disregarded for ``work_income_disregard_months`` months after
    the day the work started, and on that day itself (work_started_on ≤ today ≤ the
    period's last day, ``end_of_period``: the start day is not counted, art. 201), up to
    ``work_income_disregard_multiple`` × standard per month. Callers pass only the new
    work income of a member already enrolled in 低保; subtract the result before
    filling ``IncomeFacts``.
    """
    income = money(monthly_work_income)
    if income <= ZERO or today < work_started_on:
        return ZERO
    if today > end_of_period(work_started_on, months=policy.work_income_disregard_months):
        return ZERO
    return min(income, money(policy.work_income_disregard_multiple * policy.dibao_standard))

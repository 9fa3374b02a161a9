"""Exact comparisons with the lines, one rounding for what is paid (issue #21).

For random standards, multiples, incomes and member counts the class agrees with exact
rational arithmetic; amounts are rounded once, half up, at the end.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from households.rules import (
    ABOVE,
    DIBAO,
    LOW_INCOME,
    AssetFlags,
    IncomeFacts,
    category_change_candidate,
    classify,
    classify_household,
    dibao_monthly_amount,
    exit_candidate,
    inclusion_candidate,
    per_capita_exact,
    temporary_aid_reasons,
)
from jiuzhu.policy import Policy

D = Decimal
POLICY = Policy.with_defaults(year=2026, dibao_standard=D("1200.00"))
POLICY_DAY = date(2026, 11, 29)
PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)
CENTS = st.integers(min_value=-100_000, max_value=2_000_000)  # a monthly total, in cents


def _facts(total: Decimal, members: int) -> IncomeFacts:
    return IncomeFacts(members=members, monthly_income_by_kind={"wages": total})


def _reference_category(total_cents: int, members: int, standard_cents: int, multiple: Fraction) -> str:
    per_capita = Fraction(total_cents, 100 * members)
    standard = Fraction(standard_cents, 100)
    if per_capita < standard:
        return DIBAO
    if per_capita <= standard * multiple:
        return LOW_INCOME
    return ABOVE


def _half_up_cents(value: Fraction) -> Decimal:
    cents = value * 100
    sign = -1 if cents < 0 else 1
    whole = (2 * abs(cents.numerator) + cents.denominator) // (2 * cents.denominator)
    return Decimal(sign * whole) / 100


def test_a_third_of_a_cent_above_the_standard_is_not_under_it():
    # 3600.01 ÷ 3 = 1200.0033…: shown as 1200.00, but not below the standard (was 低保).
    assert classify_household(facts=_facts(D("3600.01"), 3), policy=POLICY).category == LOW_INCOME
    assert classify_household(facts=_facts(D("3599.99"), 3), policy=POLICY).category == DIBAO
    # 5400.01 ÷ 3 = 1800.0033…: above the 1.5 × line (was 低边).
    result = classify_household(facts=_facts(D("5400.01"), 3), policy=POLICY)
    assert result.category == ABOVE
    assert dict(result.reasons[0].params)["income"] == "1800.00"  # shown rounded, compared exact


def test_the_low_income_line_is_not_rounded_before_the_comparison():
    policy = POLICY.but(dibao_standard=D("1233.31"))  # 1.5 × = 1849.965, half-even 1849.96
    assert policy.low_income_line == D("1849.965")
    # 3699.93 ÷ 2 = 1849.965: at the line, so 低边 (it was "above": 1849.97 > 1849.96).
    assert classify_household(facts=_facts(D("3699.93"), 2), policy=policy).category == LOW_INCOME
    assert classify_household(facts=_facts(D("3699.94"), 2), policy=policy).category == ABOVE
    reason = classify_household(facts=_facts(D("3699.94"), 2), policy=policy).reasons[0]
    assert dict(reason.params)["line"] == "1849.97"  # shown half up


def test_review_candidates_compare_exactly():
    third_above = per_capita_exact(total=D("3600.01"), members=3)
    assert exit_candidate(
        enrolled_category=DIBAO,
        per_capita_income=third_above,
        policy=POLICY,
        income_rose_from_work=False,
        today=POLICY_DAY,
    ).candidate
    assert not category_change_candidate(
        enrolled_category=DIBAO, per_capita_income=third_above, policy=POLICY
    ).candidate
    third_below = per_capita_exact(total=D("3599.99"), members=3)
    assert (
        inclusion_candidate(per_capita_income=third_below, enrolled_categories=(), policy=POLICY).suggested_category
        == DIBAO
    )


def test_the_benefit_is_computed_exactly_and_rounded_once():
    # 3 × 1200 − 2000.00 = 1600.00; rounding the per-capita income first gave 3 × 533.33 = 1599.99.
    income = per_capita_exact(total=D("2000.00"), members=3)
    assert dibao_monthly_amount(per_capita_income=income, members=3, policy=POLICY) == D("1600.00")


def test_temporary_aid_at_the_cap_is_allowed_and_a_cent_over_is_not():
    policy = POLICY.but(dibao_standard=D("1233.33"), temp_aid_multiple=D("1.5"))  # cap 1849.995 per member
    assert temporary_aid_reasons(amount=D("1849.99"), members=1, severe=False, policy=policy) == ()
    assert temporary_aid_reasons(amount=D("1850.00"), members=1, severe=False, policy=policy) != ()


@PROPERTY
@given(
    total_cents=CENTS,
    members=st.integers(min_value=1, max_value=12),
    standard_cents=st.integers(min_value=1, max_value=500_000),
    multiple_tenths=st.integers(min_value=10, max_value=30),
)
def test_the_class_agrees_with_exact_rational_arithmetic(total_cents, members, standard_cents, multiple_tenths):
    multiple = Fraction(multiple_tenths, 10)
    policy = POLICY.but(dibao_standard=D(standard_cents) / 100, low_income_multiple=D(multiple_tenths) / 10)
    total = D(total_cents) / 100
    expected = _reference_category(total_cents, members, standard_cents, multiple)
    assert classify_household(facts=_facts(total, members), policy=policy).category == expected
    assert (
        classify(
            per_capita_income=per_capita_exact(total=total, members=members),
            financial_assets_per_person=D(0),
            flags=AssetFlags(),
            policy=policy,
        ).category
        == expected
    )


@PROPERTY
@given(
    total_cents=CENTS,
    members=st.integers(min_value=1, max_value=12),
    standard_cents=st.integers(min_value=1, max_value=500_000),
    minimum_cents=st.integers(min_value=0, max_value=50_000),
)
def test_the_benefit_is_rounded_once_half_up(total_cents, members, standard_cents, minimum_cents):
    policy = POLICY.but(dibao_standard=D(standard_cents) / 100, dibao_min_amount=D(minimum_cents) / 100)
    per_capita = Fraction(total_cents, 100 * members)
    standard = Fraction(standard_cents, 100)
    if per_capita >= standard:
        expected = D("0.00")
    else:
        gap = max(standard - max(per_capita, Fraction(0)), Fraction(minimum_cents, 100))
        expected = _half_up_cents(gap * members)
    amount = dibao_monthly_amount(
        per_capita_income=per_capita_exact(total=D(total_cents) / 100, members=members), members=members, policy=policy
    )
    assert amount == expected and amount == amount.quantize(D("0.01"))

"""Dynamic management: review dates and the nightly review's per-household decisions.

The nightly review mirrors these functions in SQL; keep the comparisons identical:
低保 needs income strictly below the standard; 低边 allows income equal to its line.
Comparisons are exact (``jiuzhu.policy.exact``): pass the unrounded per-capita income (total ÷
members, ``per_capita_exact``); the figures in reasons are rounded half up to the cent.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from jiuzhu.policy import Policy, exact
from jiuzhu.reasons import N_, Reason

from .common import DIBAO, LOW_INCOME, TEKUN, add_months, end_of_period, money

__all__ = [
    "CandidateDecision",
    "add_months",
    "category_change_candidate",
    "change_report_suggestion",
    "exit_candidate",
    "gradual_exit_until",
    "inclusion_candidate",
    "next_review_date",
    "verification_expired",
    "verification_valid_from",
]


@dataclass(frozen=True)
class CandidateDecision:
    """Whether a household should be put to a caseworker, and why.

    ``suggested_category`` is the category the household would move to (None: leave all
    income-tested categories, or no suggestion). ``gradual_exit_until`` is the last day
    (inclusive) of the gradual-exit period (渐退期), when one applies.
    """

    candidate: bool
    reasons: tuple[Reason, ...] = ()
    suggested_category: str | None = None
    gradual_exit_until: date | None = None


def next_review_date(
    *, last_review: date, category: str, labour_ability_present: bool, income_stable: bool, policy: Policy
) -> date:
    """Return when the household is next reviewed.

    1. 特困 ('tekun'): review_months_tekun.
    2. A member able to work and income unstable: review_months_unstable.
    3. Income stable: review_months_stable.
    4. Otherwise (no labour ability, income unstable): review_months_other.
    The date is the last day of that many months after ``last_review`` (``end_of_period``:
    the corresponding day, a missing one becoming the month's last). It is a schedule, not a
    time limit for an act, so it does not move off a rest day.
    """
    if category == TEKUN:
        months = policy.review_months_tekun
    elif labour_ability_present and not income_stable:
        months = policy.review_months_unstable
    elif income_stable:
        months = policy.review_months_stable
    else:
        months = policy.review_months_other
    return end_of_period(last_review, months=months)


def _upper_line(category: str, policy: Policy) -> Decimal:
    if category == DIBAO:
        return Decimal(policy.dibao_standard)
    if category == LOW_INCOME:
        return policy.low_income_line
    raise ValueError(f"{category!r} is not an income-tested category (expected {DIBAO!r} or {LOW_INCOME!r})")


def exit_candidate(
    *,
    enrolled_category: str,
    per_capita_income: Decimal | Fraction,
    policy: Policy,
    income_rose_from_work: bool,
    today: date,
    rose_on: date | None = None,
) -> CandidateDecision:
    """Decide whether an enrolled household is a candidate to leave its category.

    1. Candidate when per-capita income is strictly ABOVE the category's upper line
       (低保: the standard; 低边: low_income_line). Income equal to the line is not above it.
       A 低保 household whose income exactly equals the standard is handled by
       ``category_change_candidate`` instead (it no longer meets 低于, but has not risen
       above the standard).
    2. A 低保 household leaving with income at or below low_income_line gets
       suggested_category 低边.
    3. When income rose from work, a gradual-exit period of gradual_exit_months applies,
       counted from ``rose_on`` (or ``today`` if unknown); gradual_exit_until is its last day
       (``gradual_exit_until``: the day the income rose is not counted, art. 201).
    """
    exact_line = exact(_upper_line(enrolled_category, policy))
    exact_income = exact(per_capita_income)
    line, income = money(exact_line), money(exact_income)  # shown
    if exact_income <= exact_line:
        return CandidateDecision(
            candidate=False,
            reasons=(
                Reason.of(
                    "income_not_above_line",
                    N_(
                        "Per-capita monthly income of %(income)s yuan does not exceed the line of %(line)s yuan for the enrolled category."
                    ),
                    income=str(income),
                    line=str(line),
                ),
            ),
        )
    reasons = [
        Reason.of(
            "income_above_line",
            N_(
                "Per-capita monthly income of %(income)s yuan exceeds the line of %(line)s yuan for the enrolled category."
            ),
            income=str(income),
            line=str(line),
        )
    ]
    suggested = None
    if enrolled_category == DIBAO and exact_income <= exact(policy.low_income_line):
        suggested = LOW_INCOME
        reasons.append(
            Reason.of(
                "suggest_low_income",
                N_(
                    "Income does not exceed the low-income line of %(line)s yuan; the household may move to the low-income category."
                ),
                line=str(money(policy.low_income_line)),
            )
        )
    until = None
    if income_rose_from_work:
        start = rose_on or today
        until = gradual_exit_until(rose_on=start, months=policy.gradual_exit_months)
        reasons.append(
            Reason.of(
                "gradual_exit",
                N_("Income rose from work: a gradual-exit period of %(months)s months applies, until %(until)s."),
                months=policy.gradual_exit_months,
                until=until.isoformat(),
            )
        )
    return CandidateDecision(
        candidate=True, reasons=tuple(reasons), suggested_category=suggested, gradual_exit_until=until
    )


def gradual_exit_until(*, rose_on: date, months: int) -> date:
    """Return the last day of a gradual exit of ``months`` months after income rose on ``rose_on``.

    民法典 arts. 201-202: the day the income rose is not counted; the period ends on the
    corresponding day ``months`` later (the month's last day when there is none). Rose on
    10 March, 6 months: until 10 September. Not moved off a rest day: assistance is paid by
    the month, nobody has to act on the last day.
    """
    return end_of_period(rose_on, months=months)


def category_change_candidate(
    *, enrolled_category: str, per_capita_income: Decimal | Fraction, policy: Policy
) -> CandidateDecision:
    """Flag a 低保 household whose per-capita income now exactly equals the standard.

    低保 requires income strictly below the standard, so such a household no longer
    qualifies, yet its income is not above the standard (no exit): suggest moving it to
    低边. Every other case is not a candidate here (``exit_candidate`` covers income above
    the standard; ``inclusion_candidate`` covers a 低边 household that fell below it).
    """
    income = money(per_capita_income)
    if enrolled_category == DIBAO and exact(per_capita_income) == exact(policy.dibao_standard):
        return CandidateDecision(
            candidate=True,
            reasons=(
                Reason.of(
                    "income_equals_standard",
                    N_(
                        "Per-capita monthly income of %(income)s yuan equals the standard and is no longer below it; the household may move to the low-income category."
                    ),
                    income=str(income),
                ),
            ),
            suggested_category=LOW_INCOME,
        )
    return CandidateDecision(candidate=False)


# Change kinds and review outcomes, as stored (households.models.ChangeKind, ReviewOutcome).
DEATH = "death"
OUTCOME_EXIT = "exit"
OUTCOME_ADJUST_AMOUNT = "adjust_amount"


def change_report_suggestion(*, kind: str, members: int) -> str:
    """The outcome a reported change suggests to the caseworker ('' for none).

    A death in a household of one ends its assistance (exit); in a larger household the
    members left stay assisted and the amount is recounted. A move is not suggested as
    an exit: the kind does not say whether the household left the area.
    """
    if kind == DEATH:
        return OUTCOME_EXIT if members <= 1 else OUTCOME_ADJUST_AMOUNT
    return ""


def inclusion_candidate(
    *, per_capita_income: Decimal | Fraction, enrolled_categories: Collection[str], policy: Policy
) -> CandidateDecision:
    """Decide whether a household's income makes it a candidate to enrol (应保尽保).

    Income only; assets are verified when the household applies.
    1. Enrolled in 特困: never a candidate (特困 support replaces 低保 and 低边).
    2. Income strictly below the standard and not in 低保: 低保 candidate (also from 低边).
    3. Income at or below low_income_line and in neither 低保 nor 低边: 低边 candidate.
    """
    income, standard = money(per_capita_income), money(policy.dibao_standard)  # shown
    exact_income, exact_standard = exact(per_capita_income), exact(policy.dibao_standard)
    if TEKUN in enrolled_categories:
        return CandidateDecision(candidate=False)
    if exact_income < exact_standard and DIBAO not in enrolled_categories:
        return CandidateDecision(
            candidate=True,
            reasons=(
                Reason.of(
                    "inclusion_dibao",
                    N_(
                        "Per-capita monthly income of %(income)s yuan is below the standard of %(standard)s yuan; the household may qualify for subsistence allowance."
                    ),
                    income=str(income),
                    standard=str(standard),
                ),
            ),
            suggested_category=DIBAO,
        )
    if exact_standard <= exact_income <= exact(policy.low_income_line) and not (
        {DIBAO, LOW_INCOME} & set(enrolled_categories)
    ):
        return CandidateDecision(
            candidate=True,
            reasons=(
                Reason.of(
                    "inclusion_low_income",
                    N_(
                        "Per-capita monthly income of %(income)s yuan does not exceed the low-income line of %(line)s yuan; the household may qualify for the low-income category."
                    ),
                    income=str(income),
                    line=str(money(policy.low_income_line)),
                ),
            ),
            suggested_category=LOW_INCOME,
        )
    return CandidateDecision(candidate=False)


def verification_expired(*, verified_on: date | None, today: date, policy: Policy) -> bool:
    """Tell whether an economic-status verification (or survey) is too old to rely on.

    Valid through the last day of verification_valid_months after verified_on (以内,
    ``end_of_period``); expired from the next day. A validity window, not a time limit for an
    act: it does not move off a rest day. No verification at all counts as expired.
    """
    if verified_on is None:
        return True
    return today > end_of_period(verified_on, months=policy.verification_valid_months)


def verification_valid_from(*, today: date, policy: Policy) -> date:
    """The earliest verification date still valid on ``today``.

    ``verification_expired`` is monotone in ``verified_on``, so "expired" is exactly
    "verified before this date": the nightly pass compares one column with it instead of
    doing month arithmetic in SQL.
    """
    candidate = add_months(today, -policy.verification_valid_months)
    # Month-end clamping can make several dates map to one; step to the exact edge.
    while not verification_expired(verified_on=candidate - timedelta(days=1), today=today, policy=policy):
        candidate -= timedelta(days=1)
    while verification_expired(verified_on=candidate, today=today, policy=policy):
        candidate += timedelta(days=1)
    return candidate


def review_decision_reason(*, confirm: bool, decided_by_recorder: bool, note: str) -> tuple[str, Reason] | None:
    """Four eyes on a review's outcome: whoever recorded it does not also confirm it; sending
    it back says why. Returns (field, reason), or None when the decision may be recorded."""
    if confirm and decided_by_recorder:
        return "non_field_errors", Reason.of(
            "review.four_eyes", N_("You recorded this review yourself: another officer must confirm it.")
        )
    if not confirm and not note.strip():
        return "decision_note", Reason.of("review.send_back_reason", N_("Say why the review is sent back."))
    return None

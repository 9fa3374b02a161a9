from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from households.rules import (
    DIBAO,
    LOW_INCOME,
    TEKUN,
    add_months,
    category_change_candidate,
    change_report_suggestion,
    exit_candidate,
    inclusion_candidate,
    next_review_date,
    verification_expired,
)
from jiuzhu.policy import Policy
from tests.clock import TODAY

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
D = Decimal


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2026, 3, 31), -1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(start, months) == expected


def review(**kwargs):
    values = {"last_review": date(2026, 8, 31), "category": DIBAO, "labour_ability_present": False,
              "income_stable": True, "policy": POLICY.but(review_months_stable=12, review_months_unstable=6,
              review_months_other=3, review_months_tekun=9)}  # fmt: skip
    return next_review_date(**{**values, **kwargs})


def test_unstable_income_with_labour_ability_is_reviewed_after_six_months_clamped():
    assert review(labour_ability_present=True, income_stable=False) == date(2027, 2, 28)


def test_stable_income_is_reviewed_after_stable_months():
    assert review(labour_ability_present=True, income_stable=True) == date(2027, 8, 31)


def test_no_labour_ability_and_unstable_income_uses_other_months():
    assert review(labour_ability_present=False, income_stable=False) == date(2026, 11, 30)


def test_tekun_uses_tekun_months_whatever_the_income():
    assert review(category=TEKUN, labour_ability_present=True, income_stable=False) == date(2027, 5, 31)


def exit_(category, income, **kwargs):
    values = {"income_rose_from_work": False, "today": TODAY, "rose_on": None}
    return exit_candidate(
        enrolled_category=category, per_capita_income=D(income), policy=POLICY, **{**values, **kwargs}
    )


def test_dibao_income_equal_to_standard_is_not_an_exit_candidate():
    assert not exit_(DIBAO, "1200.00").candidate


def test_dibao_income_one_cent_above_standard_is_exit_candidate_suggested_low_income():
    decision = exit_(DIBAO, "1200.01")
    assert decision.candidate
    assert decision.suggested_category == LOW_INCOME


def test_dibao_income_above_low_income_line_exits_without_suggestion():
    decision = exit_(DIBAO, "1800.01")
    assert decision.candidate
    assert decision.suggested_category is None


def test_low_income_at_its_line_stays_and_one_cent_above_exits():
    assert not exit_(LOW_INCOME, "1800.00").candidate
    assert exit_(LOW_INCOME, "1800.01").candidate


def test_income_rise_from_work_gets_gradual_exit_until_last_day_of_period():
    decision = exit_(DIBAO, "2000", income_rose_from_work=True, rose_on=date(2026, 8, 31))
    # 民法典 arts. 201-202: 31 August not counted; 6 months end on the last day of February
    # (it used to be 27 February, a day short).
    assert decision.gradual_exit_until == date(2027, 2, 28)
    assert "gradual_exit" in [r.code for r in decision.reasons]


def test_gradual_exit_counts_from_today_when_rise_date_unknown():
    decision = exit_(DIBAO, "2000", income_rose_from_work=True)
    assert decision.gradual_exit_until == date(2027, 5, 29)  # today 2026-11-29 not counted (was 28 May)


def test_no_gradual_exit_when_income_did_not_rise_from_work():
    assert exit_(DIBAO, "2000", rose_on=date(2026, 8, 31)).gradual_exit_until is None


def test_exit_candidate_refuses_a_category_without_income_line():
    with pytest.raises(ValueError):
        exit_(TEKUN, "5000")


def test_dibao_income_equal_to_standard_is_category_change_candidate_to_low_income():
    decision = category_change_candidate(enrolled_category=DIBAO, per_capita_income=D("1200.00"), policy=POLICY)
    assert decision.candidate
    assert decision.suggested_category == LOW_INCOME


@pytest.mark.parametrize(("category", "income"), [(DIBAO, "1199.99"), (DIBAO, "1200.01"), (LOW_INCOME, "1200.00")])
def test_category_change_only_for_dibao_exactly_at_standard(category, income):
    assert not category_change_candidate(
        enrolled_category=category, per_capita_income=D(income), policy=POLICY
    ).candidate


def include(income, enrolled=()):
    return inclusion_candidate(per_capita_income=D(income), enrolled_categories=set(enrolled), policy=POLICY)


def test_income_below_standard_not_in_dibao_is_dibao_candidate():
    assert include("1199.99").suggested_category == DIBAO
    assert include("1199.99", {LOW_INCOME}).suggested_category == DIBAO


def test_income_below_standard_already_in_dibao_is_not_candidate():
    assert not include("1199.99", {DIBAO}).candidate


def test_income_equal_to_standard_is_low_income_candidate():
    decision = include("1200.00")
    assert decision.candidate and decision.suggested_category == LOW_INCOME


def test_income_at_low_income_line_is_candidate_and_one_cent_above_is_not():
    assert include("1800.00").suggested_category == LOW_INCOME
    assert not include("1800.01").candidate


def test_household_in_band_already_enrolled_is_not_inclusion_candidate():
    assert not include("1500", {LOW_INCOME}).candidate
    assert not include("1500", {DIBAO}).candidate


def test_tekun_household_is_never_inclusion_candidate():
    assert not include("0", {TEKUN}).candidate


def test_verification_is_valid_through_the_same_date_twelve_months_later():
    assert not verification_expired(verified_on=date(2025, 11, 29), today=TODAY, policy=POLICY)
    assert verification_expired(verified_on=date(2025, 11, 28), today=TODAY, policy=POLICY)


def test_missing_verification_is_expired():
    assert verification_expired(verified_on=None, today=TODAY, policy=POLICY)


@pytest.mark.parametrize(
    ("kind", "members", "suggested"),
    [
        ("death", 1, "exit"),
        ("death", 0, "exit"),
        ("death", 2, "adjust_amount"),
        ("moving", 1, ""),
        ("job", 1, ""),
    ],
)
def test_a_reported_change_suggests_an_outcome(kind, members, suggested):
    assert change_report_suggestion(kind=kind, members=members) == suggested


def test_four_eyes_the_recorder_does_not_confirm_and_a_send_back_says_why():
    from households.rules import review_decision_reason

    field, reason = review_decision_reason(confirm=True, decided_by_recorder=True, note="")
    assert (field, reason.code) == ("non_field_errors", "review.four_eyes")
    assert review_decision_reason(confirm=True, decided_by_recorder=False, note="") is None
    field, reason = review_decision_reason(confirm=False, decided_by_recorder=False, note=" ")
    assert (field, reason.code) == ("decision_note", "review.send_back_reason")
    assert review_decision_reason(confirm=False, decided_by_recorder=True, note="收入未核实") is None

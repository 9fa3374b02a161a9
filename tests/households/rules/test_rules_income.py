from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from households.rules import (
    ABOVE,
    DIBAO,
    LOW_INCOME,
    AssetFlags,
    IncomeFacts,
    asset_limit_per_person,
    classify,
    classify_household,
    dibao_monthly_amount,
    disregarded_work_income,
    monthly_from_annual,
    per_capita_monthly_income,
    temporary_aid_cap,
)
from jiuzhu.policy import Policy

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
NO_FLAGS = AssetFlags()
D = Decimal


def category(income: str, assets: str = "0", flags: AssetFlags = NO_FLAGS, policy: Policy = POLICY) -> str:
    return classify(
        per_capita_income=D(income), financial_assets_per_person=D(assets), flags=flags, policy=policy
    ).category


def test_income_one_cent_below_standard_is_dibao():
    assert category("1199.99") == DIBAO


def test_income_equal_to_standard_is_not_dibao_but_low_income():
    assert category("1200.00") == LOW_INCOME


def test_income_equal_to_low_income_line_is_low_income():
    assert POLICY.low_income_line == D("1800.00")
    assert category("1800.00") == LOW_INCOME


def test_income_one_cent_above_low_income_line_is_above():
    assert category("1800.01") == ABOVE


def test_low_income_line_follows_the_policy_multiple():
    assert category("2400.00", policy=POLICY.but(low_income_multiple=D("2"))) == LOW_INCOME


def test_financial_assets_exactly_at_limit_are_within_it():
    assert asset_limit_per_person(policy=POLICY) == D("28800.00")
    assert category("500", assets="28800.00") == DIBAO


def test_financial_assets_one_cent_over_limit_fail_with_their_reason():
    result = classify(
        per_capita_income=D("500"), financial_assets_per_person=D("28800.01"), flags=NO_FLAGS, policy=POLICY
    )
    assert result.category == ABOVE
    assert not result.assets_within_limits
    assert "assets_above_limit" in [r.code for r in result.reasons]


@pytest.mark.parametrize(
    ("flags", "code"),
    [
        (AssetFlags(vehicle=True), "asset_vehicle"),
        (AssetFlags(second_home=True), "asset_second_home"),
        (AssetFlags(registered_business=True), "asset_registered_business"),
    ],
)
def test_each_asset_flag_fails_the_asset_test_with_its_own_reason(flags, code):
    result = classify(per_capita_income=D("500"), financial_assets_per_person=D("0"), flags=flags, policy=POLICY)
    assert result.category == ABOVE
    assert [r.code for r in result.reasons] == ["income_below_standard", code]


def test_exempt_vehicle_does_not_fail_the_asset_test():
    assert category("500", flags=AssetFlags(vehicle=True, vehicle_exempt=True)) == DIBAO


def test_all_failing_assets_are_listed():
    flags = AssetFlags(vehicle=True, second_home=True, registered_business=True)
    result = classify(per_capita_income=D("1500"), financial_assets_per_person=D("99999"), flags=flags, policy=POLICY)
    assert [r.code for r in result.reasons] == [
        "income_within_low_income_line",
        "assets_above_limit",
        "asset_vehicle",
        "asset_second_home",
        "asset_registered_business",
    ]


def test_classify_household_sums_kinds_and_divides_by_members():
    facts = IncomeFacts(
        members=3,
        monthly_income_by_kind={"wages": D("2000"), "support": D("600"), "business": D("-200")},
        deposits=D("30000"),
        securities=D("10000"),
        homes=1,
    )
    assert facts.total_monthly_income == D("2400.00")
    assert classify_household(facts=facts, policy=POLICY).category == DIBAO  # 800 per person


def test_income_facts_reject_unknown_income_kind():
    with pytest.raises(ValueError, match="lottery"):
        IncomeFacts(members=1, monthly_income_by_kind={"lottery": D("1")})


def test_income_facts_second_home_and_vehicle_become_flags():
    flags = IncomeFacts(members=2, homes=2, vehicles=1, vehicle_exempt=True).flags
    assert flags == AssetFlags(vehicle=True, vehicle_exempt=True, second_home=True, registered_business=False)


def test_zero_members_is_rejected():
    with pytest.raises(ValueError):
        per_capita_monthly_income(total_monthly_income=D("100"), members=0)


def test_per_capita_income_rounds_half_up_to_the_cent():
    assert per_capita_monthly_income(total_monthly_income=D("100.00"), members=3) == D("33.33")
    assert per_capita_monthly_income(total_monthly_income=D("0.05"), members=2) == D("0.03")


def test_monthly_from_annual_divides_by_twelve_half_up():
    assert monthly_from_annual(D("14400")) == D("1200.00")
    assert monthly_from_annual(D("1000")) == D("83.33")
    assert monthly_from_annual(D("0.06")) == D("0.01")  # 0.005 rounds up


@given(
    st.decimals(min_value=D("-10000"), max_value=D("1000000"), places=2),
    st.integers(min_value=1, max_value=20),
)
def test_per_capita_income_times_members_is_within_a_cent_per_member_of_the_total(total, members):
    per_capita = per_capita_monthly_income(total_monthly_income=total, members=members)
    assert abs(per_capita * members - total) <= D("0.01") * members
    assert per_capita == per_capita.quantize(D("0.01"))


def test_dibao_amount_is_gap_times_members():
    assert dibao_monthly_amount(per_capita_income=D("800.00"), members=3, policy=POLICY) == D("1200.00")


def test_dibao_amount_is_zero_at_the_standard():
    assert dibao_monthly_amount(per_capita_income=D("1200.00"), members=3, policy=POLICY) == D("0.00")


def test_dibao_amount_is_zero_when_assets_fail():
    amount = dibao_monthly_amount(per_capita_income=D("100"), members=2, policy=POLICY, assets_within_limits=False)
    assert amount == D("0.00")


def test_dibao_amount_has_a_floor_per_member_when_eligible():
    policy = POLICY.but(dibao_min_amount=D("100.00"))
    assert dibao_monthly_amount(per_capita_income=D("1199.99"), members=2, policy=policy) == D("200.00")
    assert dibao_monthly_amount(per_capita_income=D("1000.00"), members=2, policy=policy) == D("400.00")


def test_dibao_amount_counts_a_net_loss_as_zero_income():
    assert dibao_monthly_amount(per_capita_income=D("-300"), members=2, policy=POLICY) == D("2400.00")


def test_temporary_aid_cap_is_multiple_of_standard_per_member():
    assert temporary_aid_cap(members=2, severe=False, policy=POLICY) == D("14400.00")
    assert temporary_aid_cap(members=2, severe=True, policy=POLICY) == D("28800.00")


def test_new_work_income_is_disregarded_within_the_period_up_to_the_cap():
    started = date(2026, 1, 31)
    assert disregarded_work_income(
        monthly_work_income=D("2000"), work_started_on=started, today=date(2026, 7, 30), policy=POLICY
    ) == D("2000.00")
    assert disregarded_work_income(
        monthly_work_income=D("5000"), work_started_on=started, today=date(2026, 2, 1), policy=POLICY
    ) == D("3600.00")


def test_new_work_income_counts_again_after_the_end_of_the_period():
    # 6 months after 2026-01-31 (not counted, 民法典 art. 201) end on 2026-07-31, its last day
    # (the disregard used to stop on that day); the income counts again from 2026-08-01.
    assert disregarded_work_income(
        monthly_work_income=D("2000"), work_started_on=date(2026, 1, 31), today=date(2026, 7, 31), policy=POLICY
    ) == D("2000.00")
    assert disregarded_work_income(
        monthly_work_income=D("2000"), work_started_on=date(2026, 1, 31), today=date(2026, 8, 1), policy=POLICY
    ) == D("0.00")


def test_reason_parameters_are_json_serialisable_strings():
    result = classify(
        per_capita_income=D("1500"), financial_assets_per_person=D("30000"), flags=NO_FLAGS, policy=POLICY
    )
    json.dumps([dict(r.params) for r in result.reasons])
    assert str(result.reasons[0]) == (
        "Per-capita monthly income of 1500.00 yuan is not below the standard of 1200.00 yuan "
        "but does not exceed the low-income line of 1800.00 yuan."
    )

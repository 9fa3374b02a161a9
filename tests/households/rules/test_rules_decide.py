"""The decision rule: load facts, ask ``decide``, save what it says."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from households.rules.procedure import COUNTY_CIVIL, TOWNSHIP_OFFICER, DecisionFacts, VerifiedIncome, decide
from jiuzhu.policy import Policy

ON = date(2026, 11, 29)
POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal("1000"), temp_aid_township_limit=Decimal("3000"))
CATEGORIES = ("dibao", "low_income", "tekun", "temporary")


def facts(**changes) -> DecisionFacts:
    base = {
        "role": COUNTY_CIVIL,
        "approve": True,
        "category": "dibao",
        "categories": CATEGORIES,
        "verification": VerifiedIncome(Decimal("400"), 3, True),
    }
    return DecisionFacts(**{**base, **changes})


def test_a_dibao_approval_computes_the_amount_and_starts_next_month():
    decision = decide(facts(), policy=POLICY, on=ON)
    assert decision.ok and decision.approved and decision.amount == Decimal("1800.00")
    assert (decision.start_on, decision.end_on) == (date(2026, 12, 1), None)


def test_a_dibao_approval_without_verification_or_eligibility_is_refused_with_the_field():
    assert decide(facts(verification=None), policy=POLICY, on=ON).field == "monthly_amount"
    rich = decide(facts(verification=VerifiedIncome(Decimal("1200"), 3, True)), policy=POLICY, on=ON)
    assert [r.code for r in rich.reasons] == ["decide.not_eligible"]


def test_temporary_aid_is_capped_and_the_township_decides_it_up_to_its_limit():
    one_off = facts(category="temporary", entered_amount=Decimal("6000.01"), members_counted=1, verification=None)
    assert [r.code for r in decide(one_off, policy=POLICY, on=ON).reasons] == ["above_temporary_aid_cap"]
    three = facts(category="temporary", entered_amount=Decimal("3000"), members_counted=3, role=TOWNSHIP_OFFICER)
    decision = decide(three, policy=POLICY, on=ON)
    assert decision.ok and decision.by_township and decision.end_on == ON  # 以内: the limit itself is the township's
    over = decide(
        facts(category="temporary", entered_amount=Decimal("3000.01"), members_counted=4, role=TOWNSHIP_OFFICER),
        policy=POLICY,
        on=ON,
    )
    assert [r.code for r in over.reasons] == ["decide.township_limit"]


def test_the_township_may_not_decide_other_categories_nor_refuse():
    assert decide(facts(role=TOWNSHIP_OFFICER), policy=POLICY, on=ON).forbidden
    assert decide(facts(role=TOWNSHIP_OFFICER, approve=False, reason="收入超标"), policy=POLICY, on=ON).forbidden


def test_a_refusal_needs_written_reasons_and_a_second_enrolment_is_refused():
    assert decide(facts(approve=False, reason="  "), policy=POLICY, on=ON).field == "reason"
    assert decide(facts(approve=False, reason="收入超标"), policy=POLICY, on=ON).ok
    assert [r.code for r in decide(facts(live_enrolment=True), policy=POLICY, on=ON).reasons] == ["already_enrolled"]
    assert decide(facts(category="nonsense"), policy=POLICY, on=ON).field == "category"

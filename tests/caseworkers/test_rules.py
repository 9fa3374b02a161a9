import pytest

from caseworkers.rules import case_transition, referral_transition


@pytest.mark.parametrize(("current", "target"), [("sent", "accepted"), ("accepted", "done")])
def test_referral_moves_forward(current, target):
    assert referral_transition(current, target).ok


@pytest.mark.parametrize("current", ["sent", "accepted"])
def test_referral_fails_only_with_a_reason(current):
    assert referral_transition(current, "failed", reason="no place").ok
    refused = referral_transition(current, "failed", reason="  ")
    assert not refused.ok and refused.reasons[0].code == "referral_reason"


def test_referral_cannot_be_done_before_it_is_accepted():
    result = referral_transition("sent", "done")
    assert not result.ok and result.reasons[0].code == "referral_bad_step"


@pytest.mark.parametrize("closed", ["done", "failed"])
@pytest.mark.parametrize("target", ["sent", "accepted", "done", "failed"])
def test_closed_referrals_never_change(closed, target):
    result = referral_transition(closed, target, reason="x")
    assert not result.ok and result.reasons[0].code == "referral_closed"


def test_typical_case_needs_anonymisation_to_be_submitted_and_approval_after_submission():
    assert not case_transition("draft", "submitted", anonymised=False).ok
    assert case_transition("draft", "submitted", anonymised=True).ok
    assert not case_transition("draft", "approved").ok
    assert case_transition("submitted", "approved").ok
    assert case_transition("returned", "submitted").ok
    assert not case_transition("approved", "returned").ok


def test_a_case_write_up_with_an_id_number_or_a_mobile_number_is_refused():
    from caseworkers.rules import personal_numbers_in_text

    assert personal_numbers_in_text("张某，身份证 33040219800101123X，家住某村").reasons[0].code == "case_id_number"
    assert personal_numbers_in_text("联系电话 138 1234 5678").reasons[0].code == "case_phone"
    assert personal_numbers_in_text("电话１３８１２３４５６７８").reasons[0].code == "case_phone"  # full-width
    assert personal_numbers_in_text("标题", "+8613812345678").reasons[0].code == "case_phone"
    # Dates, amounts and landlines are not personal numbers of the household.
    assert personal_numbers_in_text("2026-11-29 走访，月收入 1200 元，村委 0573-82012345").ok

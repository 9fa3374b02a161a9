"""Plain rules of the procedure: which step may follow which, the urgent path, the
township limit, the notice period and the due step, across 2026's holidays."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from households.procedure.workdays import chinese_calendar_adapter
from households.rules import procedure as proc
from jiuzhu.policy import Policy

POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
CN = chinese_calendar_adapter()


def facts(status, **kw):
    return proc.ProcedureFacts(status=status, **kw)


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("submit", "draft"),
        ("start_investigation", "submitted"),
        ("record_investigation", "investigating"),
        ("mark_urgent", "submitted"),
        ("record_objection", "notice"),
        ("close_notice", "notice"),
        ("decide", "under_review"),
        ("deliver", "approved"),
        ("deliver", "rejected"),
    ],
)
def test_each_step_follows_its_predecessor(action, status):
    assert proc.transition_reasons(action, facts(status)) == ()


@pytest.mark.parametrize(
    ("action", "status"),
    [
        ("submit", "submitted"),
        ("start_investigation", "draft"),
        ("start_notice", "submitted"),
        ("close_notice", "investigating"),
        ("decide", "submitted"),
        ("decide", "notice"),
        ("deliver", "under_review"),
        ("record_objection", "under_review"),
    ],
)
def test_no_step_is_skipped(action, status):
    assert proc.transition_reasons(action, facts(status)) != ()


def test_notice_starts_only_after_a_complete_investigation():
    assert proc.transition_reasons("start_notice", facts("investigating"))[0].code == "investigation_incomplete"
    assert proc.transition_reasons("start_notice", facts("investigating", investigation_complete=True)) == ()


def test_open_objections_block_closing_the_notice():
    reasons = proc.transition_reasons("close_notice", facts("notice", unresolved_objections=2))
    assert reasons[0].code == "objections_open"


def test_urgent_may_be_decided_before_investigation_and_notice():
    for status in ("submitted", "investigating", "notice"):
        assert proc.transition_reasons("decide", facts(status, urgent=True)) == ()


def test_urgent_decided_application_catches_up_and_lists_missing_steps():
    decided = facts("approved", urgent=True)
    assert proc.missing_steps(decided) == ("investigation", "notice")
    assert proc.transition_reasons("start_investigation", decided) == ()
    assert proc.transition_reasons("start_notice", decided)[0].code == "investigation_incomplete"
    done_inv = facts("approved", urgent=True, investigation_started=True, investigation_complete=True)
    assert proc.missing_steps(done_inv) == ("notice",)
    assert proc.transition_reasons("start_notice", done_inv) == ()
    all_done = facts("approved", urgent=True, investigation_complete=True, notice_started=True, notice_closed=True)
    assert proc.missing_steps(all_done) == ()


def test_a_non_urgent_decided_application_cannot_reopen_steps():
    assert proc.transition_reasons("start_investigation", facts("approved")) != ()
    assert proc.transition_reasons("decide", facts("approved"))[0].code == "already_decided"


def test_roles():
    assert proc.role_may("submit", "caseworker") and not proc.role_may("submit", "county_civil")
    assert proc.role_may("start_notice", "township_officer") and not proc.role_may("start_notice", "caseworker")
    assert proc.role_may("decide", "county_civil") and not proc.role_may("decide", "city_civil")
    assert all(proc.role_may(a, "admin") for a in proc.ACTIONS)


def test_township_limit_includes_the_limit_and_not_one_cent_more():
    assert proc.township_may_decide(category="temporary", amount=Decimal("1000.00"), policy=POLICY)
    assert not proc.township_may_decide(category="temporary", amount=Decimal("1000.01"), policy=POLICY)
    assert not proc.township_may_decide(category="dibao", amount=Decimal("1.00"), policy=POLICY)
    lower = POLICY.but(temp_aid_township_limit=Decimal("500.00"))
    assert not proc.township_may_decide(category="temporary", amount=Decimal("500.01"), policy=lower)


def test_notice_period_counts_both_ends():
    assert proc.notice_period_reasons(start=date(2026, 11, 16), end=date(2026, 11, 22), policy=POLICY) == ()
    assert (
        proc.notice_period_reasons(start=date(2026, 11, 16), end=date(2026, 11, 21), policy=POLICY)[0].code
        == "notice_too_short"
    )
    assert (
        proc.notice_period_reasons(start=date(2026, 11, 16), end=date(2026, 11, 15), policy=POLICY)[0].code
        == "notice_end_before_start"
    )


def test_due_step_of_an_investigation_received_before_spring_festival():
    due = proc.due_step(
        status="investigating",
        received_on=date(2026, 2, 10),
        notice_end=None,
        notice_closed_on=None,
        calendar=CN,
        policy=POLICY,
    )
    assert due == proc.DueStep("investigation", date(2026, 3, 9))


def test_due_decision_after_a_notice_closed_on_national_day_eve():
    due = proc.due_step(
        status="under_review",
        received_on=date(2026, 9, 1),
        notice_end=date(2026, 9, 29),
        notice_closed_on=date(2026, 9, 30),
        calendar=CN,
        policy=POLICY,
    )
    assert due == proc.DueStep("decision", date(2026, 10, 13))  # Oct 8, 9, 10 (Sat make-up), 12, 13


def test_decided_applications_have_no_due_step():
    assert (
        proc.due_step(
            status="approved",
            received_on=date(2026, 9, 1),
            notice_end=None,
            notice_closed_on=None,
            calendar=CN,
            policy=POLICY,
        )
        is None
    )


def test_days_left_counts_working_days_and_goes_negative():
    assert proc.days_left(date(2026, 2, 24), date(2026, 2, 13), CN) == 2  # Sat 14 (make-up), Tue 24
    assert proc.days_left(date(2026, 2, 13), date(2026, 2, 24), CN) == -2


def test_first_of_next_month():
    assert proc.first_of_next_month(date(2026, 11, 30)) == date(2026, 12, 1)
    assert proc.first_of_next_month(date(2026, 12, 1)) == date(2027, 1, 1)

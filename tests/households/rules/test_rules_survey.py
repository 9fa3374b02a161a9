"""The survey rule: every problem of a home-visit record at once, by field."""

from __future__ import annotations

from datetime import date

from households.rules.survey import CHANGED, CONFIRMED, MemberCheck, survey_problems

TODAY = date(2026, 11, 29)
MEMBERS = {1: "张明", 2: "张小红"}


def problems(**changes):
    facts = {
        "visited_on": TODAY,
        "today": TODAY,
        "follow_up_on": None,
        "present": 2,
        "present_from_township": 2,
        "members": MEMBERS,
        "checks": {1: MemberCheck(CONFIRMED), 2: MemberCheck(CONFIRMED)},
    }
    found = survey_problems(**{**facts, **changes})
    return {field: [r.code for r in reasons] for field, reasons in found.items()}


def test_a_complete_survey_today_has_no_problem():
    assert problems() == {}


def test_a_visit_after_today_is_refused_and_today_is_not():
    assert problems(visited_on=date(2026, 11, 30)) == {"visited_on": ["date.future"]}
    assert problems(visited_on=TODAY) == {}


def test_the_follow_up_must_come_after_the_visit():
    assert problems(follow_up_on=TODAY) == {"follow_up_on": ["date.planned_not_after"]}
    assert problems(follow_up_on=date(2026, 12, 1)) == {}


def test_two_people_of_the_township_must_be_present():
    assert problems(present=1, present_from_township=1) == {"present": ["survey.two_present"]}
    assert problems(present=2, present_from_township=1) == {"present": ["survey.present_township"]}


def test_every_active_member_needs_an_outcome_and_a_change_needs_a_note():
    found = problems(checks={1: MemberCheck(CHANGED, "  "), 3: MemberCheck(CONFIRMED)})
    assert found == {
        "member_1": ["survey.no_change_note"],
        "member_2": ["survey.no_outcome"],
        "non_field_errors": ["survey.foreign_member"],
    }
    assert problems(checks={1: MemberCheck("maybe"), 2: MemberCheck(CHANGED, "搬去杭州")}) == {
        "member_1": ["survey.bad_outcome"]
    }


def test_a_member_named_in_the_reason_is_the_one_missing():
    [reason] = survey_problems(
        visited_on=TODAY,
        today=TODAY,
        follow_up_on=None,
        present=2,
        present_from_township=2,
        members=MEMBERS,
        checks={1: MemberCheck(CONFIRMED)},
    )["member_2"]
    assert reason.render() == "Say whether 张小红 was confirmed, changed or not met."

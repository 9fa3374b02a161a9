"""Staffing rules at their boundaries (no database, no Django)."""

from __future__ import annotations

import ast
import re
from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from jiuzhu.policy import Policy
from jiuzhu.reasons import Reason
from staffing.rules import (
    CREDIT_CODE_ALPHABET,
    CREDIT_CODE_AUTHORITIES,
    CREDIT_CODE_TYPES,
    Candidate,
    Gap,
    Post,
    add_years,
    age_on,
    appraisal_consequences,
    check_contract,
    check_credit_code,
    check_funding,
    check_recruitment,
    credit_code_check_character,
    education_rank,
    first_check_date,
    qualification_deadline,
    required_transfer,
    township_gaps,
)

REPO = Path(__file__).resolve().parents[2]
POLICY = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200))
CHECK = date(2026, 6, 1)


def codes(reasons: tuple[Reason, ...]) -> list[str]:
    return [r.code for r in reasons]


def test_rules_never_read_the_clock():
    source = (REPO / "staffing" / "rules.py").read_text(encoding="utf-8")
    for call in ("today()", "now(", "utcnow(", "time.time", "localtime"):
        assert call not in source, call


# --------------------------------------------------------------------------- age


def test_age_turns_on_birthday_not_the_day_before():
    assert age_on(date(1990, 6, 1), date(2026, 5, 31)) == 35
    assert age_on(date(1990, 6, 1), date(2026, 6, 1)) == 36


def test_feb_29_birthday_counts_on_march_1_in_common_years():
    born = date(2000, 2, 29)
    assert age_on(born, date(2026, 2, 28)) == 25
    assert age_on(born, date(2026, 3, 1)) == 26
    assert age_on(born, date(2028, 2, 29)) == 28
    assert age_on(born, date(2028, 2, 28)) == 27


def test_add_years_ends_feb_29_on_feb_28_in_a_common_year():
    # 民法典 art. 202: no corresponding day → the month's last day (was 1 March).
    assert add_years(date(2024, 2, 29), 1) == date(2025, 2, 28)
    assert add_years(date(2024, 2, 29), 4) == date(2028, 2, 29)


def test_age_before_birth_is_an_error():
    with pytest.raises(ValueError):
        age_on(date(2000, 1, 2), date(2000, 1, 1))


# --------------------------------------------------------------------------- recruitment


def candidate(**changes) -> Candidate:
    base = Candidate(
        check_date=CHECK,
        birth_date=date(1995, 1, 1),
        hukou_in_jiaxing=True,
        healthy=True,
        computer_literate=True,
        education="bachelor",
        full_time_education=True,
        work_years=Decimal(3),
        civil_affairs_or_community_experience=False,
        social_work_certificate="none",
        from_household_in_difficulty=False,
    )
    return replace(base, **changes)


def born_years_before(years: int, *, days_offset: int = 0) -> date:
    """Birth date whose ``years``-th birthday is CHECK shifted by ``days_offset`` days."""
    return date(CHECK.year - years, CHECK.month, CHECK.day) + timedelta(days=days_offset)


def test_plain_candidate_is_eligible():
    decision = check_recruitment(candidate=candidate(), policy=POLICY)
    assert decision.eligible and decision.reasons == () and not decision.relaxed and not decision.priority


def test_candidate_day_before_36th_birthday_is_young_enough():
    # 36th birthday is tomorrow: still 35, 35周岁以下 includes 35.
    decision = check_recruitment(
        candidate=candidate(birth_date=born_years_before(36, days_offset=1)),
        policy=POLICY,
    )
    assert decision.eligible


def test_candidate_on_36th_birthday_is_too_old():
    decision = check_recruitment(candidate=candidate(birth_date=born_years_before(36)), policy=POLICY)
    assert not decision.eligible
    assert codes(decision.reasons) == ["age_over"]
    assert dict(decision.reasons[0].params) == {
        "age": 36,
        "date": "2026-06-01",
        "limit": 35,
    }
    assert str(decision.reasons[0]) == "Aged 36 on 2026-06-01: the limit is 35 or under."


def test_candidate_on_36th_birthday_with_community_experience_is_eligible_and_relaxed():
    decision = check_recruitment(
        candidate=candidate(birth_date=born_years_before(36), civil_affairs_or_community_experience=True),
        policy=POLICY,
    )
    assert decision.eligible and decision.relaxed


def test_candidate_day_before_39th_birthday_with_certificate_is_eligible():
    decision = check_recruitment(
        candidate=candidate(
            birth_date=born_years_before(39, days_offset=1),
            social_work_certificate="assistant",
        ),
        policy=POLICY,
    )
    assert decision.eligible and decision.relaxed


def test_candidate_on_39th_birthday_is_too_old_even_with_r4():
    decision = check_recruitment(
        candidate=candidate(birth_date=born_years_before(39), social_work_certificate="intermediate"),
        policy=POLICY,
    )
    assert not decision.eligible and not decision.relaxed
    assert dict(decision.reasons[0].params)["limit"] == 38


def test_candidate_day_before_39th_birthday_without_r4_is_too_old():
    decision = check_recruitment(
        candidate=candidate(birth_date=born_years_before(39, days_offset=1)),
        policy=POLICY,
    )
    assert codes(decision.reasons) == ["age_over"]


def test_r4_not_needed_is_not_reported_as_relaxed():
    decision = check_recruitment(candidate=candidate(civil_affairs_or_community_experience=True), policy=POLICY)
    assert decision.eligible and not decision.relaxed


def test_age_limits_come_from_the_policy():
    policy = POLICY.but(recruit_max_age=40, recruit_max_age_relaxed=45)
    decision = check_recruitment(candidate=candidate(birth_date=born_years_before(40)), policy=policy)
    assert decision.eligible


def test_exactly_two_years_experience_is_enough():
    assert check_recruitment(candidate=candidate(work_years=Decimal(2)), policy=POLICY).eligible


def test_just_under_two_years_experience_fails():
    decision = check_recruitment(candidate=candidate(work_years=Decimal("1.99")), policy=POLICY)
    assert codes(decision.reasons) == ["work_years_short"]


def test_r4_does_not_relax_work_experience():
    decision = check_recruitment(
        candidate=candidate(work_years=Decimal(1), civil_affairs_or_community_experience=True),
        policy=POLICY,
    )
    assert codes(decision.reasons) == ["work_years_short"]


def test_full_time_college_is_enough():
    assert check_recruitment(candidate=candidate(education="college"), policy=POLICY).eligible


def test_part_time_degree_fails_without_r4():
    decision = check_recruitment(candidate=candidate(full_time_education=False), policy=POLICY)
    assert codes(decision.reasons) == ["education_below_college"]


def test_high_school_fails_without_r4():
    decision = check_recruitment(candidate=candidate(education="high_school"), policy=POLICY)
    assert codes(decision.reasons) == ["education_below_college"]


def test_high_school_not_full_time_passes_with_r4_and_is_relaxed():
    decision = check_recruitment(
        candidate=candidate(
            education="high_school",
            full_time_education=False,
            social_work_certificate="assistant",
        ),
        policy=POLICY,
    )
    assert decision.eligible and decision.relaxed


def test_relaxed_reported_even_when_other_conditions_fail():
    decision = check_recruitment(
        candidate=candidate(
            education="high_school",
            hukou_in_jiaxing=False,
            civil_affairs_or_community_experience=True,
        ),
        policy=POLICY,
    )
    assert not decision.eligible and decision.relaxed
    assert codes(decision.reasons) == ["hukou_outside_jiaxing"]


def test_every_failing_reason_is_given():
    decision = check_recruitment(
        candidate=candidate(
            hukou_in_jiaxing=False,
            healthy=False,
            computer_literate=False,
            education="high_school",
            work_years=Decimal(0),
            birth_date=born_years_before(50),
        ),
        policy=POLICY,
    )
    assert codes(decision.reasons) == [
        "hukou_outside_jiaxing",
        "age_over",
        "not_healthy",
        "not_computer_literate",
        "education_below_college",
        "work_years_short",
    ]


def test_priority_follows_household_in_difficulty():
    assert check_recruitment(candidate=candidate(from_household_in_difficulty=True), policy=POLICY).priority


def test_priority_only_for_an_eligible_candidate():
    # priority "on equal terms" ranks eligible candidates; it does not rescue a failed condition.
    decision = check_recruitment(
        candidate=candidate(from_household_in_difficulty=True, hukou_in_jiaxing=False),
        policy=POLICY,
    )
    assert not decision.eligible and not decision.priority


def test_unknown_education_or_certificate_is_an_error():
    with pytest.raises(ValueError):
        check_recruitment(candidate=candidate(education="phd"), policy=POLICY)
    with pytest.raises(ValueError):
        check_recruitment(candidate=candidate(social_work_certificate="gold"), policy=POLICY)


def test_education_rank_orders_levels():
    ranks = [education_rank(e) for e in ("high_school", "college", "bachelor", "master", "doctorate")]
    assert ranks == sorted(ranks) and len(set(ranks)) == 5


def test_results_are_frozen():
    decision = check_recruitment(candidate=candidate(), policy=POLICY)
    with pytest.raises(FrozenInstanceError):
        decision.eligible = False  # type: ignore[misc]


# --------------------------------------------------------------------------- contract


def contract(**changes):
    kwargs = {
        "start": date(2026, 1, 1),
        "end": date(2028, 12, 31),
        "monthly_pay": Decimal(6000),
        "township_reference_pay": Decimal(6000),
        "social_insurance_enrolled": True,
        "policy": POLICY,
    }
    kwargs.update(changes)
    return check_contract(**kwargs)


def test_contract_of_exactly_three_years_with_pay_equal_to_reference_is_ok():
    assert contract().ok


def test_contract_one_day_short_of_three_years_fails():
    result = contract(end=date(2028, 12, 30))
    assert codes(result.reasons) == ["contract_too_short"]
    assert dict(result.reasons[0].params)["needed"] == "2028-12-31"


def test_open_ended_contract_is_ok():
    assert contract(end=None).ok


def test_contract_starting_on_feb_29_needs_to_run_to_feb_28_three_years_on():
    assert contract(start=date(2024, 2, 29), end=date(2027, 2, 28)).ok
    assert not contract(start=date(2024, 2, 29), end=date(2027, 2, 27)).ok


def test_pay_one_cent_below_reference_fails():
    assert codes(contract(monthly_pay=Decimal("5999.99")).reasons) == ["pay_below_reference"]


def test_contract_gives_every_failing_reason():
    result = contract(end=date(2027, 1, 1), monthly_pay=Decimal(1), social_insurance_enrolled=False)
    assert codes(result.reasons) == [
        "contract_too_short",
        "pay_below_reference",
        "no_social_insurance",
    ]


def test_contract_ending_before_start_is_reported():
    assert codes(contract(end=date(2025, 12, 31)).reasons) == ["contract_ends_before_start"]


def test_minimum_contract_years_come_from_policy():
    assert not contract(policy=POLICY.but(min_contract_years=4)).ok


# --------------------------------------------------------------------------- appraisal


def test_excellent_grade_makes_a_reward_due():
    outcome = appraisal_consequences(grades_by_year={2026: "excellent"}, last_place_years=set(), year=2026)
    assert outcome.reward_due and not outcome.dismissal_due
    assert codes(outcome.reasons) == ["appraisal_excellent"]


def test_excellent_in_another_year_gives_no_reward_now():
    outcome = appraisal_consequences(
        grades_by_year={2025: "excellent", 2026: "qualified"},
        last_place_years=set(),
        year=2026,
    )
    assert not outcome.reward_due and outcome.reasons == ()


def test_unqualified_grade_makes_dismissal_due():
    outcome = appraisal_consequences(grades_by_year={2026: "unqualified"}, last_place_years=set(), year=2026)
    assert outcome.dismissal_due and codes(outcome.reasons) == ["appraisal_unqualified"]


def test_basically_qualified_has_no_consequence():
    outcome = appraisal_consequences(grades_by_year={2026: "basically_qualified"}, last_place_years=set(), year=2026)
    assert outcome == appraisal_consequences(grades_by_year={}, last_place_years=set(), year=2026)
    assert not outcome.reward_due and not outcome.dismissal_due


def test_last_place_two_consecutive_years_makes_dismissal_due():
    outcome = appraisal_consequences(
        grades_by_year={2025: "qualified", 2026: "qualified"},
        last_place_years={2025, 2026},
        year=2026,
    )
    assert outcome.dismissal_due and codes(outcome.reasons) == ["last_place_two_years"]


def test_last_place_in_non_consecutive_years_does_not():
    outcome = appraisal_consequences(grades_by_year={}, last_place_years={2024, 2026}, year=2026)
    assert not outcome.dismissal_due


def test_last_place_this_year_and_next_is_not_judged_this_year():
    outcome = appraisal_consequences(grades_by_year={}, last_place_years={2026, 2027}, year=2026)
    assert not outcome.dismissal_due


def test_last_place_years_may_be_a_mapping_of_flags():
    yes = appraisal_consequences(grades_by_year={}, last_place_years={2025: True, 2026: True}, year=2026)
    no = appraisal_consequences(grades_by_year={}, last_place_years={2025: False, 2026: True}, year=2026)
    assert yes.dismissal_due and not no.dismissal_due


def test_unknown_grade_is_an_error():
    with pytest.raises(ValueError):
        appraisal_consequences(grades_by_year={2026: "good"}, last_place_years=set(), year=2026)


# --------------------------------------------------------------------------- qualification deadline


HIRE = date(2021, 3, 10)  # deadline 2026-03-10


def status(today: date, level=None, obtained_on=None, policy=POLICY):
    return qualification_deadline(hire_date=HIRE, level=level, obtained_on=obtained_on, today=today, policy=policy)


def test_qualification_deadline_day_before_has_one_day_left():
    s = status(date(2026, 3, 9))
    assert s.deadline == date(2026, 3, 10) and s.days_left == 1 and not s.overdue and not s.met


def test_qualification_deadline_day_of_is_not_overdue():
    s = status(date(2026, 3, 10))
    assert s.days_left == 0 and not s.overdue


def test_qualification_deadline_day_after_is_overdue():
    s = status(date(2026, 3, 11))
    assert s.days_left == -1 and s.overdue


def test_intermediate_obtained_on_deadline_day_is_met():
    s = status(date(2026, 3, 11), level="intermediate", obtained_on=date(2026, 3, 10))
    assert s.met and not s.overdue


def test_intermediate_obtained_day_after_deadline_is_late():
    s = status(date(2026, 4, 1), level="intermediate", obtained_on=date(2026, 3, 11))
    assert not s.met and s.overdue


def test_assistant_level_does_not_meet_the_requirement():
    s = status(date(2026, 1, 1), level="assistant", obtained_on=date(2022, 1, 1))
    assert not s.met


def test_senior_obtained_before_hiring_is_met():
    assert status(date(2022, 1, 1), level="senior", obtained_on=date(2019, 1, 1)).met


def test_certificate_dated_in_the_future_is_not_held_yet():
    assert not status(date(2024, 1, 1), level="intermediate", obtained_on=date(2025, 1, 1)).met


def test_qualification_deadline_years_come_from_policy_with_feb_29_hire():
    s = qualification_deadline(
        hire_date=date(2024, 2, 29),
        level=None,
        obtained_on=None,
        today=date(2027, 1, 1),
        policy=POLICY.but(qualification_deadline_years=3),
    )
    assert s.deadline == date(2027, 2, 28)  # art. 202 (was 1 March: a day late counted as in time)


def test_title_obtained_on_1_march_after_a_feb_29_hire_is_late():
    late = qualification_deadline(
        hire_date=date(2024, 2, 29),
        level="intermediate",
        obtained_on=date(2029, 3, 1),
        today=date(2029, 3, 2),
        policy=POLICY,
    )
    assert late.deadline == date(2029, 2, 28)
    assert not late.met and late.overdue
    in_time = qualification_deadline(
        hire_date=date(2024, 2, 29),
        level="intermediate",
        obtained_on=date(2029, 2, 28),
        today=date(2029, 3, 2),
        policy=POLICY,
    )
    assert in_time.met


def test_level_none_spelled_as_in_candidate_means_no_certificate():
    assert status(date(2026, 3, 11), level="none").overdue


def test_level_without_date_is_an_error():
    with pytest.raises(ValueError):
        status(date(2026, 1, 1), level="intermediate")


# --------------------------------------------------------------------------- compliance gaps

FIRST = first_check_date(POLICY)


def test_first_check_date_comes_from_the_policy():
    assert FIRST == date(2018, 5, 25)
    assert first_check_date(POLICY.but(staffing_first_check_date="2019-01-01")) == date(2019, 1, 1)


def test_gap_between_one_caseworker_leaving_and_the_next_starting():
    posts = [
        Post("330402007", date(2018, 5, 1), date(2020, 6, 30), True),
        Post("330402007", date(2020, 9, 1), None, True),
    ]
    gaps = township_gaps(township_codes=["330402007"], posts=posts, start=FIRST, end=date(2026, 6, 1))
    assert gaps == {"330402007": [Gap(date(2020, 7, 1), date(2020, 8, 31))]}


def test_next_caseworker_starting_the_day_after_leaves_no_gap():
    posts = [
        Post("T", date(2018, 5, 1), date(2020, 6, 30), True),
        Post("T", date(2020, 7, 1), None, True),
    ]
    assert township_gaps(township_codes=["T"], posts=posts, start=FIRST, end=date(2026, 6, 1)) == {"T": []}


def test_late_first_hire_leaves_a_gap_from_the_first_check_date():
    posts = [Post("T", date(2018, 6, 1), None, True)]
    gaps = township_gaps(township_codes=["T"], posts=posts, start=FIRST, end=date(2026, 6, 1))
    assert gaps["T"] == [Gap(FIRST, date(2018, 5, 31))]
    assert gaps["T"][0].days(through=date(2026, 6, 1)) == 7


def test_township_without_posts_has_one_open_gap_and_part_time_does_not_count():
    gaps = township_gaps(
        township_codes=["A", "B"],
        posts=[Post("B", date(2018, 1, 1), None, False)],
        start=FIRST,
        end=date(2026, 6, 1),
    )
    assert gaps == {"A": [Gap(FIRST, None)], "B": [Gap(FIRST, None)]}
    assert gaps["A"][0].days(through=FIRST) == 1


def test_caseworker_who_left_leaves_an_open_gap():
    posts = [Post("T", date(2018, 1, 1), date(2025, 12, 31), True)]
    assert township_gaps(township_codes=["T"], posts=posts, start=FIRST, end=date(2026, 6, 1)) == {
        "T": [Gap(date(2026, 1, 1), None)]
    }


def test_overlapping_and_nested_posts_merge():
    posts = [
        Post("T", date(2018, 1, 1), date(2022, 1, 1), True),
        Post("T", date(2019, 1, 1), date(2020, 1, 1), True),  # nested
        Post("T", date(2021, 6, 1), date(2023, 1, 1), True),  # overlapping
        Post("T", date(2023, 1, 3), None, True),
        Post("X", date(2018, 1, 1), None, True),  # township not checked
    ]
    gaps = township_gaps(township_codes=["T"], posts=posts, start=FIRST, end=date(2026, 6, 1))
    assert gaps == {"T": [Gap(date(2023, 1, 2), date(2023, 1, 2))]}


def test_gaps_ignore_posts_outside_the_window():
    posts = [
        Post("T", date(2010, 1, 1), date(2017, 1, 1), True),
        Post("T", date(2027, 1, 1), None, True),
    ]
    assert township_gaps(township_codes=["T"], posts=posts, start=FIRST, end=date(2026, 6, 1)) == {
        "T": [Gap(FIRST, None)]
    }


@given(
    spans=st.lists(
        st.tuples(st.integers(0, 400), st.integers(0, 120), st.booleans()),
        max_size=8,
    )
)
def test_gaps_are_exactly_the_uncovered_days(spans):
    start, end = date(2020, 1, 1), date(2020, 12, 31)
    posts = [
        Post(
            "T",
            start + timedelta(days=offset - 20),
            None if open_ else start + timedelta(days=offset - 20 + length),
            True,
        )
        for offset, length, open_ in spans
    ]
    covered = set()
    for p in posts:
        d = p.start
        while d <= (p.end or end):
            covered.add(d)
            d += timedelta(days=1)
    gap_days = set()
    for g in township_gaps(township_codes=["T"], posts=posts, start=start, end=end)["T"]:
        d = g.since
        while d <= (g.until or end):
            gap_days.add(d)
            d += timedelta(days=1)
    every_day = {start + timedelta(days=i) for i in range((end - start).days + 1)}
    assert gap_days == every_day - covered


# --------------------------------------------------------------------------- funding

FLOOR = Decimal("50000.00")


def test_full_year_is_one_caseworker_year_at_the_floor():
    line = required_transfer(posts_in_year=[Post("T", date(2020, 1, 1), None, True)], year=2026, floor=FLOOR)
    assert line == type(line)(
        caseworker_years=Decimal("1.000000"),
        days_in_post=365,
        months_in_post=Decimal(12),
        required=Decimal("50000.00"),
        exact_years=Fraction(1),
    )


def test_leap_year_pro_rata_divides_by_366():
    # 2024-07-01..2024-12-31 = 184 days of 366.
    line = required_transfer(posts_in_year=[Post("T", date(2024, 7, 1), None, True)], year=2024, floor=FLOOR)
    assert line.days_in_post == 184
    # 184 / 366 = 0.50273224... → 0.502732 shown; the requirement is 50000 × 184 / 366 =
    # 25136.612 → 25136.61, rounded once (it was 50000 × 0.502732 = 25136.60).
    assert line.caseworker_years == Decimal("0.502732")
    assert line.required == Decimal("25136.61")


def test_required_is_the_floor_times_the_exact_days_rounded_once():
    # 549 / 365 = 1.50410958... is shown as 1.504110, but the requirement is computed from the
    # days: 50000 × 549 / 365 = 75205.479 → 75205.48 (it was 50000 × 1.504110 = 75205.50).
    posts = [Post("T", date(2024, 1, 1), None, True), Post("T", date(2025, 7, 1), None, True)]
    line = required_transfer(posts_in_year=posts, year=2025, floor=FLOOR)
    assert (line.days_in_post, line.caseworker_years) == (549, Decimal("1.504110"))
    assert line.exact_years == Fraction(549, 365)
    assert line.required == Decimal("75205.48")


def test_full_leap_year_is_exactly_the_floor():
    line = required_transfer(
        posts_in_year=[Post("T", date(2024, 1, 1), date(2024, 12, 31), True)],
        year=2024,
        floor=FLOOR,
    )
    assert line.days_in_post == 366 and line.required == FLOOR


def test_half_cent_rounds_up():
    # 1 day of 365 at 36.50 yuan = 0.1 exactly; 1 day at 1.825 yuan/yr = 0.005 -> 0.01
    line = required_transfer(
        posts_in_year=[Post("T", date(2026, 1, 1), date(2026, 1, 1), True)],
        year=2026,
        floor=Decimal("1.825"),
    )
    assert line.required == Decimal("0.01")


def test_two_overlapping_caseworkers_both_count_and_part_time_does_not():
    posts = [
        Post("T", date(2026, 1, 1), None, True),
        Post("T", date(2026, 1, 1), None, True),
        Post("T", date(2026, 1, 1), None, False),
    ]
    line = required_transfer(posts_in_year=posts, year=2026, floor=FLOOR)
    assert line.required == Decimal("100000.00") and line.days_in_post == 730


def test_months_basis_counts_months_held_on_the_15th():
    posts = [Post("T", date(2026, 3, 15), date(2026, 6, 14), True)]  # March, April, May (not June)
    line = required_transfer(posts_in_year=posts, year=2026, floor=FLOOR, basis="months")
    assert line.months_in_post == Decimal(3)
    assert line.required == Decimal("12500.00")
    later = required_transfer(
        posts_in_year=[Post("T", date(2026, 3, 16), date(2026, 6, 15), True)],
        year=2026,
        floor=FLOOR,
        basis="months",
    )
    assert later.months_in_post == Decimal(3)  # April, May, June


def test_months_basis_short_post_not_spanning_a_15th_counts_zero():
    line = required_transfer(
        posts_in_year=[Post("T", date(2026, 3, 1), date(2026, 3, 14), True)],
        year=2026,
        floor=FLOOR,
        basis="months",
    )
    assert line.months_in_post == 0 and line.required == Decimal("0.00") and line.days_in_post == 14


def test_posts_outside_the_year_count_nothing():
    line = required_transfer(
        posts_in_year=[Post("T", date(2020, 1, 1), date(2025, 12, 31), True)],
        year=2026,
        floor=FLOOR,
    )
    assert line.days_in_post == 0 and line.required == Decimal("0.00")


def test_unknown_basis_is_an_error():
    with pytest.raises(ValueError):
        required_transfer(posts_in_year=[], year=2026, floor=FLOOR, basis="weeks")


@given(
    posts=st.lists(
        st.tuples(
            st.dates(date(2023, 1, 1), date(2025, 12, 31)),
            st.integers(0, 900),
            st.booleans(),
        ),
        min_size=0,
        max_size=6,
    ),
    cents=st.integers(0, 10_000_000),
    year=st.sampled_from([2024, 2025]),
    basis=st.sampled_from(["days", "months"]),
)
def test_required_transfer_never_exceeds_floor_times_number_of_posts(posts, cents, year, basis):
    floor = Decimal(cents) / 100
    items = [Post("T", s, s + timedelta(days=n), full) for s, n, full in posts]
    line = required_transfer(posts_in_year=items, year=year, floor=floor, basis=basis)
    assert Decimal(0) <= line.required <= floor * sum(1 for p in items if p.full_time)


def test_transfer_equal_to_requirement_to_the_cent_is_ok():
    assert check_funding(required=Decimal("50000.00"), transferred=Decimal("50000.00")) == check_funding(
        required=Decimal("50000.00"), transferred=Decimal(60000)
    )
    assert check_funding(required=Decimal("50000.00"), transferred=Decimal("50000.00")).ok


def test_transfer_one_cent_short_has_shortfall_of_one_cent():
    result = check_funding(required=Decimal("50000.00"), transferred=Decimal("49999.99"))
    assert not result.ok and result.shortfall == Decimal("0.01")


# --------------------------------------------------------------------------- credit code


def test_published_credit_code_is_valid():
    result = check_credit_code("91350100M000100Y43")
    assert result.valid and result.normal == "91350100M000100Y43" and result.reasons == ()


def test_credit_code_is_normalised_from_full_width_lower_case_and_spaces():
    result = check_credit_code(" ９１３５０１００ｍ０００１００ｙ４３\u3000")
    assert result.valid and result.normal == "91350100M000100Y43"
    assert check_credit_code("9135 0100 m000 100y 43").valid


def test_wrong_check_character_is_reported():
    result = check_credit_code("91350100M000100Y44")
    assert not result.valid and codes(result.reasons) == ["credit_code_check"]


def test_wrong_length_is_reported():
    assert codes(check_credit_code("91350100M000100Y4").reasons) == ["credit_code_length"]


def test_illegal_letters_are_reported_with_position():
    result = check_credit_code("91350100I000100Y43")
    assert codes(result.reasons) == ["credit_code_character"]
    assert dict(result.reasons[0].params) == {"character": "I", "position": 9}
    assert codes(check_credit_code("O1350100S000100Y4").reasons) == [
        "credit_code_length",
        "credit_code_character",
        "credit_code_character",
    ]


def test_check_character_31_becomes_0():
    # a body whose weighted sum is a multiple of 31: then the check character is "0"
    body = next(f"51330402{n:09d}" for n in range(10**6) if credit_code_check_character(f"51330402{n:09d}") == "0")
    assert check_credit_code(body + "0").valid


def test_letters_where_the_authority_type_and_region_codes_go_are_reported():
    # Its check character is right: only the structure of characters 1-8 is wrong.
    result = check_credit_code("91ABCDEF600037341K")
    assert codes(result.reasons) == ["credit_code_region"]
    assert dict(result.reasons[0].params) == {"region": "ABCDEF"}
    body = "9A330402MJA000001"
    assert codes(check_credit_code(body + credit_code_check_character(body)).reasons) == ["credit_code_type"]
    assert codes(check_credit_code("B1350100M000100Y43").reasons) == ["credit_code_authority"]
    assert codes(check_credit_code("90350100M000100Y43").reasons) == ["credit_code_type"]
    for authority in CREDIT_CODE_AUTHORITIES:
        body = f"{authority}1330402MJA000001"
        assert check_credit_code(body + credit_code_check_character(body)).valid


alphabet = st.sampled_from(CREDIT_CODE_ALPHABET)
# A well-formed body: authority, type, six-digit region, then any nine characters.
bodies = st.builds(
    lambda a, t, r, rest: a + t + r + rest,
    st.sampled_from(CREDIT_CODE_AUTHORITIES),
    st.sampled_from(CREDIT_CODE_TYPES),
    st.text(alphabet="0123456789", min_size=6, max_size=6),
    st.text(alphabet=CREDIT_CODE_ALPHABET, min_size=9, max_size=9),
)


@given(body=bodies)
def test_generated_code_round_trips(body):
    assert check_credit_code(body + credit_code_check_character(body)).valid


@given(
    body=bodies,
    position=st.integers(0, 17),
    replacement=alphabet,
)
def test_any_single_character_change_makes_a_valid_code_invalid(body, position, replacement):
    code = body + credit_code_check_character(body)
    changed = code[:position] + replacement + code[position + 1 :]
    if changed != code:
        assert not check_credit_code(changed).valid


# --------------------------------------------------------------------------- translations


def n_templates() -> set[str]:
    tree = ast.parse((REPO / "staffing" / "rules.py").read_text(encoding="utf-8"))
    return {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "N_"
    }


def po_entries(path: Path) -> dict[str, str]:
    """Parse msgid/msgstr pairs (with continuation lines) from a PO file."""
    entries: dict[str, str] = {}
    key, parts = None, {"msgid": "", "msgstr": ""}
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if line.startswith(("msgid ", "msgstr ")):
            key, _, literal = line.partition(" ")
            if key == "msgid" and (parts["msgid"] or parts["msgstr"]):
                entries[parts["msgid"]] = parts["msgstr"]
                parts = {"msgid": "", "msgstr": ""}
            parts[key] = ast.literal_eval(literal)
        elif line.startswith('"') and key:
            parts[key] += ast.literal_eval(line)
    entries[parts["msgid"]] = parts["msgstr"]
    return entries


def test_every_reason_template_has_a_chinese_translation_with_the_same_placeholders():
    entries = po_entries(REPO / "locale-fragments" / "staffing-rules.po")
    assert "charset=UTF-8" in entries[""] and "Language: zh_Hans" in entries[""]
    templates = n_templates()
    assert len(templates) >= 16
    placeholder = re.compile(r"%\((\w+)\)s")
    for template in templates:
        assert template in entries, template
        translated = entries[template]
        assert translated and re.search(r"[\u4e00-\u9fff]", translated), template
        assert sorted(placeholder.findall(translated)) == sorted(placeholder.findall(template)), template
    assert set(entries) - {""} == templates  # no stale entries either


def test_translated_reason_renders_in_chinese():
    entries = po_entries(REPO / "locale-fragments" / "staffing-rules.po")
    decision = check_recruitment(candidate=candidate(birth_date=born_years_before(36)), policy=POLICY)
    assert decision.reasons[0].render(entries.get) == "截至 2026-06-01 已满 36 周岁，年龄超过 35 周岁。"

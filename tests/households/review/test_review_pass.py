"""The nightly set-based pass agrees with the single-household rules, at every edge."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from households import rules
from households.models import Enrolment, Household, ReviewRun, ReviewTask, RunStatus, Verification
from households.review import nightly as review_pass
from jiuzhu.models import Area, AuditEvent, PolicyParameters
from jiuzhu.policy import Policy
from tests.clock import TODAY
from tests.households.review.review_support import enrol, verification

pytestmark = pytest.mark.django_db

INCOME_REASONS = {"exit_candidate", "category_change", "inclusion_candidate", "verification_expired"}


def python_flags(households) -> set[tuple[int, str]]:
    """What the rules say, household by household (the slow reference the SQL must equal)."""
    flags = set()
    for h in households:
        row = PolicyParameters.objects.for_county(Area.objects.get(pk=h.county_id), TODAY.year)
        if row is None:
            continue
        policy = row.as_policy(TODAY.year)
        latest = Verification.objects.filter(household=h).order_by("-verified_on", "-id").first()
        enrolments = list(Enrolment.objects.filter(household=h))
        enrolled = {e.category for e in enrolments if e.status in review_pass.ENROLLED}
        if h.status == "active" and rules.verification_expired(
            verified_on=latest.verified_on if latest else None, today=TODAY, policy=policy
        ):
            flags.add((h.pk, "verification_expired"))
        if latest is None or h.status == "exited":
            continue
        # The exact per-capita income (total ÷ members), as the rules compare it.
        income = rules.per_capita_exact(total=latest.total_income, members=latest.members_counted)
        for e in enrolments:
            if e.status == "active" and e.category in ("dibao", "low_income"):
                if rules.exit_candidate(
                    enrolled_category=e.category,
                    per_capita_income=income,
                    policy=policy,
                    income_rose_from_work=latest.income_from_new_work,
                    today=TODAY,
                ).candidate:
                    flags.add((h.pk, "exit_candidate"))
                if rules.category_change_candidate(
                    enrolled_category=e.category, per_capita_income=income, policy=policy
                ).candidate:
                    flags.add((h.pk, "category_change"))
        if rules.inclusion_candidate(per_capita_income=income, enrolled_categories=enrolled, policy=policy).candidate:
            flags.add((h.pk, "inclusion_candidate"))
    return flags


def sql_flags() -> set[tuple[int, str]]:
    return set(ReviewTask.objects.filter(reason__in=INCOME_REASONS).values_list("household_id", "reason"))


@pytest.fixture
def edges(make):
    """Households around every edge: standard 1200.00 (city), 低边 line 1800.00; 秀洲区 has its own 1300.00."""
    make.policy_row("330400", 2026, "1200.00")
    make.policy_row("330402", 2025, "1100.00")  # older county row: the city's 2026 row is newer and wins
    make.policy_row("330411", 2026, "1300.00")
    cases = {}

    def case(name, income, categories=(), township="330402007", status="active", **kw):
        h = make.household(township, members=kw.get("members", 1), status=status)
        if income is not None or "total" in kw:
            verification(h, per_capita=income, **kw)
        for category in categories:
            enrol(h, category)
        cases[name] = h
        return h

    case("dibao_at_standard", "1200.00", ["dibao"])
    case("dibao_cent_above", "1200.01", ["dibao"])
    case("dibao_cent_below", "1199.99", ["dibao"])
    case("dibao_above_line", "1800.01", ["dibao"])
    case("dibao_from_work", "1500.00", ["dibao"], from_work=True)
    case("low_at_line", "1800.00", ["low_income"])
    case("low_cent_above_line", "1800.01", ["low_income"])
    case("low_below_standard", "1199.99", ["low_income"])
    case("none_cent_below", "1199.99")
    case("none_at_standard", "1200.00")
    case("none_at_line", "1800.00")
    case("none_cent_above_line", "1800.01")
    # A fraction of a cent from a line: the stored per-capita figure (rounded) sits on the line,
    # the exact one (total ÷ members) does not.
    case("dibao_third_of_a_cent_above", None, ["dibao"], total="3600.01", members=3)  # 1200.0033…
    case("none_third_of_a_cent_above_line", None, total="5400.01", members=3)  # 1800.0033…
    case("none_third_of_a_cent_below_standard", None, total="3599.99", members=3)  # 1199.9966…
    case("tekun_poor", "500.00", ["tekun"])
    case("xiuzhou_under_county_standard", "1250.00", township="330411002")
    case("exited_poor", "100.00", status="exited")
    case("pending_poor", "100.00", status="pending")
    case("verified_exactly_valid", "5000.00", verified_on=datetime.date(2025, 11, 29))
    case("verified_one_day_too_old", "5000.00", verified_on=datetime.date(2025, 11, 28))
    case("never_verified", None)
    latest = case("latest_counts", "5000.00", verified_on=datetime.date(2026, 9, 1))
    verification(latest, per_capita="100.00", verified_on=datetime.date(2026, 1, 1))
    return cases


def test_the_pass_flags_exactly_the_households_the_rules_flag(edges):
    run = review_pass.run_review(run_on=TODAY)
    assert run.status == RunStatus.SUCCEEDED
    assert sql_flags() == python_flags(edges.values())


def test_edges_of_the_standard_and_the_low_income_line(edges):
    review_pass.run_review(run_on=TODAY)
    flags = sql_flags()

    def reasons(name):
        return {reason for pk, reason in flags if pk == edges[name].pk}

    assert reasons("dibao_at_standard") == {"category_change"}  # equal to the standard is not above it
    assert reasons("dibao_cent_above") == {"exit_candidate"}
    assert reasons("dibao_cent_below") == set()
    assert reasons("low_at_line") == set()  # 低边 includes its line
    assert reasons("low_cent_above_line") == {"exit_candidate"}
    assert reasons("low_below_standard") == {"inclusion_candidate"}
    assert reasons("none_at_standard") == {"inclusion_candidate"}
    assert reasons("none_at_line") == {"inclusion_candidate"}
    assert reasons("none_cent_above_line") == set()
    # Exact comparison: shown as 1200.00 / 1800.00 / 1200.00, but above / above / below.
    assert reasons("dibao_third_of_a_cent_above") == {"exit_candidate"}
    assert reasons("none_third_of_a_cent_above_line") == set()
    assert reasons("none_third_of_a_cent_below_standard") == {"inclusion_candidate"}
    below = ReviewTask.objects.get(household=edges["none_third_of_a_cent_below_standard"])
    assert below.suggested_category == "dibao" and below.per_capita_income == Decimal("1200.00")
    assert reasons("tekun_poor") == set()
    assert reasons("xiuzhou_under_county_standard") == {"inclusion_candidate"}
    assert reasons("exited_poor") == set()
    assert reasons("verified_exactly_valid") == set()
    assert reasons("verified_one_day_too_old") == {"verification_expired"}
    assert reasons("never_verified") == {"verification_expired"}
    assert reasons("latest_counts") == set()


def test_exit_tasks_carry_the_suggestion_and_the_gradual_exit_period(edges):
    review_pass.run_review(run_on=TODAY)
    cent_above = ReviewTask.objects.get(household=edges["dibao_cent_above"], reason="exit_candidate")
    assert cent_above.suggested_category == "low_income"
    assert cent_above.line == Decimal("1200.00") and cent_above.per_capita_income == Decimal("1200.01")
    assert ReviewTask.objects.get(household=edges["dibao_above_line"], reason="exit_candidate").suggested_category == ""
    work = ReviewTask.objects.select_related("verification").get(household=edges["dibao_from_work"])
    policy = PolicyParameters.objects.for_county(work.household.county, 2026).as_policy()
    expected = rules.exit_candidate(
        enrolled_category="dibao",
        per_capita_income=Decimal("1500.00"),
        policy=policy,
        income_rose_from_work=True,
        today=TODAY,
        rose_on=work.verification.verified_on,
    )
    assert work.gradual_exit_until == expected.gradual_exit_until
    suggested = ReviewTask.objects.get(household=edges["none_cent_below"]).suggested_category
    assert suggested == "dibao"
    assert ReviewTask.objects.get(household=edges["none_at_standard"]).suggested_category == "low_income"


def test_running_twice_the_same_day_creates_nothing_new(edges):
    first = review_pass.run_review(run_on=TODAY)
    before = ReviewTask.objects.count()
    second = review_pass.run_review(run_on=TODAY)
    assert first.total == before > 0
    assert ReviewTask.objects.count() == before
    assert second.total == 0 and second.status == RunStatus.SUCCEEDED


def test_due_and_overdue_households_get_one_task_each(make):
    due = make.household(status="active", next_review_on=TODAY)
    overdue = make.household(status="active", next_review_on=TODAY - datetime.timedelta(days=1))
    tomorrow = make.household(status="active", next_review_on=TODAY + datetime.timedelta(days=1))
    caseworker = make.user("caseworker")
    due.caseworkers.add(caseworker)
    run = review_pass.run_review(run_on=TODAY)
    assert set(ReviewTask.objects.values_list("household_id", "reason")) == {(due.pk, "due"), (overdue.pk, "overdue")}
    assert ReviewTask.objects.get(household=due).assigned_to == caseworker
    assert run.counts["due"] == 2
    # Next day the due household is overdue, but it already has an open review: no second task.
    review_pass.run_review(run_on=TODAY + datetime.timedelta(days=1))
    assert set(ReviewTask.objects.values_list("household_id", "reason")) == {
        (due.pk, "due"),
        (overdue.pk, "overdue"),
        (tomorrow.pk, "due"),
    }


def test_open_tasks_overdue_by_the_escalation_days_are_escalated(make):
    make.policy_row("330400", 2026, "1200.00", review_escalation_days=7)
    h = make.household(status="active", next_review_on=TODAY - datetime.timedelta(days=7))
    verification(h, per_capita="5000.00")
    fresh = make.household(status="active", next_review_on=TODAY - datetime.timedelta(days=6))
    verification(fresh, per_capita="5000.00")
    run = review_pass.run_review(run_on=TODAY)
    assert ReviewTask.objects.get(household=h).escalated_on == TODAY
    assert ReviewTask.objects.get(household=fresh).escalated_on is None
    assert run.counts["escalated"] == 1


def test_a_crash_in_a_step_leaves_that_step_unwritten_and_a_rerun_completes(edges, monkeypatch, make):
    due = make.household(status="active", next_review_on=TODAY)
    verification(due, per_capita="5000.00")
    real_log = review_pass._log_step

    def failing_log(run, name, count):
        if name == "exit_candidate":
            raise RuntimeError("disk full")
        real_log(run, name, count)

    monkeypatch.setattr(review_pass, "_log_step", failing_log)
    with pytest.raises(RuntimeError):
        review_pass.run_review(run_on=TODAY)
    failed = ReviewRun.objects.get()
    assert failed.status == RunStatus.FAILED and "disk full" in failed.errors
    # The first step (due reviews) committed whole; the exit step's INSERT ran, but its
    # transaction rolled back: none of its rows exist.
    assert list(ReviewTask.objects.filter(reason__in=["due", "overdue"]).values_list("household_id", flat=True)) == [
        due.pk
    ]
    assert not ReviewTask.objects.filter(reason="exit_candidate").exists()
    assert not ReviewTask.objects.filter(reason="inclusion_candidate").exists()  # never reached
    assert not AuditEvent.objects.filter(summary__contains="exit_candidate").exists()

    monkeypatch.setattr(review_pass, "_log_step", real_log)
    rerun = review_pass.run_review(run_on=TODAY)
    assert rerun.status == RunStatus.SUCCEEDED
    assert sql_flags() == python_flags(edges.values())
    assert rerun.counts["exit_candidate"] == 5  # with dibao_third_of_a_cent_above
    assert rerun.counts["due"] == 0 and ReviewTask.objects.filter(household=due).count() == 1


def test_the_run_log_records_counts_per_reason(edges):
    run = review_pass.run_review(run_on=TODAY)
    assert run.finished_at is not None and run.errors == ""
    assert run.counts["category_change"] == 1
    assert run.counts["verification_expired"] == ReviewTask.objects.filter(reason="verification_expired").count() == 2
    assert set(run.counts) == {
        "gradual_exit_ended",
        "due",
        "exit_candidate",
        "category_change",
        "inclusion_candidate",
        "verification_expired",
        "escalated",
    }


@pytest.mark.parametrize(
    "today",
    [
        datetime.date(2026, 2, 28),
        datetime.date(2026, 3, 1),
        datetime.date(2026, 3, 31),
        datetime.date(2028, 2, 29),
        datetime.date(2026, 11, 29),
    ],
)
@pytest.mark.parametrize("months", [1, 6, 12])
def test_verification_valid_from_is_the_exact_edge_of_verification_expired(today, months):
    policy = Policy.with_defaults(year=2026, dibao_standard=Decimal(1200), verification_valid_months=months)
    edge = rules.verification_valid_from(today=today, policy=policy)
    for offset in range(-40, 40):
        day = edge + datetime.timedelta(days=offset)
        assert rules.verification_expired(verified_on=day, today=today, policy=policy) == (day < edge)


def test_a_kept_review_does_not_come_back_until_a_new_verification(edges, make):
    from households.review import services as review_services

    caseworker = make.user("caseworker", "330402007")
    review_pass.run_review(run_on=TODAY)
    cases = {
        "exit_candidate": edges["dibao_cent_above"],
        "category_change": edges["dibao_at_standard"],
        "inclusion_candidate": edges["none_cent_below"],
    }
    for reason, household in cases.items():
        task = ReviewTask.objects.get(household=household, reason=reason)
        review_services.review_record(actor=caseworker, task=task, visited_on=TODAY, outcome="keep", today=TODAY)
    kept = ReviewTask.objects.filter(household__in=cases.values())
    before = kept.count()
    for day in (TODAY, TODAY + datetime.timedelta(days=1)):
        run = review_pass.run_review(run_on=day)
        assert kept.count() == before
        assert all(run.counts[reason] == 0 for reason in cases)
    # A new verification (same income) is new facts: the review comes back, once per reason.
    for household in cases.values():
        verification(household, per_capita=str(household.verifications.get().per_capita_income), verified_on=TODAY)
    run = review_pass.run_review(run_on=TODAY + datetime.timedelta(days=2))
    for reason, household in cases.items():
        assert ReviewTask.objects.filter(household=household, reason=reason).count() == 2
        assert run.counts[reason] == 1


def test_gradual_exits_past_their_last_day_end_with_history_and_audit(make):
    from households.models import EnrolmentStatusChange

    h = make.household(status="active")
    over = enrol(h, "dibao", status="gradual_exit")
    Enrolment.objects.filter(pk=over.pk).update(end_on=TODAY - datetime.timedelta(days=1))
    last_day = enrol(make.household(status="active"), "dibao", status="gradual_exit")
    Enrolment.objects.filter(pk=last_day.pk).update(end_on=TODAY)  # its last day is today: still in force
    run = review_pass.run_review(run_on=TODAY)
    over.refresh_from_db()
    last_day.refresh_from_db()
    assert (over.status, over.end_on, over.version) == ("ended", TODAY - datetime.timedelta(days=1), 2)
    assert last_day.status == "gradual_exit"
    assert run.counts["gradual_exit_ended"] == 1 and run.total == 0
    change = EnrolmentStatusChange.objects.get(enrolment=over)
    assert (change.from_status, change.to_status, change.on, change.by) == (
        "gradual_exit",
        "ended",
        TODAY - datetime.timedelta(days=1),
        None,
    )
    event = AuditEvent.objects.get(target_type="households.enrolment", target_id=str(over.pk))
    assert (event.action, event.household_id, event.changes) == (
        "transition",
        h.pk,
        {"status": ["gradual_exit", "ended"]},
    )
    # Its only enrolment ended: the household leaves the register, as after a confirmed exit;
    # the other household's gradual exit is still in force, so it stays on it.
    h.refresh_from_db()
    assert h.status == "exited"
    assert Household.objects.get(pk=last_day.household_id).status == "active"
    assert (
        AuditEvent.objects.filter(
            target_type="households.household", target_id=str(h.pk), changes={"status": ["active", "exited"]}
        ).count()
        == 1
    )
    # Idempotent: a second run the same day changes and writes nothing more.
    again = review_pass.run_review(run_on=TODAY)
    assert again.counts["gradual_exit_ended"] == 0
    assert EnrolmentStatusChange.objects.count() == 1
    assert AuditEvent.objects.filter(target_type="households.enrolment").count() == 1


def test_a_failing_step_leaves_no_gradual_exit_half_ended(make, monkeypatch):
    over = enrol(make.household(status="active"), "dibao", status="gradual_exit")
    Enrolment.objects.filter(pk=over.pk).update(end_on=TODAY - datetime.timedelta(days=1))

    def broken(run, run_on, policies):
        review_pass.end_gradual_exits(run, run_on, policies)
        raise RuntimeError("disk full")

    monkeypatch.setattr(review_pass, "steps", lambda: [(review_pass.GRADUAL_EXIT_ENDED, broken)])
    with pytest.raises(RuntimeError):
        review_pass.run_review(run_on=TODAY)
    over.refresh_from_db()
    assert over.status == "gradual_exit"
    assert not AuditEvent.objects.filter(target_type="households.enrolment").exists()


def test_a_pass_killed_mid_way_leaves_the_counts_of_the_steps_it_committed(make, monkeypatch):
    """A worker killed between steps runs no ``except``: the run row must already say what
    the committed steps did (KeyboardInterrupt stands for the kill: no handler catches it)."""
    over = enrol(make.household(status="active"), "dibao", status="gradual_exit")
    Enrolment.objects.filter(pk=over.pk).update(end_on=TODAY - datetime.timedelta(days=1))

    def killed(run, run_on, policies):
        raise KeyboardInterrupt

    monkeypatch.setattr(
        review_pass,
        "steps",
        lambda: [(review_pass.GRADUAL_EXIT_ENDED, review_pass.end_gradual_exits), ("due", killed)],
    )
    with pytest.raises(KeyboardInterrupt):
        review_pass.run_review(run_on=TODAY)
    run = ReviewRun.objects.get()
    assert run.status == RunStatus.RUNNING and run.counts == {"gradual_exit_ended": 1}
    over.refresh_from_db()
    assert over.status == "ended"

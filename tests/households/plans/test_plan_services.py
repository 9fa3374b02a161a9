import datetime

import pytest

from households.models import AssessmentNeed, Plan, PlanStatus
from households.plans import selectors as plan_selectors
from households.plans import services as plan_services
from jiuzhu.errors import RuleViolation, StaleEdit
from jiuzhu.models import AuditEvent, Role
from tests.caseworkers.helpers import active_plan, assessment
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_plan_from_assessment_gets_one_goal_per_need_above_none(make, cw):
    h = make.household("330402007")
    plan = plan_services.plan_create_from_assessment(actor=cw, assessment=assessment(h, cw))
    assert plan.status == PlanStatus.DRAFT and plan.number == 1
    assert sorted(g.need.domain for g in plan.goals.all()) == ["employment", "living"]
    assert (
        AuditEvent.objects.filter(target_type="households.plan", target_id=str(plan.pk), action="create").count() == 1
    )


def test_assessment_without_needs_gives_no_plan(make, cw):
    h = make.household("330402007")
    with pytest.raises(RuleViolation):
        plan_services.plan_create_from_assessment(actor=cw, assessment=assessment(h, cw, {"living": "none"}))
    assert not Plan.objects.exists()


def test_activation_refused_for_a_goal_on_a_need_rated_none(make, cw):
    h = make.household("330402007")
    plan = plan_services.plan_create_from_assessment(actor=cw, assessment=assessment(h, cw))
    housing = AssessmentNeed.objects.get(assessment=plan.assessment, domain="housing")  # rated none
    goal = plan_services.plan_goal_add(actor=cw, plan=plan, need=housing, text="repair roof")
    for g in plan.goals.all():
        plan_services.plan_action_add(actor=cw, plan=plan, goal=g, kind="social", description="x", due_on=TODAY)
    plan_services.plan_update(actor=cw, plan=plan, agreed_on=TODAY)
    with pytest.raises(RuleViolation) as error:
        plan_services.plan_activate(actor=cw, plan=plan, today=TODAY)
    assert "住房" in " ".join(error.value.messages()) or "housing" in " ".join(error.value.messages())
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT and goal.pk


def test_a_goal_cannot_answer_a_need_of_another_assessment(make, cw):
    h = make.household("330402007")
    plan = plan_services.plan_create_from_assessment(actor=cw, assessment=assessment(h, cw))
    other = assessment(h, cw, {"medical": "high"})
    with pytest.raises(RuleViolation):
        plan_services.plan_goal_add(actor=cw, plan=plan, need=other.needs.get(), text="x")


def test_activation_needs_the_household_agreement(make, cw):
    h = make.household("330402007")
    plan = plan_services.plan_create_from_assessment(actor=cw, assessment=assessment(h, cw, {"living": "high"}))
    plan_services.plan_action_add(actor=cw, plan=plan, goal=plan.goals.get(), kind="government", description="x")
    with pytest.raises(RuleViolation):
        plan_services.plan_activate(actor=cw, plan=plan, today=TODAY)
    plan_services.plan_update(actor=cw, plan=plan, agreed_on=TODAY, agreed_by_name="户主")
    assert plan_services.plan_activate(actor=cw, plan=plan, today=TODAY).status == PlanStatus.ACTIVE


def test_activating_a_new_version_supersedes_the_old_and_keeps_it(make, cw):
    h = make.household("330402007")
    first = active_plan(h, cw)
    second = active_plan(h, cw, ratings={"medical": "high"})
    first.refresh_from_db()
    assert second.number == 2 and second.status == PlanStatus.ACTIVE
    assert first.status == PlanStatus.SUPERSEDED and first.closed_on == TODAY
    assert Plan.objects.filter(household=h, status=PlanStatus.ACTIVE).count() == 1
    assert Plan.objects.filter(household=h).count() == 2


def test_stale_plan_edit_is_refused(make, cw):
    h = make.household("330402007")
    plan = plan_services.plan_create_from_assessment(actor=cw, assessment=assessment(h, cw))
    plan_services.plan_update(actor=cw, plan=Plan.objects.get(pk=plan.pk), summary="a", expected_version=1)
    with pytest.raises(StaleEdit):
        plan_services.plan_update(actor=cw, plan=plan, summary="b", expected_version=1)


def test_overdue_actions_are_open_actions_due_before_today(make, cw):
    h = make.household("330402007")
    plan = active_plan(h, cw, due=TODAY - datetime.timedelta(days=1))
    actions = list(plan.actions.order_by("id"))
    plan_services.plan_action_set_status(actor=cw, action=actions[0], status="done", today=TODAY)
    overdue = list(plan_selectors.overdue_actions(user=cw, today=TODAY))
    assert overdue == actions[1:]


def test_review_records_progress_and_moves_the_next_review(make, cw):
    h = make.household("330402007")
    plan = active_plan(h, cw)
    goal = plan.goals.first()
    plan_services.plan_review_add(
        actor=cw,
        plan=plan,
        reviewed_on=TODAY,
        progress={goal.pk: "better"},
        next_review_on=TODAY + datetime.timedelta(days=90),
    )
    plan.refresh_from_db()
    assert plan.next_review_on == TODAY + datetime.timedelta(days=90)
    assert plan.reviews.get().progress == {str(goal.pk): "better"}


def test_closing_needs_an_outcome(make, cw):
    h = make.household("330402007")
    plan = active_plan(h, cw)
    with pytest.raises(RuleViolation):
        plan_services.plan_close(actor=cw, plan=plan, outcome=" ")
    plan_services.plan_close(actor=cw, plan=plan, outcome="stable income", today=TODAY)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED and plan.outcome == "stable income"


def test_a_plan_is_refused_from_an_assessment_that_is_no_longer_the_latest(make, cw):
    h = make.household("330402007")
    old = assessment(h, cw, on=TODAY - datetime.timedelta(days=30))
    assessment(h, cw)
    with pytest.raises(RuleViolation) as error:
        plan_services.plan_create_from_assessment(actor=cw, assessment=old)
    assert error.value.field == "assessment" and "最新" in error.value.messages()[0]
    assert not Plan.objects.exists()


def test_plans_are_offered_only_from_each_households_latest_assessment(make, cw):
    h = make.household("330402007")
    old = assessment(h, cw, on=TODAY - datetime.timedelta(days=30))
    latest = assessment(h, cw)
    offered = list(plan_selectors.assessments_for_plans(user=cw))
    assert latest in offered and old not in offered


def test_actions_of_a_closed_plan_cannot_change(make, cw):
    plan = active_plan(make.household("330402007"), cw)
    plan_services.plan_close(actor=cw, plan=plan, outcome="稳定")
    action = plan.actions.select_related("plan").first()
    with pytest.raises(RuleViolation):
        plan_services.plan_action_set_status(actor=cw, action=action, status="done")
    action.refresh_from_db()
    assert action.status == "planned"

import datetime

from households.rules import action_overdue, plan_activation_check, plan_goal_domains

D = datetime.date(2026, 11, 29)


def test_goal_domains_skip_needs_rated_none():
    assert plan_goal_domains({"living": "high", "housing": "none", "care": "low"}) == ("living", "care")


def test_activation_passes_when_every_goal_answers_an_assessed_need():
    check = plan_activation_check(
        goal_domains=["living"], ratings={"living": "low"}, agreed_on=D, actions_per_goal={"living": 1}
    )
    assert check.ok and check.reasons == ()


def test_activation_refused_for_a_need_the_assessment_does_not_contain():
    check = plan_activation_check(goal_domains=["living", "medical"], ratings={"living": "high"}, agreed_on=D)
    assert not check.ok
    assert [r.code for r in check.reasons] == ["need_not_assessed"]
    assert dict(check.reasons[0].params)["domain"] == "medical"


def test_activation_refused_for_a_need_rated_none():
    check = plan_activation_check(goal_domains=["housing"], ratings={"housing": "none"}, agreed_on=D)
    assert [r.code for r in check.reasons] == ["need_not_assessed"]


def test_activation_needs_goals_agreement_and_an_action_per_goal():
    assert [r.code for r in plan_activation_check(goal_domains=[], ratings={}, agreed_on=D).reasons] == ["no_goals"]
    assert [
        r.code
        for r in plan_activation_check(goal_domains=["living"], ratings={"living": "high"}, agreed_on=None).reasons
    ] == ["not_agreed"]
    check = plan_activation_check(
        goal_domains=["living"], ratings={"living": "high"}, agreed_on=D, actions_per_goal={"living": 0}
    )
    assert [r.code for r in check.reasons] == ["goal_without_action"]


def test_overdue_is_a_due_date_before_today_on_an_open_action():
    yesterday = D - datetime.timedelta(days=1)
    assert action_overdue(due_on=yesterday, status="planned", today=D)
    assert action_overdue(due_on=yesterday, status="in_progress", today=D)
    assert not action_overdue(due_on=D, status="planned", today=D)  # due today is not yet overdue
    assert not action_overdue(due_on=yesterday, status="done", today=D)
    assert not action_overdue(due_on=yesterday, status="cancelled", today=D)
    assert not action_overdue(due_on=None, status="planned", today=D)


def test_an_action_moves_forward_only_and_a_closed_one_stays_closed():
    from households.rules.plans import action_step_reason

    assert action_step_reason(current="planned", to="in_progress") is None
    assert action_step_reason(current="in_progress", to="done") is None
    assert action_step_reason(current="in_progress", to="planned").code == "plan.action_step"
    assert action_step_reason(current="done", to="cancelled").code == "plan.action_step"


def test_only_a_draft_or_active_plan_changes():
    from households.rules.plans import plan_change_reason

    assert plan_change_reason("draft") is None and plan_change_reason("active") is None
    assert plan_change_reason("superseded").code == "plan.closed" and plan_change_reason("closed") is not None

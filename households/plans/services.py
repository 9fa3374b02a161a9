"""Use cases of the assistance plan (一户一策): one transaction each, audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from households import rules
from households.models import (
    ActionStatus,
    Assessment,
    AssessmentNeed,
    Household,
    Plan,
    PlanAction,
    PlanGoal,
    PlanReview,
    PlanStatus,
)
from households.rules import dates as date_rules
from households.rules import plans as plan_rules
from jiuzhu import audit
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import RuleViolation
from jiuzhu.i18n import render_reasons


def _require_open(plan: Plan) -> None:
    reason = plan_rules.plan_change_reason(plan.status)
    if reason is not None:
        raise RuleViolation([reason])


@transaction.atomic
def plan_create_from_assessment(*, actor, assessment: Assessment, summary: str = "") -> Plan:
    """A draft plan with one goal per need the assessment rated above 'none'."""
    household = Household.objects.select_for_update().filter(pk=assessment.household_id).first()  # serialise numbering
    if household is None or household.latest_assessment_id != assessment.pk:
        raise RuleViolation(
            _("A plan is built from the household's latest needs assessment; this one has been replaced."),
            field="assessment",
        )
    needs = list(assessment.needs.all())
    domains = rules.plan_goal_domains({n.domain: n.level for n in needs})
    if not domains:
        raise RuleViolation(_("The assessment found no needs: there is nothing to plan for."), field="assessment")
    number = (Plan.objects.filter(household_id=assessment.household_id).aggregate(m=Max("number"))["m"] or 0) + 1
    plan = Plan.objects.create(
        household_id=assessment.household_id, assessment=assessment, number=number, summary=summary, created_by=actor
    )
    audit.record_change(actor=actor, instance=plan, before={})
    for need in needs:
        if need.domain in domains:
            goal = PlanGoal.objects.create(plan=plan, need=need, text=need.note or need.get_domain_display())
            audit.record_change(actor=actor, instance=goal, before={}, summary=f"plan {plan.pk}")
    return plan


@transaction.atomic
def plan_update(*, actor, plan: Plan, expected_version: int | None = None, **fields) -> Plan:
    _require_open(plan)
    before = audit.snapshot(plan)
    allowed = {"summary", "agreed_on", "agreed_by_name", "next_review_on"}
    unknown = set(fields) - allowed
    if unknown:
        raise TypeError(", ".join(sorted(unknown)))
    reason = date_rules.fact_date_reason(
        fields.get("agreed_on"), today=timezone.localdate(), registered_on=plan.household.registered_on
    )
    if reason is not None:
        raise RuleViolation([reason], field="agreed_on")
    for name, value in fields.items():
        setattr(plan, name, value)
    save_versioned(plan, expected_version=expected_version, fields=sorted(fields))
    audit.record_change(actor=actor, instance=plan, before=before)
    return plan


@transaction.atomic
def plan_goal_add(*, actor, plan: Plan, need: AssessmentNeed, text: str) -> PlanGoal:
    _require_open(plan)
    if need.assessment_id != plan.assessment_id:
        raise RuleViolation(_("Goals answer needs of the plan's own assessment."), field="need")
    if plan.goals.filter(need=need).exists():
        raise RuleViolation(_("This need already has a goal."), field="need")
    goal = PlanGoal.objects.create(plan=plan, need=need, text=text)
    audit.record_change(actor=actor, instance=goal, before={}, summary=f"plan {plan.pk}")
    return goal


@transaction.atomic
def plan_action_add(
    *,
    actor,
    plan: Plan,
    goal: PlanGoal,
    kind: str,
    description: str,
    responsible=None,
    due_on: date | None = None,
    resource_name: str = "",
    resource_id: int | None = None,
    member=None,
) -> PlanAction:
    _require_open(plan)
    if goal.plan_id != plan.pk:
        raise RuleViolation(_("Choose a goal of this plan."), field="goal")
    if member is not None and member.household_id != plan.household_id:
        raise RuleViolation(_("Choose a member of this household."), field="member")
    action = PlanAction.objects.create(
        plan=plan,
        goal=goal,
        kind=kind,
        description=description,
        responsible=responsible,
        due_on=due_on,
        resource_name=resource_name,
        resource_id=resource_id,
        member=member,
    )
    audit.record(
        actor=actor,
        action="create",
        instance=action,
        household_id=plan.household_id,
        changes=audit.diff({}, audit.snapshot(action)),
    )
    return action


@transaction.atomic
def plan_action_set_status(
    *, actor, action: PlanAction, status: str, today: date | None = None, expected_version: int | None = None
) -> PlanAction:
    _require_open(action.plan)
    reason = plan_rules.action_step_reason(current=action.status, to=status)
    if reason is not None:
        raise RuleViolation([reason], field="status")
    before = audit.snapshot(action)
    action.status = status
    action.done_on = (today or timezone.localdate()) if status == ActionStatus.DONE else None
    save_versioned(action, expected_version=expected_version, fields=["status", "done_on"])
    audit.record(
        actor=actor,
        action="update",
        instance=action,
        household_id=action.plan.household_id,
        changes=audit.diff(before, audit.snapshot(action)),
    )
    return action


@transaction.atomic
def plan_activate(*, actor, plan: Plan, today: date | None = None, expected_version: int | None = None) -> Plan:
    """Activate a draft: the rules must pass; the household's active plan is superseded."""
    today = today or timezone.localdate()
    if plan.status != PlanStatus.DRAFT:
        raise RuleViolation(_("Only a draft plan can be activated."))
    ratings = dict(AssessmentNeed.objects.filter(assessment_id=plan.assessment_id).values_list("domain", "level"))
    goals = list(plan.goals.select_related("need"))
    counts = {g.need.domain: g.actions.count() for g in goals}
    check = rules.plan_activation_check(
        goal_domains=[g.need.domain for g in goals], ratings=ratings, agreed_on=plan.agreed_on, actions_per_goal=counts
    )
    if not check.ok:
        raise RuleViolation(render_reasons(check.reasons))
    for old in Plan.objects.select_for_update().filter(household_id=plan.household_id, status=PlanStatus.ACTIVE):
        before = audit.snapshot(old)
        old.status, old.closed_on, old.outcome = (
            PlanStatus.SUPERSEDED,
            today,
            _("Superseded by version %(n)s.") % {"n": plan.number},
        )
        save_versioned(old, expected_version=old.version, fields=["status", "closed_on", "outcome"])
        audit.record_change(actor=actor, instance=old, before=before)
    before = audit.snapshot(plan)
    plan.status, plan.activated_on = PlanStatus.ACTIVE, today
    save_versioned(plan, expected_version=expected_version, fields=["status", "activated_on"])
    audit.record_change(actor=actor, instance=plan, before=before)
    return plan


@transaction.atomic
def plan_review_add(
    *,
    actor,
    plan: Plan,
    reviewed_on: date,
    progress: dict[str, str] | None = None,
    summary: str = "",
    next_review_on: date | None = None,
) -> PlanReview:
    if plan.status != PlanStatus.ACTIVE:
        raise RuleViolation(_("Only an active plan is reviewed."))
    goal_ids = {str(pk) for pk in plan.goals.values_list("pk", flat=True)}
    progress = {str(k): v for k, v in (progress or {}).items() if v}
    if set(progress) - goal_ids:
        raise RuleViolation(_("Progress can only be given for goals of this plan."), field="progress")
    if next_review_on is not None and next_review_on <= reviewed_on:
        raise RuleViolation(_("The next review must come after this one."), field="next_review_on")
    review = PlanReview.objects.create(
        plan=plan,
        reviewed_on=reviewed_on,
        progress=progress,
        summary=summary,
        next_review_on=next_review_on,
        reviewed_by=actor,
    )
    audit.record(
        actor=actor,
        action="create",
        instance=review,
        household_id=plan.household_id,
        changes=audit.diff({}, audit.snapshot(review)),
    )
    if next_review_on is not None:
        before = audit.snapshot(plan)
        plan.next_review_on = next_review_on
        save_versioned(plan, expected_version=plan.version, fields=["next_review_on"])
        audit.record_change(actor=actor, instance=plan, before=before)
    return review


@transaction.atomic
def plan_close(
    *, actor, plan: Plan, outcome: str, today: date | None = None, expected_version: int | None = None
) -> Plan:
    _require_open(plan)
    if not outcome.strip():
        raise RuleViolation(_("Describe the outcome when closing a plan."), field="outcome")
    before = audit.snapshot(plan)
    plan.status, plan.closed_on, plan.outcome = PlanStatus.CLOSED, today or timezone.localdate(), outcome
    save_versioned(plan, expected_version=expected_version, fields=["status", "closed_on", "outcome"])
    audit.record_change(actor=actor, instance=plan, before=before)
    return plan

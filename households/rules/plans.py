"""Assistance plans (一户一策): which goals a plan may hold and which actions are overdue."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from jiuzhu.reasons import N_, Reason

__all__ = ["ACTION_CLOSED_STATUSES", "PlanCheck", "action_overdue", "plan_activation_check", "plan_goal_domains"]

ACTION_CLOSED_STATUSES = frozenset({"done", "cancelled"})

# One template per domain so that the domain is translated with the sentence.
NOT_ASSESSED_TEMPLATES = {
    "living": N_("The assessment found no need in basic living; remove this goal."),
    "schooling": N_("The assessment found no need in schooling; remove this goal."),
    "employment": N_("The assessment found no need in employment; remove this goal."),
    "medical": N_("The assessment found no need in medical care; remove this goal."),
    "housing": N_("The assessment found no need in housing; remove this goal."),
    "psychological": N_("The assessment found no need in psychological support; remove this goal."),
    "social_support": N_("The assessment found no need in social support; remove this goal."),
    "care": N_("The assessment found no need in daily care; remove this goal."),
}


@dataclass(frozen=True)
class PlanCheck:
    ok: bool
    reasons: tuple[Reason, ...] = ()


def plan_goal_domains(ratings: Mapping[str, str]) -> tuple[str, ...]:
    """The domains a plan built from these ratings gets a goal for: every rated need but 'none'."""
    return tuple(domain for domain, level in ratings.items() if level and level != "none")


def plan_activation_check(
    *,
    goal_domains: Iterable[str],
    ratings: Mapping[str, str],
    agreed_on: date | None,
    actions_per_goal: Mapping[str, int] | None = None,
) -> PlanCheck:
    """Whether a plan may be activated.

    - it has at least one goal;
    - every goal answers a need the assessment contains with a level other than 'none';
    - the household agreed to it (a date);
    - every goal has at least one action (when ``actions_per_goal`` is given).
    """
    domains = list(goal_domains)
    reasons: list[Reason] = []
    if not domains:
        reasons.append(Reason.of("no_goals", N_("A plan needs at least one goal.")))
    for domain in domains:
        if ratings.get(domain, "none") == "none":
            template = NOT_ASSESSED_TEMPLATES.get(
                domain, N_("The assessment found no need in %(domain)s; remove this goal.")
            )
            reasons.append(Reason.of("need_not_assessed", template, domain=domain))
    if agreed_on is None:
        reasons.append(
            Reason.of("not_agreed", N_("Record the date the household agreed to the plan before activating it."))
        )
    if actions_per_goal is not None and any(actions_per_goal.get(d, 0) == 0 for d in domains):
        reasons.append(Reason.of("goal_without_action", N_("Every goal needs at least one action.")))
    return PlanCheck(ok=not reasons, reasons=tuple(reasons))


def action_overdue(*, due_on: date | None, status: str, today: date) -> bool:
    """Overdue: the due date is before today and the action is neither done nor cancelled."""
    return due_on is not None and due_on < today and status not in ACTION_CLOSED_STATUSES


# The plan's and its actions' state machines: which step each status may take.
PLAN_OPEN_STATUSES = frozenset({"draft", "active"})
ACTION_STEPS: dict[str, frozenset[str]] = {
    "planned": frozenset({"in_progress", "done", "cancelled"}),
    "in_progress": frozenset({"done", "cancelled"}),
}


def action_step_reason(*, current: str, to: str) -> Reason | None:
    """Why an action may not move from ``current`` to ``to`` (None: it may). A done or
    cancelled action is closed."""
    if to in ACTION_STEPS.get(current, frozenset()):
        return None
    return Reason.of("plan.action_step", N_("This action cannot take that step now."))


def plan_change_reason(status: str) -> Reason | None:
    """A closed or superseded plan no longer changes."""
    if status in PLAN_OPEN_STATUSES:
        return None
    return Reason.of("plan.closed", N_("This plan is closed or superseded and can no longer change."))

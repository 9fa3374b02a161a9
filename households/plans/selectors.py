"""Read-side queries of assistance plans (no N+1)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone

from households import access, sections
from households.models import (
    ActionStatus,
    Assessment,
    Plan,
    PlanAction,
    PlanGoal,
    PlanStatus,
)

CLOSED_ACTIONS = [ActionStatus.DONE, ActionStatus.CANCELLED]


def plan_list(*, user, status: str | None = None, household_id: int | None = None) -> QuerySet[Plan]:
    """Plans in the user's scope with their household and counts of open and overdue actions."""
    today = timezone.localdate()
    qs = (
        Plan.objects.in_scope(user)
        .select_related("household", "household__township", "household__head")
        .annotate(
            action_count=Count("actions", distinct=True),
            overdue_count=Count(
                "actions", filter=Q(actions__due_on__lt=today) & ~Q(actions__status__in=CLOSED_ACTIONS), distinct=True
            ),
        )
    )
    if status:
        qs = qs.filter(status=status)
    if household_id:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("-updated_at", "-id")


def plan_detail(*, user, pk: int) -> Plan:
    """One plan with its goals, actions and reviews in a fixed number of queries."""
    return (
        Plan.objects.in_scope(user)
        .select_related("household", "household__township", "assessment", "created_by")
        .prefetch_related(
            Prefetch(
                "goals",
                queryset=PlanGoal.objects.select_related("need").prefetch_related(
                    Prefetch(
                        "actions",
                        queryset=PlanAction.objects.select_related("responsible", "member").order_by("due_on", "id"),
                    )
                ),
            ),
            "reviews",
        )
        .get(pk=pk)
    )


def assessments_for_plans(*, user) -> QuerySet[Assessment]:
    """Assessments a plan can be built from: each household's latest, in scope, newest first."""
    return (
        Assessment.objects.in_scope(user)
        .filter(household__latest_assessment=F("pk"))
        .select_related("household", "household__head")
        .order_by("-assessed_on", "-id")
    )


def overdue_actions(*, user, today: date | None = None) -> QuerySet[PlanAction]:
    today = today or timezone.localdate()
    return (
        PlanAction.objects.in_scope(user)
        .open()
        .filter(due_on__lt=today, plan__status=PlanStatus.ACTIVE)
        .select_related("plan", "plan__household")
    )


def plan_section(*, household, user) -> list[sections.Section]:
    """The dossier's plan section: the household's plans (newest first) and the active one's
    goals and actions. Three queries: plans (with who made them), goals, actions."""
    from django.utils.translation import gettext as _

    prefetched = getattr(household, "_prefetched_objects_cache", {}).get("plans")
    # The dossier's household comes with its plans (selectors.household_dossier, in the user's scope).
    plans = list(
        prefetched
        if prefetched is not None
        else Plan.objects.in_scope(user)
        .filter(household_id=household.pk)
        .select_related("created_by")
        .order_by("-number")
    )
    active = next((p for p in plans if p.status == PlanStatus.ACTIVE), None)
    goals = []
    if active is not None:
        goals = list(
            PlanGoal.objects.filter(plan=active)
            .select_related("need")
            .prefetch_related(
                Prefetch("actions", queryset=PlanAction.objects.select_related("responsible").order_by("due_on", "id"))
            )
        )
    may_write = access.may_write_plan(user)
    context = {
        "plans": plans,
        "active_plan": active,
        "goals": goals,
        "today": timezone.localdate(),
        "can_plan": bool(household.latest_assessment_id) and may_write,
        "may_write_plan": may_write,
    }
    timeline = tuple(
        sections.TimelineEntry(
            timezone.localdate(p.created_at),
            "plan",
            _("Assistance plan"),
            f"v{p.number} · {p.get_status_display()}",
            p.created_by.display_name,
        )
        for p in plans
    )
    return [
        sections.Section("plan", 40, _("Assistance plan"), "households/plans/_dossier_plan.html", context, timeline)
    ]

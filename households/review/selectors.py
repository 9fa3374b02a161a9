"""Read-side queries of the dynamic review (fixed query counts; no N+1)."""

from __future__ import annotations

from datetime import date

from django.db.models import BooleanField, Case, QuerySet, Value, When

from households import access
from households.models import (
    ChangeReport,
    RecordDecision,
    ReviewRecord,
    ReviewRun,
    ReviewStatus,
    ReviewTask,
)
from jiuzhu.models import Role

TASK_RELATED = ("household", "household__head", "household__township", "assigned_to", "verification", "change_report")


def review_tasks(*, user) -> QuerySet[ReviewTask]:
    """Every review task the user may see (scope), with what the list shows."""
    return ReviewTask.objects.in_scope(user).select_related(*TASK_RELATED)


def open_review_tasks(*, user, today: date) -> QuerySet[ReviewTask]:
    """The review tasks waiting for this user, oldest due first, in one query.

    A caseworker sees the open tasks assigned to them; a township officer (and county,
    city, admin users) every unfinished task in their area. ``is_overdue`` is annotated.
    """
    tasks = review_tasks(user=user).filter(status__in=[ReviewStatus.OPEN, ReviewStatus.RECORDED])
    if user.role == Role.CASEWORKER and not user.is_superuser:
        tasks = tasks.filter(assigned_to=user, status=ReviewStatus.OPEN)
    return tasks.annotate(
        is_overdue=Case(When(due_on__lt=today, then=Value(True)), default=Value(False), output_field=BooleanField())
    ).order_by("due_on", "id")


def escalated_tasks(*, user) -> QuerySet[ReviewTask]:
    return review_tasks(user=user).filter(status=ReviewStatus.OPEN, escalated_on__isnull=False).order_by("due_on", "id")


def review_task(*, user, pk: int) -> ReviewTask:
    """One task with its records (raises DoesNotExist outside the user's scope)."""
    return review_tasks(user=user).prefetch_related("records__recorded_by", "records__decided_by").get(pk=pk)


def review_records(*, user) -> QuerySet[ReviewRecord]:
    return ReviewRecord.objects.in_scope(user).select_related(
        "household", "household__head", "household__township", "recorded_by", "decided_by", "enrolment", "task"
    )


def confirmation_queue(*, user) -> QuerySet[ReviewRecord]:
    """Recorded reviews waiting for the township officer's decision, oldest first."""
    return review_records(user=user).filter(decision=RecordDecision.PENDING).order_by("recorded_at", "id")


def change_reports(*, user, household_id: int | None = None) -> QuerySet[ChangeReport]:
    qs = ChangeReport.objects.in_scope(user).select_related(
        "household", "household__head", "household__township", "reported_by"
    )
    if household_id is not None:
        qs = qs.filter(household_id=household_id)
    return qs.order_by("-date", "-id")


# Who reads the run log (city-wide: one pass for all areas).


def review_runs(*, user) -> QuerySet[ReviewRun]:
    """The run log is city-wide (one pass for all areas): civil-affairs users read it."""
    if not (user.is_authenticated and access.may_see_review_runs(user)):
        return ReviewRun.objects.none()
    return ReviewRun.objects.order_by("-started_at", "-id")


def nav_items(user) -> list:
    """The review entry of the menu. No count here: the menu is on every page, and other
    pages' fixed query counts must not grow (the caseworker's task list shows the counts)."""
    from django.utils.translation import gettext as _

    from jiuzhu.models import CIVIL_AFFAIRS_ROLES
    from jiuzhu.navigation import NavItem

    if not (user.is_superuser or user.role in CIVIL_AFFAIRS_ROLES):
        return []
    items = [NavItem(_("Reviews"), "households:review_task_list", order=20)]
    if access.may_confirm_review(user):
        items.append(NavItem(_("Reviews to confirm"), "households:review_confirm_queue", order=21))
    if access.may_see_review_runs(user):
        items.append(NavItem(_("Review runs"), "households:review_run_list", order=22))
    return items

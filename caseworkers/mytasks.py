"""My tasks: one list of what is due for the logged-in caseworker.

Each source is a ``TaskSource``: ``rows(user, today)`` is ONE query of the open, dated
records the user is responsible for, and ``item(row)`` turns a row into a ``TaskItem``.
The navigation badge counts every source in one aggregate query (a scalar subquery per
source). Adding a source (reviews, applications) is one line in ``SOURCES``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.db.models import F, Func, IntegerField, QuerySet, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseworkers.models import (
    Referral,
    ReferralStatus,
    ServiceRecord,
    VolunteerAssignment,
)
from households.models import PlanAction, PlanStatus


@dataclass(frozen=True)
class TaskItem:
    due: date
    kind: str
    label: str
    household_id: int | None
    url: str

    def overdue(self, today: date) -> bool:
        return self.due < today


@dataclass(frozen=True)
class TaskSource:
    kind: str
    label: str  # what the list shows for this kind (lazy translation)
    rows: Callable[..., QuerySet]
    item: Callable[[object], TaskItem]


def plan_action_rows(user, today: date) -> QuerySet:
    return (PlanAction.objects.in_scope(user).open()
            .filter(responsible=user, plan__status=PlanStatus.ACTIVE, due_on__isnull=False)
            .select_related("plan__household"))


def plan_action_item(a) -> TaskItem:
    return TaskItem(a.due_on, "plan_action", f"{a.plan.household.dossier_no} · {a.description}", a.plan.household_id,
                    reverse("households:plan_detail", args=[a.plan_id]))


def referral_rows(user, today: date) -> QuerySet:
    return (Referral.objects.in_scope(user)
            .filter(created_by=user, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED], follow_up_on__isnull=False)
            .select_related("household", "resource"))


def referral_item(r) -> TaskItem:
    return TaskItem(r.follow_up_on, "referral", f"{r.household.dossier_no} · {r.resource.name}", r.household_id,
                    reverse("caseworkers:referral_detail", args=[r.pk]))


def service_rows(user, today: date) -> QuerySet:
    return ServiceRecord.objects.in_scope(user).filter(created_by=user, followed_up=False, follow_up_on__isnull=False)


def service_item(s) -> TaskItem:
    return TaskItem(s.follow_up_on, "service", f"{s.get_method_display()} · {s.content[:40]}", None,
                    reverse("caseworkers:service_detail", args=[s.pk]))


def assignment_rows(user, today: date) -> QuerySet:
    return (VolunteerAssignment.objects.in_scope(user).filter(assigned_by=user, done=False, due_on__isnull=False)
            .select_related("volunteer"))


def assignment_item(a) -> TaskItem:
    return TaskItem(a.due_on, "volunteer", f"{a.volunteer.name} · {a.task}", a.household_id,
                    reverse("caseworkers:volunteer_detail", args=[a.volunteer_id]))


SOURCES: list[TaskSource] = [
    TaskSource("plan_action", _("Plan action"), plan_action_rows, plan_action_item),
    TaskSource("referral", _("Referral follow-up"), referral_rows, referral_item),
    TaskSource("service", _("Service follow-up"), service_rows, service_item),
    TaskSource("volunteer", _("Volunteer assignment"), assignment_rows, assignment_item),
]


def kind_label(kind: str) -> str:
    return next((str(s.label) for s in SOURCES if s.kind == kind), kind)


def tasks_for(user, today: date | None = None) -> list[TaskItem]:
    """Everything due for ``user``, earliest first (ties: kind, then label). One query per source."""
    today = today or timezone.localdate()
    items = [source.item(row) for source in SOURCES for row in source.rows(user, today)]
    return sorted(items, key=lambda t: (t.due, t.kind, t.label))


def _count(qs: QuerySet) -> Subquery:
    # COUNT(*) without GROUP BY: one row, usable as a scalar subquery.
    return Subquery(qs.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")[:1], output_field=IntegerField())


def task_count(user, today: date | None = None) -> int:
    """How many tasks are open, in ONE query (for the navigation badge)."""
    from jiuzhu.models import User

    today = today or timezone.localdate()
    counts = {f"n{i}": _count(source.rows(user, today).select_related(None)) for i, source in enumerate(SOURCES)}
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    return sum(v or 0 for v in row.values())

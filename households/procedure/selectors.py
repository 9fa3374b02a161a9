"""Reads of the application procedure, in a fixed number of queries.

Deadlines are computed, not stored: the holiday calendar and the county's policy may be
corrected after an application was received, and the deadline shown must follow. The
working-day overrides and the policy rows of every county on the page come in one
query each, whatever the number of applications.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy

from households import access
from households.models import OPEN_APPLICATION_STATUSES, Application, WorkdayOverride
from households.procedure.workdays import calendars_for
from households.rules import procedure as proc
from jiuzhu.models import PolicyParameters
from jiuzhu.policy import Policy
from jiuzhu.scope import county_or_citywide_q

STEP_LABELS = {
    "investigation": gettext_lazy("Township investigation"),
    "notice": gettext_lazy("Public notice"),
    "decision": gettext_lazy("County decision"),
}


def application_list(*, user, status: str | None = None):
    qs = (
        Application.objects.in_scope(user)
        .select_related("household", "household__township", "household__county", "household__head", "helped_by")
        .annotate(open_objections=Count("objections", filter=Q(objections__resolved_on__isnull=True)))
        .order_by("-created_at", "-id")
    )
    if status:
        qs = qs.filter(status=status)
    return qs


def household_applications(*, user, household_id: int, today: date) -> list[Application]:
    """A household's applications (for its dossier page), newest first, with deadlines."""
    return attach_deadlines(application_list(user=user).filter(household_id=household_id), today=today)


def application_detail(*, user, pk: int) -> Application:
    """One application in the user's scope (``Application.DoesNotExist`` otherwise)."""
    return (
        Application.objects.in_scope(user)
        .select_related(
            "household",
            "household__township",
            "household__county",
            "household__head",
            "helped_by",
            "submitted_by",
            "decided_by",
            "survey",
            "verification",
            "enrolment",
        )
        .prefetch_related("events__by", "objections")
        .get(pk=pk)
    )


def policies_for(counties, year: int) -> dict[int, Policy]:
    """Each county's policy for ``year`` in one query, chosen like ``for_county``: the
    latest year not after ``year``, the county's own row before the city's of that year."""
    return PolicyParameters.objects.policies_or_unset(counties, year)


def attach_deadlines(applications, *, today: date) -> list[Application]:
    """Give each application ``due`` (a DueStep or None) and ``days_left`` (working days).
    Two queries whatever the number of applications (overrides, policy rows)."""
    applications = list(applications)
    counties = {a.household.county_id: a.household.county for a in applications}
    calendars = calendars_for(counties) if counties else {}
    policies = policies_for(counties.values(), today.year) if counties else {}
    for app in applications:
        calendar, policy = calendars.get(app.household.county_id), policies.get(app.household.county_id)
        app.due = (
            proc.due_step(
                status=app.status,
                received_on=app.received_on,
                notice_end=app.notice_end,
                notice_closed_on=app.notice_closed_on,
                calendar=calendar,
                policy=policy,
            )
            if calendar
            else None
        )
        app.days_left = proc.days_left(app.due.due, today, calendar) if app.due else None
        app.due_provisional = bool(app.due and not calendar.is_known(app.due.due))
        app.overdue = bool(app.due and app.due.due < today)
        app.days_overdue = -app.days_left if app.overdue else 0
        app.due_label = STEP_LABELS[app.due.step] if app.due else ""
        app.missing_steps = proc.missing_steps(_facts(app)) if app.urgent else ()
    return applications


def _facts(app: Application) -> proc.ProcedureFacts:
    return proc.ProcedureFacts(
        status=app.status,
        urgent=app.urgent,
        investigation_complete=app.investigation_completed_on is not None,
        notice_closed=app.notice_closed_on is not None,
    )


@dataclass(frozen=True)
class OverdueStep:
    application: Application
    step: str
    due: date
    days_left: int

    @property
    def step_label(self) -> str:
        return str(STEP_LABELS[self.step])


def open_applications(*, user):
    return application_list(user=user).filter(status__in=OPEN_APPLICATION_STATUSES).order_by("received_on", "id")


def applications_due(*, user, today: date) -> list[Application]:
    """Open applications in scope with their due step, soonest deadline first."""
    apps = attach_deadlines(open_applications(user=user), today=today)
    return sorted(apps, key=lambda a: (a.due is None, a.due.due if a.due else date.max, a.pk))


def overdue_application_steps(*, user, today: date) -> list[OverdueStep]:
    """Open applications in the user's scope whose current step is past its deadline,
    most overdue first. Three queries (with the user's grants known): applications,
    working-day overrides, policy rows.
    For dashboards and task lists."""
    return [
        OverdueStep(application=a, step=a.due.step, due=a.due.due, days_left=a.days_left)
        for a in applications_due(user=user, today=today)
        if a.overdue
    ]


def flagged_urgent(*, user):
    """Urgent applications decided before their investigation or notice was completed."""
    return (
        application_list(user=user)
        .filter(urgent=True, status__in=proc.DECIDED_STATUSES)
        .filter(Q(investigation_completed_on__isnull=True) | Q(notice_closed_on__isnull=True))
    )


def workday_overrides(*, user, include_withdrawn: bool = True):
    """The overrides ``user`` may read (the city: all; a county: its own and the city-wide
    ones, which apply to it too), newest date first, with what the list shows selected."""
    rows = WorkdayOverride.objects.select_related("county", "withdrawn_by").order_by("-date", "county__code")
    if not include_withdrawn:
        rows = rows.filter(withdrawn_at__isnull=True)
    if not access.may(user, access.Action.READ_CALENDAR):
        return rows.none()
    condition = county_or_citywide_q(user, county="county", citywide=Q(county__isnull=True))
    return rows.none() if condition is None else rows.filter(condition)

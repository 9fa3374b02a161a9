"""Panels on the dynamic review (应保尽保、应退尽退) and the application procedure.

Last run: the nightly pass's latest log row (date, status, counts per step, errors). The
pass is city-wide and its log counts the whole city: the city view shows the log's counts
(one query); a county or township view counts what the run did in its own area (two more
queries: the tasks the run created or escalated there, and the gradual exits it ended).

Candidates: the open review tasks the nightly pass (or a change report) created, by
reason, the overdue ones and the age of the oldest — one query on ReviewTask.
Applications: open applications and those whose current step is past its statutory
deadline. Deadlines are in working days with the county's holiday calendar, which SQL
cannot count: ONE query loads the open applications' dates (values only, at most
``MAX_OPEN_APPLICATIONS``), then the calendar overrides and the policy rows of the
counties shown (one query each), and the rules compute each deadline.
"""

from __future__ import annotations

import datetime
from collections import Counter
from types import SimpleNamespace

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.panels import Cell, Column, PanelData, Row, Table, register_panel
from dashboards.plan_panels import total_only
from households import access
from households.models import (
    OPEN_APPLICATION_STATUSES,
    OPEN_REVIEW_STATUSES,
    Application,
    EnrolmentStatus,
    EnrolmentStatusChange,
    ReviewReason,
    ReviewRun,
    ReviewTask,
)
from households.procedure.selectors import policies_for
from households.procedure.workdays import calendars_for
from households.rules import procedure as proc
from jiuzhu.models import AreaLevel

CANDIDATE_REASONS = (
    ReviewReason.INCLUSION_CANDIDATE,
    ReviewReason.EXIT_CANDIDATE,
    ReviewReason.CATEGORY_CHANGE,
    ReviewReason.CHANGE_REPORT,
    ReviewReason.VERIFICATION_EXPIRED,
    ReviewReason.DUE,
    ReviewReason.OVERDUE,
)
MAX_OPEN_APPLICATIONS = 50_000


@register_panel(
    key="candidates",
    title=gettext_lazy("Open review tasks: inclusion and exit candidates (应保尽保、应退尽退)"),
    kind="bar",
    order=52,
)
def review_candidates(*, scope, period):
    group = scope.group_field("household__")
    today = scope.today
    aggregates = {reason.value: Count("pk", filter=Q(reason=reason)) for reason in CANDIDATE_REASONS}
    rows = (
        ReviewTask.objects.filter(scope.household_q("household__"), status__in=OPEN_REVIEW_STATUSES)
        .values(group)
        .annotate(**aggregates, past_due=Count("pk", filter=Q(due_on__lt=today)), oldest=Min("created_on"))
        .order_by()
    )

    def derive(values):
        oldest = values.get("oldest")
        values["age"] = (today - oldest).days if isinstance(oldest, datetime.date) else None

    columns = [Column(r.value, str(r.label)) for r in CANDIDATE_REASONS]
    table = Table(
        scope,
        period,
        [
            *columns,
            Column("past_due", _("Past their due date"), chart=False),
            Column("oldest", _("Oldest open since"), total="min", format="date", chart=False),
            Column("age", _("Oldest open (days)"), total=None, format="days", chart=False),
        ],
        derive=derive,
        cell_link=total_only(reverse("households:review_task_list")),
    )
    table.fill(rows, group)
    return table.build(
        stacked=True,
        note=_(
            "Review tasks not yet finished (open, or recorded and awaiting "
            "confirmation), by the reason that opened them."
        ),
    )


# The run log's steps, in the pass's order (review_pass.steps()).
RUN_STEPS = (
    "gradual_exit_ended",
    "due",
    ReviewReason.EXIT_CANDIDATE,
    ReviewReason.CATEGORY_CHANGE,
    ReviewReason.INCLUSION_CANDIDATE,
    ReviewReason.VERIFICATION_EXPIRED,
    "escalated",
)


@register_panel(
    key="review_run",
    title=gettext_lazy("Last nightly review"),
    kind="number",
    order=53,
    roles=access.ROLES[access.Action.SEE_REVIEW_RUNS],
)
def last_review_run(*, scope, period):
    run = ReviewRun.objects.order_by("-started_at", "-id").first()
    if run is None:
        return PanelData(columns=[], rows=[], note=_("The nightly review has not run yet."))
    columns = [Column(str(step), str(ReviewRun.STEP_LABELS[str(step)]), chart=False) for step in RUN_STEPS]
    counts = (run.counts or {}) if scope.level == AreaLevel.CITY else _run_counts_in(scope, run)
    row = Row(label=run.run_on.isoformat(), cells=[Cell(counts.get(str(step), 0)) for step in RUN_STEPS], is_total=True)
    note = _("Run on %(date)s: %(status)s.") % {"date": run.run_on.isoformat(), "status": run.get_status_display()}
    if run.errors:
        note += " " + _("Errors: %(errors)s") % {"errors": run.errors}
    return PanelData(
        columns=columns,
        rows=[row],
        note=note,
        extra={"run_status": run.status, "run_errors": run.errors, "run_log": reverse("households:review_run_list")},
    )


def _run_counts_in(scope, run: ReviewRun) -> dict[str, int]:
    """What ``run`` did in the area shown, per step of its log (two queries)."""
    created = Q(run=run)
    tasks = (
        ReviewTask.objects.filter(scope.household_q("household__"))
        .filter(created | Q(escalated_on=run.run_on))
        .aggregate(
            due=Count("pk", filter=created & Q(reason__in=[ReviewReason.DUE, ReviewReason.OVERDUE])),
            escalated=Count("pk", filter=Q(escalated_on=run.run_on)),
            **{str(reason): Count("pk", filter=created & Q(reason=reason)) for reason in RUN_STEPS[2:-1]},
        )
    )
    ended = Q(
        from_status=EnrolmentStatus.GRADUAL_EXIT,
        to_status=EnrolmentStatus.ENDED,
        by__isnull=True,
        at__gte=run.started_at,
    )
    if run.finished_at is not None:
        ended &= Q(at__lte=run.finished_at)
    tasks["gradual_exit_ended"] = EnrolmentStatusChange.objects.filter(
        ended, scope.household_q("enrolment__household__")
    ).count()
    return tasks


@register_panel(
    key="applications_overdue", title=gettext_lazy("Open applications and overdue steps"), kind="bar", order=81
)
def applications_overdue(*, scope, period):
    group = scope.group_field("household__")
    today = scope.today
    rows = list(
        Application.objects.filter(scope.household_q("household__"), status__in=OPEN_APPLICATION_STATUSES)
        .values_list(
            group,
            "household__county_id",
            "status",
            "received_on",
            "notice_end",
            "notice_closed_on",
            "household__county__city_id",
        )
        .order_by("received_on", "id")[:MAX_OPEN_APPLICATIONS]
    )
    # policies_for reads only pk and city_id: no need to load the areas again.
    counties = {row[1]: SimpleNamespace(pk=row[1], city_id=row[6]) for row in rows}
    calendars = calendars_for(counties) if counties else {}
    policies = policies_for(list(counties.values()), today.year) if counties else {}
    counts: Counter = Counter()
    for area_id, county_id, status, received_on, notice_end, notice_closed_on, _city in rows:
        counts[(area_id, "open")] += 1
        due = proc.due_step(
            status=status,
            received_on=received_on,
            notice_end=notice_end,
            notice_closed_on=notice_closed_on,
            calendar=calendars[county_id],
            policy=policies[county_id],
        )
        if due is not None and due.due < today:
            counts[(area_id, f"overdue_{due.step}")] += 1
            counts[(area_id, "overdue")] += 1
    table = Table(
        scope,
        period,
        [
            Column("open", _("Open applications")),
            Column("overdue", _("Past the deadline of their step")),
            Column("overdue_investigation", _("Investigation overdue"), chart=False),
            Column("overdue_notice", _("Notice overdue"), chart=False),
            Column("overdue_decision", _("Decision overdue"), chart=False),
        ],
        cell_link=lambda area, key: reverse("households:application_due") if area is None and key != "open" else None,
    )
    for (area_id, key), n in counts.items():
        table.add(area_id, key, n)
    note = _(
        "Applications received and not yet decided; a step is overdue when its deadline (working days, "
        "holiday calendar of the county) has passed."
    )
    if len(rows) == MAX_OPEN_APPLICATIONS:
        note += " " + _("Only the oldest %(n)s open applications are counted.") % {"n": MAX_OPEN_APPLICATIONS}
    return table.build(note=note)

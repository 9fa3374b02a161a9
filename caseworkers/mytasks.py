"""My tasks: one list of what is due for the logged-in caseworker.

Each source is a ``TaskSource``: ``rows(user, today)`` is ONE query of the open, dated
records the user is responsible for, and ``item(row)`` turns a row into a ``TaskItem``.
The navigation badge counts every source in one aggregate query (a scalar subquery per
source), and only what is overdue or due within ``settings.JIUZHU_TASK_BADGE_DAYS`` (each
source names its date field, ``due_field``); ``caseworkers.badge`` caches it per user.
Adding a source is one line in ``SOURCES`` (and, if it reads a new model, one line in
``badge.TOWNSHIP_OF``).

Two sources come from the households app: open review tasks (``review_selectors``; a
caseworker's own, a township officer's whole township) and overdue application steps
(``procedure_selectors``; the township officer's investigations and notices, the
county's decisions). A step's deadline is counted in working days with the holiday
calendar, which SQL cannot do: that source lists from a Python computation over the
open applications (three queries: applications, calendar overrides, policy rows; none
for a caseworker, who owns no step) and is left out of the navigation badge
(``counted=False``), which must stay one cheap query on every page. A third lists the
township officer's urgent cases decided before their investigation or notice was
completed (one query, counted: due since the decision).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from caseworkers.models import (
    Referral,
    ReferralStatus,
    ServiceRecord,
    VolunteerAssignment,
)
from households.models import (
    OPEN_REVIEW_STATUSES,
    Application,
    Plan,
    PlanAction,
    PlanStatus,
    ReviewStatus,
    ReviewTask,
    Survey,
)
from households.procedure.selectors import STEP_LABELS, overdue_application_steps
from households.review.selectors import open_review_tasks
from households.rules import procedure as proc
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, Role
from jiuzhu.scope import scoped


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
    # The date field the badge's window applies to.
    due_field: str = "due_on"
    # In the navigation badge (a SQL count). False for sources computed in Python.
    counted: bool = True
    # The badge's queryset when it must differ from ``rows`` (e.g. no guardian-grant query).
    count_rows: Callable[..., QuerySet] | None = None
    # The row's household, by which the task page groups (None: a row of several households).
    household_field: str | None = "household_id"


def plan_action_rows(user, today: date) -> QuerySet:
    return (
        PlanAction.objects.in_scope(user)
        .open()
        .filter(responsible=user, plan__status=PlanStatus.ACTIVE, due_on__isnull=False)
        .select_related("plan__household")
    )


def plan_action_item(a) -> TaskItem:
    return TaskItem(
        a.due_on,
        "plan_action",
        f"{a.plan.household.dossier_no} · {a.description}",
        a.plan.household_id,
        reverse("households:plan_detail", args=[a.plan_id]),
    )


def in_area(model, user) -> QuerySet:
    """Rows of households in the user's area, without the guardian-grant query ``in_scope``
    adds: what the menu's badge counts on every page (a household shared with the user from
    elsewhere is listed on the task page, not counted)."""
    return scoped(
        model.objects.all(), user, township="household__township", county="household__county", roles=CIVIL_AFFAIRS_ROLES
    )


def _plan_reviews(plans: QuerySet, user) -> QuerySet:
    return plans.filter(created_by=user, status=PlanStatus.ACTIVE, next_review_on__isnull=False)


def plan_review_rows(user, today: date) -> QuerySet:
    """Active plans the user made whose next review has a date."""
    return _plan_reviews(Plan.objects.in_scope(user), user).select_related("household")


def plan_review_count_rows(user, today: date) -> QuerySet:
    return _plan_reviews(in_area(Plan, user), user)


def plan_review_item(p) -> TaskItem:
    return TaskItem(
        p.next_review_on,
        "plan_review",
        f"{p.household.dossier_no} · v{p.number}",
        p.household_id,
        reverse("households:plan_detail", args=[p.pk]),
    )


def referral_rows(user, today: date) -> QuerySet:
    return (
        Referral.objects.in_scope(user)
        .filter(created_by=user, status__in=[ReferralStatus.SENT, ReferralStatus.ACCEPTED], follow_up_on__isnull=False)
        .select_related("household", "resource")
    )


def referral_item(r) -> TaskItem:
    return TaskItem(
        r.follow_up_on,
        "referral",
        f"{r.household.dossier_no} · {r.resource.name}",
        r.household_id,
        reverse("caseworkers:referral_detail", args=[r.pk]),
    )


def service_rows(user, today: date) -> QuerySet:
    return ServiceRecord.objects.in_scope(user).filter(created_by=user, followed_up=False, follow_up_on__isnull=False)


def service_item(s) -> TaskItem:
    return TaskItem(
        s.follow_up_on,
        "service",
        f"{s.get_method_display()} · {s.content[:40]}",
        None,
        reverse("caseworkers:service_detail", args=[s.pk]),
    )


def _open_follow_ups(surveys: QuerySet, user) -> QuerySet:
    """Follow-up visits the user promised at a home visit, until a later visit of the household is recorded."""
    later = Survey.objects.filter(household=OuterRef("household"), visited_on__gt=OuterRef("visited_on"))
    return surveys.filter(recorded_by=user, follow_up_on__isnull=False).filter(~Exists(later))


def survey_rows(user, today: date) -> QuerySet:
    return _open_follow_ups(Survey.objects.in_scope(user), user).select_related("household")


def survey_count_rows(user, today: date) -> QuerySet:
    return _open_follow_ups(in_area(Survey, user), user)


def survey_item(s) -> TaskItem:
    return TaskItem(
        s.follow_up_on,
        "survey",
        f"{s.household.dossier_no} · {s.visited_on.isoformat()}",
        s.household_id,
        reverse("households:detail", args=[s.household_id]),
    )


def assignment_rows(user, today: date) -> QuerySet:
    return (
        VolunteerAssignment.objects.in_scope(user)
        .filter(assigned_by=user, done=False, due_on__isnull=False)
        .select_related("volunteer")
    )


def assignment_item(a) -> TaskItem:
    return TaskItem(
        a.due_on,
        "volunteer",
        f"{a.volunteer.name} · {a.task}",
        a.household_id,
        reverse("caseworkers:volunteer_detail", args=[a.volunteer_id]),
    )


def review_rows(user, today: date) -> QuerySet:
    return open_review_tasks(user=user, today=today).select_related(None).select_related("household")


def review_count_rows(user, today: date) -> QuerySet:
    """The badge's review count: the open tasks assigned to the user in their area, without
    the guardian-grant query ``in_scope`` makes (a task of a household shared with the
    caseworker from elsewhere is listed, not counted): the menu is on every page."""
    tasks = in_area(ReviewTask, user)
    if user.role == Role.CASEWORKER and not user.is_superuser:
        return tasks.filter(assigned_to=user, status=ReviewStatus.OPEN)
    return tasks.filter(status__in=OPEN_REVIEW_STATUSES)


def review_item(t) -> TaskItem:
    return TaskItem(
        t.due_on,
        "review",
        f"{t.household.dossier_no} · {t.get_reason_display()}",
        t.household_id,
        reverse("households:review_task_detail", args=[t.pk]),
    )


# Whose step it is: the township investigates and posts the notice (and decides small
# temporary aid on the county's behalf); the county decides. A temporary-aid decision is
# on both lists: the amount (within the township's limit or above it) is known only when
# the decision is taken, and above the limit only the county may take it.
STEP_OWNERS = {
    Role.TOWNSHIP_OFFICER: {"investigation", "notice"},
    Role.COUNTY_CIVIL: {"decision"},
    Role.ADMIN: {"investigation", "notice", "decision"},
}


def _owns_step(user, step) -> bool:
    role = Role.ADMIN if user.is_superuser else user.role
    if step.step in STEP_OWNERS.get(role, ()):
        return True
    return role == Role.TOWNSHIP_OFFICER and step.step == "decision" and step.application.category == proc.TEMPORARY


def application_step_rows(user, today: date) -> list:
    if not (user.is_superuser or user.role in STEP_OWNERS):
        return []  # a caseworker owns no step of the procedure: no query
    return [s for s in overdue_application_steps(user=user, today=today) if _owns_step(user, s)]


def application_step_item(s) -> TaskItem:
    app = s.application
    return TaskItem(
        s.due,
        "application",
        f"{app.household.dossier_no} · {app.get_category_display()} · {s.step_label}",
        app.household_id,
        reverse("households:application_detail", args=[app.pk]),
    )


# Who completes an urgent case's outstanding investigation and notice after the decision.
URGENT_OWNERS = frozenset({Role.TOWNSHIP_OFFICER, Role.ADMIN})


def _urgent(user, qs: QuerySet) -> QuerySet:
    """Urgent applications decided before their investigation or notice was completed."""
    if (Role.ADMIN if user.is_superuser else user.role) not in URGENT_OWNERS:
        return qs.none()
    return qs.filter(urgent=True, status__in=proc.DECIDED_STATUSES).filter(
        Q(investigation_completed_on__isnull=True) | Q(notice_closed_on__isnull=True)
    )


def urgent_rows(user, today: date) -> QuerySet:
    return _urgent(user, Application.objects.in_scope(user).select_related("household"))


def urgent_count_rows(user, today: date) -> QuerySet:
    """The badge's count without the guardian-grant query (as ``review_count_rows``)."""
    return _urgent(user, in_area(Application, user))


def urgent_item(a) -> TaskItem:
    facts = proc.ProcedureFacts(
        status=a.status,
        urgent=a.urgent,
        investigation_complete=a.investigation_completed_on is not None,
        notice_closed=a.notice_closed_on is not None,
    )
    steps = "、".join(str(URGENT_STEP_LABELS[step]) for step in proc.missing_steps(facts))
    return TaskItem(
        a.decided_on,
        "urgent",
        f"{a.household.dossier_no} · {a.get_category_display()} · {steps}",
        a.household_id,
        reverse("households:application_detail", args=[a.pk]),
    )


URGENT_STEP_LABELS = {proc.STEP_INVESTIGATION: STEP_LABELS["investigation"], proc.STEP_NOTICE: STEP_LABELS["notice"]}


SOURCES: list[TaskSource] = [
    TaskSource(
        "plan_action", _("Plan action"), plan_action_rows, plan_action_item, household_field="plan__household_id"
    ),
    TaskSource(
        "plan_review",
        _("Plan review due"),
        plan_review_rows,
        plan_review_item,
        due_field="next_review_on",
        count_rows=plan_review_count_rows,
    ),
    TaskSource("referral", _("Referral follow-up"), referral_rows, referral_item, due_field="follow_up_on"),
    TaskSource(
        "service", _("Service follow-up"), service_rows, service_item, due_field="follow_up_on", household_field=None
    ),
    TaskSource(
        "survey",
        _("Follow-up home visit"),
        survey_rows,
        survey_item,
        due_field="follow_up_on",
        count_rows=survey_count_rows,
    ),
    TaskSource("volunteer", _("Volunteer assignment"), assignment_rows, assignment_item),
    TaskSource("review", _("Review"), review_rows, review_item, count_rows=review_count_rows),
    TaskSource(
        "application", _("Overdue application step"), application_step_rows, application_step_item, counted=False
    ),
    # Due since the decision: the urgent path helps first and completes the steps after.
    TaskSource(
        "urgent",
        _("Urgent case: steps to complete"),
        urgent_rows,
        urgent_item,
        count_rows=urgent_count_rows,
        due_field="decided_on",
    ),
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
    return Subquery(
        qs.order_by().annotate(_n=Func(F("pk"), function="COUNT")).values("_n")[:1], output_field=IntegerField()
    )


def task_count(user, today: date | None = None, *, days: int | None = None) -> int:
    """How many tasks are overdue or due within ``days`` (the setting by default), in ONE
    query (for the navigation badge)."""
    from jiuzhu.models import User

    today = today or timezone.localdate()
    until = today + timedelta(days=settings.JIUZHU_TASK_BADGE_DAYS if days is None else days)
    counts = {
        f"n{i}": _count(
            (source.count_rows or source.rows)(user, today)
            .select_related(None)
            .filter(**{f"{source.due_field}__lte": until})
        )
        for i, source in enumerate(SOURCES)
        if source.counted
    }
    row = User.objects.filter(pk=user.pk).values(**counts).first() or {}
    return sum(v or 0 for v in row.values())


# The task page --------------------------------------------------------------------------
#
# A caseworker at scale has thousands of open dated records: the page never loads them all.
# The counts per kind come from ONE aggregate query (two scalar subqueries per SQL source),
# the page's keys from ONE union query ordered and sliced in SQL (overdue first, then kind,
# household and due date), and only the page's rows are then loaded (one query per kind on
# the page) and turned into items. Sources computed in Python (the procedure's overdue
# steps, a short list) come first: every one of them is overdue.

PAGE_SIZE = 30


@dataclass(frozen=True)
class KindCount:
    kind: str
    label: str
    total: int
    overdue: int


@dataclass(frozen=True)
class TaskPage:
    items: list[TaskItem]
    counts: list[KindCount]  # every kind the user has, in ``SOURCES`` order
    total: int  # under the filter
    number: int
    num_pages: int

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.num_pages

    @property
    def has_other_pages(self) -> bool:
        return self.num_pages > 1

    def previous_page_number(self) -> int:
        return self.number - 1

    def next_page_number(self) -> int:
        return self.number + 1

    @property
    def paginator(self) -> TaskPage:  # the pagination partial reads ``page_obj.paginator.num_pages``
        return self


def _keyed(source: TaskSource, rank: int, user, today: date) -> QuerySet:
    """The source's rows as (late, rank, household, due, pk): what the union orders and slices."""
    household = F(source.household_field) if source.household_field else Value(None, output_field=IntegerField())
    return (
        source.rows(user, today)
        .select_related(None)
        .order_by()
        .annotate(
            t_late=Case(When(**{f"{source.due_field}__lt": today}, then=Value(0)), default=Value(1)),
            t_rank=Value(rank),
            t_household=household,
            t_due=F(source.due_field),
        )
        .values_list("t_late", "t_rank", "t_household", "t_due", "pk")
    )


def kind_counts(user, today: date, python_rows: dict[str, list]) -> list[KindCount]:
    """Open tasks and overdue tasks per kind: ONE query for the SQL sources."""
    from jiuzhu.models import User

    columns = {}
    for i, source in enumerate(SOURCES):
        if source.kind in python_rows:
            continue
        rows = source.rows(user, today).select_related(None)
        columns[f"t{i}"] = _count(rows)
        columns[f"o{i}"] = _count(rows.filter(**{f"{source.due_field}__lt": today}))
    row = User.objects.filter(pk=user.pk).values(**columns).first() or {}
    found = []
    for i, source in enumerate(SOURCES):
        if source.kind in python_rows:
            items = python_rows[source.kind]
            total, overdue = len(items), sum(1 for r in items if source.item(r).due < today)
        else:
            total, overdue = row.get(f"t{i}") or 0, row.get(f"o{i}") or 0
        if total:
            found.append(KindCount(source.kind, str(source.label), total, overdue))
    return found


def task_page(
    user, today: date, *, kind: str | None = None, overdue_only: bool = False, page: int = 1, per_page: int = PAGE_SIZE
) -> TaskPage:
    """One page of the user's tasks: overdue first, grouped by kind then household, earliest first.

    1. The Python sources' rows (a short list; no query for a caseworker, who owns no step).
    2. The counts per kind (one query).
    3. The page's keys from the union of the SQL sources (one query), after the Python items.
    4. The page's rows, one query per kind on the page, turned into items.
    """
    sources = [s for s in SOURCES if kind in (None, s.kind)]
    python_rows = {s.kind: list(s.rows(user, today)) for s in SOURCES if not s.counted}
    counts = kind_counts(user, today, python_rows)
    by_kind = {c.kind: c for c in counts}
    total = sum((c.overdue if overdue_only else c.total) for s in sources if (c := by_kind.get(s.kind)))
    num_pages = max(1, -(-total // per_page))
    number = min(max(1, page), num_pages)
    start = (number - 1) * per_page

    first: list[TaskItem] = []
    for s in sources:
        if s.kind in python_rows:
            items = sorted((s.item(r) for r in python_rows[s.kind]), key=lambda t: (t.household_id or 0, t.due))
            first += [t for t in items if t.due < today or not overdue_only]
    items = first[start : start + per_page]
    sql_start, sql_limit = max(0, start - len(first)), per_page - len(items)

    rank = {s.kind: i for i, s in enumerate(SOURCES)}
    keyed = [_keyed(s, rank[s.kind], user, today) for s in sources if s.kind not in python_rows and by_kind.get(s.kind)]
    if keyed and sql_limit > 0:
        if overdue_only:
            keyed = [q.filter(t_late=0) for q in keyed]
        union = keyed[0].union(*keyed[1:], all=True) if len(keyed) > 1 else keyed[0]
        keys = list(union.order_by("t_late", "t_rank", "t_household", "t_due", "pk")[sql_start : sql_start + sql_limit])
        wanted: dict[int, list[int]] = {}
        for _late, r, _h, _d, pk in keys:
            wanted.setdefault(r, []).append(pk)
        loaded = {r: SOURCES[r].rows(user, today).in_bulk(pks) for r, pks in wanted.items()}
        items += [SOURCES[r].item(loaded[r][pk]) for _late, r, _h, _d, pk in keys if pk in loaded[r]]
    return TaskPage(items=items, counts=counts, total=total, number=number, num_pages=num_pages)

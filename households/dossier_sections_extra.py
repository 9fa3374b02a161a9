"""The households app's own sections of the dossier page that come from its later parts:
the assistance plan (一户一策) and the dynamic review (change reports, open review tasks).

Loaded by ``households.dossier_sections`` like any other app's. Fixed number of queries:
plans (+ goals and actions when a plan is active: 3), change reports (1), open review
tasks (1) — whatever the number of rows (each list is capped).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from households.models import OPEN_REVIEW_STATUSES
from households.plans.selectors import plan_section
from households.review import selectors as review_selectors
from households.review.services import REPORT_ROLES

LIMIT = 10


def may_report_change(user) -> bool:
    return bool(user.is_superuser or user.role in REPORT_ROLES)


def review_section(*, household, user) -> tuple[int, str, str, dict]:
    reports = list(review_selectors.change_reports(user=user, household_id=household.pk)
                   .select_related(None).select_related("reported_by")[:LIMIT])
    tasks = list(review_selectors.review_tasks(user=user).select_related(None).select_related("assigned_to")
                 .filter(household_id=household.pk, status__in=OPEN_REVIEW_STATUSES).order_by("due_on", "id")[:LIMIT])
    return (45, _("Change reports and reviews"), "households/review/_dossier_section.html",
            {"reports": reports, "tasks": tasks, "today": timezone.localdate()})


def sections(*, household, user) -> list[tuple[int, str, str, dict]]:
    # plan_section's template reads its context at the top level; the wrapper unpacks it.
    plan = [(order, title, "households/plans/_dossier_plan.html", context)
            for order, title, _template, context in plan_section(household=household, user=user)]
    return [*plan, review_section(household=household, user=user)]

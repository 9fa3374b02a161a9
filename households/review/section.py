"""The review's section of the dossier page: change reports and open review tasks.

Registered in ``HouseholdsConfig.ready()``. Two queries (change reports, open review
tasks), whatever the number of rows (each list is capped).
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from households import sections
from households.models import OPEN_REVIEW_STATUSES
from households.review import selectors as review_selectors

LIMIT = 10


def review_section(*, household, user) -> list[sections.Section]:
    reports = list(
        review_selectors.change_reports(user=user, household_id=household.pk)
        .select_related(None)
        .select_related("reported_by")[:LIMIT]
    )
    tasks = list(
        review_selectors.review_tasks(user=user)
        .select_related(None)
        .select_related("assigned_to")
        .filter(household_id=household.pk, status__in=OPEN_REVIEW_STATUSES)
        .order_by("due_on", "id")[:LIMIT]
    )
    timeline = tuple(
        sections.TimelineEntry(
            r.date,
            "change_report",
            _("Change reported"),
            r.get_kind_display(),
            r.reported_by.display_name if r.reported_by else r.source,
        )
        for r in reports
    )
    return [
        sections.Section(
            "reviews",
            45,
            _("Change reports and reviews"),
            "households/review/_dossier_section.html",
            {"reports": reports, "tasks": tasks, "today": timezone.localdate()},
            timeline,
        )
    ]

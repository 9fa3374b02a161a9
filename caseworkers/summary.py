"""The caseworker's work summary: per caseworker and month, counts per role.

One GROUP BY query per counted source (fixed number, whatever the rows). Change reports
are households' ``ChangeReport`` (the informant role), counted in the month reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import TruncMonth

from caseworkers.models import PublicityActivity, Referral, ServiceRecord
from households.models import ChangeReport, Plan, Survey
from jiuzhu.models import Role, User
from jiuzhu.scope import scoped


def _month_counts(qs: QuerySet, user_field: str, date_field: str, start: date, end: date) -> dict:
    on = f"{date_field}__date" if date_field.endswith("_at") else date_field
    rows = (
        qs.filter(**{f"{on}__gte": start, f"{on}__lt": end})
        .order_by()
        .annotate(month=TruncMonth(date_field, output_field=DateField()))
        .values(user_field, "month")
        .annotate(n=Count("pk", distinct=True))
    )
    return {(r[user_field], _as_date(r["month"])): r["n"] for r in rows}


def _as_date(value) -> date:
    return value.date() if hasattr(value, "date") and callable(value.date) else value


def change_report_counts(*, user, start: date, end: date) -> dict:
    """{(caseworker id, first day of month): change reports they filed}, one GROUP BY query."""
    return _month_counts(ChangeReport.objects.in_scope(user), "reported_by", "created_at", start, end)


COLUMNS = ("surveys", "plans", "referrals", "services", "publicity", "change_reports")


def _sources(user, start, end) -> dict[str, dict]:
    return {
        "surveys": _month_counts(Survey.objects.in_scope(user), "recorded_by", "visited_on", start, end),
        "plans": _month_counts(Plan.objects.in_scope(user), "created_by", "created_at", start, end),
        "referrals": _month_counts(Referral.objects.in_scope(user), "created_by", "sent_on", start, end),
        "services": _month_counts(ServiceRecord.objects.in_scope(user), "created_by", "held_on", start, end),
        "publicity": _month_counts(PublicityActivity.objects.in_scope(user), "created_by", "held_on", start, end),
        "change_reports": change_report_counts(user=user, start=start, end=end),
    }


@dataclass
class SummaryRow:
    caseworker: User
    month: date
    counts: dict = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def values(self) -> list[int]:
        return [self.counts.get(c, 0) for c in COLUMNS]


def work_summary(*, user, start: date, end: date) -> list[SummaryRow]:
    """Rows for each caseworker in the user's scope and each month in [start, end) with any work."""
    sources = _sources(user, start, end)
    keys = {key for counts in sources.values() for key in counts}
    caseworkers = {
        u.pk: u
        for u in scoped(
            User.objects.filter(role=Role.CASEWORKER), user, township="area", county="area__county"
        ).select_related("area")
    }
    # A township's users are those whose area is the township; county scope via the area's county.
    rows = []
    for uid, month in sorted(keys, key=lambda k: (k[1], k[0])):
        if uid not in caseworkers:
            continue
        rows.append(SummaryRow(caseworkers[uid], month, {c: sources[c].get((uid, month), 0) for c in COLUMNS}))
    return rows

"""Panels on the plans (一户一策) and the referrals of the four roles.

Plans: households on file (not exited) with a needs assessment, those of them with an
active plan (the share), and the open actions of active plans past their due date.
Referrals: sent in the period, per resource domain, and how many of those are done or
failed by now.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseworkers.models import Domain, Referral, ReferralStatus
from dashboards.panels import Column, Table, register_panel
from households.models import ActionStatus, Household, HouseholdStatus, Plan, PlanAction, PlanStatus


def share(part, whole) -> Decimal | None:
    """``part`` of ``whole`` in per cent, one decimal (None when there is no whole)."""
    return (Decimal(100 * (part or 0)) / whole).quantize(Decimal("0.1"), ROUND_HALF_UP) if whole else None


def total_only(url: str):
    """A ``cell_link`` for lists that take no area filter: only the total row links (the
    list is the user's whole scope, which is the area shown when it is their own)."""

    def link(area, column_key: str) -> str | None:
        return url if area is None else None

    return link


@register_panel(key="plans", title=gettext_lazy("Assistance plans (一户一策)"), kind="bar", order=75)
def plans(*, scope, period):
    # Three GROUP BYs (households, their active plans, the overdue actions), each driven by
    # its own table: a subquery per household for the plans and actions took ~40 s over the
    # million households of a province, these take well under one.
    on_file = Q(status=HouseholdStatus.EXITED)
    assessed = (
        Household.objects.filter(scope.household_q())
        .exclude(on_file)
        .values(scope.group_field())
        .annotate(assessed=Count("pk", filter=Q(latest_assessment__isnull=False)))
        .order_by()
    )
    planned = (
        Plan.objects.filter(
            scope.household_q("household__"), status=PlanStatus.ACTIVE, household__latest_assessment__isnull=False
        )
        .exclude(household__status=HouseholdStatus.EXITED)
        .values(scope.group_field("household__"))
        .annotate(planned=Count("household_id", distinct=True))
        .order_by()
    )
    overdue = (
        PlanAction.objects.filter(
            scope.household_q("plan__household__"), plan__status=PlanStatus.ACTIVE, due_on__lt=scope.today
        )
        .exclude(status__in=[ActionStatus.DONE, ActionStatus.CANCELLED])
        .exclude(plan__household__status=HouseholdStatus.EXITED)
        .values(scope.group_field("plan__household__"))
        .annotate(overdue_households=Count("plan__household_id", distinct=True), overdue_actions=Count("pk"))
        .order_by()
    )

    def derive(values):
        values["share"] = share(values.get("planned"), values.get("assessed"))

    table = Table(
        scope,
        period,
        [
            Column("assessed", _("Assessed households")),
            Column("planned", _("With an active plan")),
            Column("share", _("Share with an active plan (%)"), total=None, format="percent", chart=False),
            Column("overdue_households", _("Households with overdue plan actions")),
            Column("overdue_actions", _("Overdue plan actions"), chart=False),
        ],
        derive=derive,
        cell_link=total_only(reverse("households:plan_list") + "?status=active"),
    )
    table.fill(assessed, scope.group_field())
    table.fill(planned, scope.group_field("household__"))
    table.fill(overdue, scope.group_field("plan__household__"))
    return table.build(
        note=_(
            "Households on file (not exited) with a needs assessment, and those with an active "
            "plan; open actions of active plans whose due date has passed."
        )
    )


@register_panel(key="referrals", title=gettext_lazy("Referrals by domain"), kind="bar", order=76)
def referrals(*, scope, period):
    group = scope.group_field("household__")
    rows = list(
        Referral.objects.filter(scope.household_q("household__"), sent_on__range=(period.start, period.end))
        .values(group, "resource__domain")
        .annotate(
            sent=Count("pk"),
            done=Count("pk", filter=Q(status=ReferralStatus.DONE)),
            failed=Count("pk", filter=Q(status=ReferralStatus.FAILED)),
        )
        .order_by()
    )
    present = {row["resource__domain"] for row in rows}
    domains = [d for d in Domain if d.value in present]
    outcomes = (("sent", _("sent")), ("done", _("done")), ("failed", _("failed")))
    columns = [
        Column(f"{d.value}_{key}", _("%(domain)s: %(what)s") % {"domain": d.label, "what": label}, chart=False)
        for d in domains
        for key, label in outcomes
    ]
    table = Table(scope, period, columns, cell_link=total_only(reverse("caseworkers:referral_list")))
    for row in rows:
        for key, _label in outcomes:
            table.add(row[group], f"{row['resource__domain']}_{key}", row[key])
    data = table.build(
        note=_(
            "Referrals sent in the period, by the domain of the resource, and how many of them "
            "are done or failed by now."
        )
    )
    total = {c.key: cell.value for c, cell in zip(columns, data.total.cells, strict=True)}
    data.chart = {
        "type": "bar",
        "labels": [d.label for d in domains],
        "datasets": [
            {"label": label, "data": [total.get(f"{d.value}_{key}", 0) for d in domains]} for key, label in outcomes
        ],
    }
    return data

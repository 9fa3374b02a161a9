"""Panels on the caseworkers' four roles: output per caseworker and month, volunteers and
their hours, training hours.

Volunteers and trainings belong to a township (or a county), not a village: in a
township's dashboard their figures stand in one row for the township itself.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import Count, DecimalField, ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from caseworkers import summary
from caseworkers.models import Training, Volunteer, VolunteerAssignment, VolunteerStatus
from dashboards.panels import Cell, Column, PanelData, Row, Table, register_panel
from dashboards.plan_panels import total_only
from jiuzhu.models import AreaLevel

# Rows owned by a township carry township and county, no village.
OWNED_GROUP = {AreaLevel.CITY: "county", AreaLevel.COUNTY: "township", AreaLevel.TOWNSHIP: "township"}
MAX_OUTPUT_ROWS = 300
HOURS = DecimalField(max_digits=12, decimal_places=1)


def owned_group(scope) -> str:
    return OWNED_GROUP[scope.level]


def _in_area(scope, caseworker) -> bool:
    area = caseworker.area
    if area is None:
        return False
    if scope.level == AreaLevel.CITY:
        return area.city_id == scope.area.pk or area.pk == scope.area.pk
    if scope.level == AreaLevel.COUNTY:
        return area.county_id == scope.area.pk or area.pk == scope.area.pk
    return area.pk == scope.area.pk or area.township_id == scope.area.pk


@register_panel(
    key="four_roles", title=gettext_lazy("Four roles' output per caseworker and month"), kind="bar", order=90
)
def four_roles_output(*, scope, period):
    """The work summary (caseworkers.summary: one GROUP BY per role and the caseworkers)
    for the period, narrowed to the caseworkers of the area shown."""
    rows = [
        r
        for r in summary.work_summary(user=scope.user, start=period.start, end=period.end + datetime.timedelta(days=1))
        if _in_area(scope, r.caseworker)
    ]
    labels = {
        "surveys": _("Surveys"),
        "plans": _("Plans"),
        "referrals": _("Referrals"),
        "services": _("Services"),
        "publicity": _("Publicity"),
        "change_reports": _("Change reports"),
    }
    columns = [Column(key, labels[key]) for key in summary.COLUMNS] + [Column("total", _("Total"), chart=False)]
    totals = dict.fromkeys([c.key for c in columns], 0)
    body = []
    for r in rows:
        values = [*r.values(), r.total]
        for column, value in zip(columns, values, strict=True):
            totals[column.key] += value
        if len(body) < MAX_OUTPUT_ROWS:
            body.append(Row(label=f"{r.caseworker.display_name} · {r.month:%Y-%m}", cells=[Cell(v) for v in values]))
    link = total_only(reverse("caseworkers:summary") + f"?year={period.end.year}")
    total_row = Row(
        label=_("Total"),
        is_total=True,
        cells=[Cell(totals[c.key], link(None, c.key) if totals[c.key] else None) for c in columns],
    )
    # Drawn per caseworker (summed over the period's months): two caseworkers are two bars,
    # never one. The caseworker's id keeps namesakes apart.
    by_caseworker: dict[int, tuple[str, dict[str, int]]] = {}
    for r in rows:
        _name, counts = by_caseworker.setdefault(
            r.caseworker.pk, (r.caseworker.display_name, dict.fromkeys(summary.COLUMNS, 0))
        )
        for key in summary.COLUMNS:
            counts[key] += r.counts.get(key, 0)
    drawn = list(by_caseworker.values())[:MAX_OUTPUT_ROWS]
    chart = {
        "type": "bar",
        "stacked": True,
        "labels": [name for name, _counts in drawn],
        "datasets": [
            {"label": labels[key], "data": [counts[key] for _name, counts in drawn]} for key in summary.COLUMNS
        ],
    }
    note = _(
        "Per caseworker of the area and month: home visits, plans, referrals, services, publicity activities "
        "and change reports recorded in the period."
    )
    if len(rows) > MAX_OUTPUT_ROWS:
        note += " " + _("The first %(n)s rows are shown; the total counts all.") % {"n": MAX_OUTPUT_ROWS}
    return PanelData(
        columns=columns, rows=[*body, total_row], chart=chart, note=note, row_heading=_("Caseworker · month")
    )


@register_panel(key="volunteers", title=gettext_lazy("Volunteers and hours served"), kind="bar", order=91)
def volunteers(*, scope, period):
    group = owned_group(scope)
    served = (
        VolunteerAssignment.objects.filter(
            volunteer_id=OuterRef("pk"), created_at__date__range=(period.start, period.end)
        )
        .order_by()
        .values("volunteer_id")
        .annotate(h=Sum("hours"))
        .values("h")
    )
    rows = (
        Volunteer.objects.filter(scope.household_q(""))
        .annotate(_served=Coalesce(Subquery(served, output_field=HOURS), Value(Decimal(0)), output_field=HOURS))
        .values(group)
        .annotate(
            registered=Count("pk"),
            active=Count("pk", filter=Q(status=VolunteerStatus.ACTIVE)),
            served_hours=Sum("_served"),
            training_hours=Sum("training_hours"),
        )
        .order_by()
    )

    def derive(values):
        for key in ("served_hours", "training_hours"):
            values[key] = Decimal(values.get(key) or 0).quantize(Decimal("0.1"))

    table = Table(
        scope,
        period,
        [
            Column("registered", _("Volunteers registered"), chart=False),
            Column("active", _("Active volunteers")),
            Column("served_hours", _("Hours served in the period")),
            Column("training_hours", _("Training hours (all time)"), chart=False),
        ],
        derive=derive,
        cell_link=total_only(reverse("caseworkers:volunteer_list")),
    )
    table.fill(rows, group)
    return table.build(note=_("Volunteers registered in the area; hours recorded on assignments made in the period."))


def _attendance(through, field: str):
    return (
        through.objects.filter(training_id=OuterRef("pk"))
        .order_by()
        .values("training_id")
        .annotate(n=Count(field))
        .values("n")
    )


@register_panel(key="training", title=gettext_lazy("Training hours"), kind="bar", order=92)
def training(*, scope, period):
    group = owned_group(scope)
    caseworkers = Coalesce(
        Subquery(_attendance(Training.caseworkers_present.through, "user_id"), output_field=IntegerField()), Value(0)
    )
    volunteers_ = Coalesce(
        Subquery(_attendance(Training.volunteers_present.through, "volunteer_id"), output_field=IntegerField()),
        Value(0),
    )
    rows = (
        Training.objects.filter(scope.household_q(""), held_on__range=(period.start, period.end))
        .annotate(_cw=caseworkers, _vol=volunteers_)
        .values(group)
        .annotate(
            sessions=Count("pk"),
            held_hours=Sum("hours"),
            caseworker_hours=Sum(ExpressionWrapper(F("hours") * F("_cw"), output_field=HOURS)),
            volunteer_hours=Sum(ExpressionWrapper(F("hours") * F("_vol"), output_field=HOURS)),
        )
        .order_by()
    )

    def derive(values):
        for key in ("held_hours", "caseworker_hours", "volunteer_hours"):
            values[key] = Decimal(values.get(key) or 0).quantize(Decimal("0.1"))

    table = Table(
        scope,
        period,
        [
            Column("sessions", _("Training sessions"), chart=False),
            Column("held_hours", _("Hours of training held"), chart=False),
            Column("caseworker_hours", _("Caseworker training hours")),
            Column("volunteer_hours", _("Volunteer training hours")),
        ],
        derive=derive,
        cell_link=total_only(reverse("caseworkers:training_list")),
    )
    table.fill(rows, group)
    return table.build(
        note=_("Sessions held in the period; attendance hours are the session's hours times the people present.")
    )

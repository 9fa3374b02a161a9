"""The built-in panels, on the dossier models of main. One aggregate query each.

Every query filters by ``scope.household_q()`` and groups by ``scope.group_field()``
(fields kept on the household row: county, township, village), and clears the model's
default ordering (``order_by()``), which would otherwise split the groups.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Case, Count, F, IntegerField, Min, Q, Sum, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.links import households_link
from dashboards.panels import Column, Table, register_panel
from households import rules
from households.dossier.selectors import missing_item_q
from households.models import (
    Application,
    ApplicationStatus,
    Category,
    Enrolment,
    EnrolmentStatus,
    Household,
    HouseholdStatus,
    NeedDomain,
    NeedLevel,
)

IN_FORCE = tuple(sorted(rules.IN_FORCE))
CENT = Decimal("0.01")
# Dossier completeness bands (S-3.1): key, lowest, highest (both included).
COMPLETENESS_BANDS = rules.COMPLETENESS_BANDS

# One person counted per individual enrolment, the whole household per household one.
PERSONS = Sum(
    Case(When(member__isnull=False, then=1), default=F("household__member_count"), output_field=IntegerField())
)


@register_panel(key="households", title=gettext_lazy("Households and persons by status"), kind="bar", order=10)
def households_by_status(*, scope, period):
    group = scope.group_field()
    aggregates = {}
    columns = []
    for status in HouseholdStatus:
        aggregates[f"{status.value}_households"] = Count("pk", filter=Q(status=status))
        aggregates[f"{status.value}_persons"] = Sum("member_count", filter=Q(status=status))
        columns.append(Column(f"{status.value}_households", _("%(status)s: households") % {"status": status.label}))
        columns.append(
            Column(f"{status.value}_persons", _("%(status)s: persons") % {"status": status.label}, chart=False)
        )
    rows = Household.objects.filter(scope.household_q()).values(group).annotate(**aggregates).order_by()
    links = {f"{s.value}_{what}": {"status": s.value} for s in HouseholdStatus for what in ("households", "persons")}
    table = Table(scope, period, columns, cell_link=households_link(scope, **links))
    table.fill(rows, group)
    return table.build(stacked=True, note=_("Persons are the members recorded on each household."))


@register_panel(
    key="categories",
    title=gettext_lazy("Households and persons receiving assistance, by category"),
    kind="bar",
    order=20,
)
def enrolled_by_category(*, scope, period):
    group = scope.group_field("household__")
    rows = list(
        Enrolment.objects.filter(scope.household_q("household__"), status__in=IN_FORCE)
        .values(group, "category")
        .annotate(households=Count("household", distinct=True), persons=PERSONS)
        .order_by()
    )
    present = {row["category"] for row in rows}
    columns, links = [], {}
    for category in Category:
        if category.value not in present:
            continue
        columns.append(
            Column(f"{category.value}_households", _("%(category)s: households") % {"category": category.label})
        )
        columns.append(
            Column(f"{category.value}_persons", _("%(category)s: persons") % {"category": category.label}, chart=False)
        )
        links[f"{category.value}_households"] = links[f"{category.value}_persons"] = {"category": category.value}
    table = Table(scope, period, columns, cell_link=households_link(scope, **links))
    for row in rows:
        table.add(row[group], f"{row['category']}_households", row["households"])
        table.add(row[group], f"{row['category']}_persons", row["persons"])
    return table.build(
        note=_(
            "Enrolments in force or in gradual exit. Individual aid counts the one member, household aid all members."
        )
    )


@register_panel(key="movement", title=gettext_lazy("New enrolments and exits in the period"), kind="bar", order=30)
def enrolments_and_exits(*, scope, period):
    group = scope.group_field("household__")
    started = Q(start_on__range=(period.start, period.end))
    ended = Q(status=EnrolmentStatus.ENDED, end_on__range=(period.start, period.end))
    rows = (
        Enrolment.objects.filter(scope.household_q("household__"))
        .filter(started | ended)
        .values(group)
        .annotate(new=Count("pk", filter=started), exits=Count("pk", filter=ended))
        .order_by()
    )

    def derive(values):
        values["net"] = (values.get("new") or 0) - (values.get("exits") or 0)

    table = Table(
        scope,
        period,
        [
            Column("new", _("New enrolments")),
            Column("exits", _("Exits")),
            Column("net", _("Net change"), total=None, chart=False),
        ],
        derive=derive,
    )
    table.fill(rows, group)
    return table.build(note=_("Enrolments started, and enrolments ended, between the two dates (both included)."))


@register_panel(key="assistance", title=gettext_lazy("Assistance paid per month"), kind="bar", order=40)
def assistance_per_month(*, scope, period):
    group = scope.group_field("household__")
    rows = (
        Enrolment.objects.filter(scope.household_q("household__"), status__in=IN_FORCE)
        .values(group)
        .annotate(households=Count("household", distinct=True), persons=PERSONS, amount=Sum("monthly_amount"))
        .order_by()
    )

    def derive(values):
        amount, persons = values.get("amount") or Decimal("0"), values.get("persons") or 0
        values["amount"] = Decimal(amount).quantize(CENT)
        values["per_capita"] = (Decimal(amount) / persons).quantize(CENT, ROUND_HALF_UP) if persons else None

    table = Table(
        scope,
        period,
        [
            Column("households", _("Households"), chart=False),
            Column("persons", _("Persons"), chart=False),
            Column("amount", _("Paid per month (yuan)"), format="money"),
            Column("per_capita", _("Per person per month (yuan)"), total=None, format="money", chart=False),
        ],
        derive=derive,
        cell_link=households_link(scope, households={"status": HouseholdStatus.ACTIVE}),
    )
    table.fill(rows, group)
    return table.build(
        note=_(
            "Monthly amounts of the enrolments now in force. A person receiving two kinds of "
            "assistance is counted under each."
        )
    )


MAX_MONTHS = 24


def _month_end(first: datetime.date) -> datetime.date:
    return (first.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)


@register_panel(key="assistance_months", title=gettext_lazy("Assistance paid, month by month"), kind="bar", order=45)
def assistance_month_by_month(*, scope, period):
    group = scope.group_field("household__")
    months = period.months()[-MAX_MONTHS:]
    aggregates, columns = {}, []
    for first in months:
        key = f"m{first:%Y%m}"
        in_force = Q(start_on__lte=_month_end(first)) & (Q(end_on__isnull=True) | Q(end_on__gte=first))
        aggregates[key] = Sum("monthly_amount", filter=in_force)
        columns.append(Column(key, f"{first:%Y-%m}", format="money"))
    rows = (
        Enrolment.objects.filter(scope.household_q("household__"), start_on__lte=period.end)
        .exclude(status=EnrolmentStatus.SUSPENDED)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=months[0]))
        .values(group)
        .annotate(**aggregates)
        .order_by()
    )

    def derive(values):
        for column in columns:
            values[column.key] = Decimal(values.get(column.key) or 0).quantize(CENT)

    table = Table(scope, period, columns, derive=derive)
    table.fill(rows, group)
    data = table.build(
        note=_(
            "Monthly amounts of the enrolments in force in each month of the period (suspended "
            "enrolments left out; at most the last 24 months)."
        )
    )
    total = data.total
    data.chart = {
        "type": "line",
        "labels": [c.label for c in columns],
        "datasets": [{"label": _("Total"), "data": [float(c.value or 0) for c in total.cells]}],
    }
    return data


@register_panel(key="reviews", title=gettext_lazy("Overdue reviews (应保尽保、应退尽退)"), kind="bar", order=50)
def overdue_reviews(*, scope, period):
    group = scope.group_field()
    today = scope.today
    rows = (
        Household.objects.filter(scope.household_q(), status=HouseholdStatus.ACTIVE, next_review_on__lt=today)
        .values(group)
        .annotate(overdue=Count("pk"), oldest=Min("next_review_on"))
        .order_by()
    )

    def derive(values):
        oldest = values.get("oldest")
        values["age"] = (today - oldest).days if isinstance(oldest, datetime.date) else None

    table = Table(
        scope,
        period,
        [
            Column("overdue", _("Households overdue for review")),
            Column("oldest", _("Oldest review date"), total="min", format="date", chart=False),
            Column("age", _("Oldest overdue (days)"), total=None, format="days", chart=False),
        ],
        derive=derive,
        cell_link=households_link(scope, overdue={"status": HouseholdStatus.ACTIVE, "review_overdue": 1}),
    )
    table.fill(rows, group)
    return table.build(
        note=_(
            "Households on the register whose next review date has passed. Open inclusion and "
            "exit candidates are added with the nightly review."
        )
    )


@register_panel(key="completeness", title=gettext_lazy("Dossier completeness"), kind="bar", order=60)
def dossier_completeness(*, scope, period):
    group = scope.group_field()
    aggregates = {"total": Count("pk")}
    columns = []
    links = {}
    for key, low, high in COMPLETENESS_BANDS:
        name = "band_" + key.replace("-", "_")
        aggregates[name] = Count("pk", filter=Q(completeness__gte=low, completeness__lte=high))
        columns.append(Column(name, _("%(band)s%%") % {"band": key}))
        links[name] = {"status": HouseholdStatus.ACTIVE, "completeness": key}
    # The missing-item counts ride in the same query, for the scope-wide list beside the table.
    rows = list(
        Household.objects.filter(scope.household_q(), status=HouseholdStatus.ACTIVE)
        .values(group)
        .annotate(**aggregates, **_missing_counts())
        .order_by()
    )

    def derive(values):
        total = values.get("total") or 0
        values["share_complete"] = (
            (Decimal(100 * (values.get("band_100") or 0)) / total).quantize(Decimal("0.1"), ROUND_HALF_UP)
            if total
            else None
        )

    links["total"] = {"status": HouseholdStatus.ACTIVE}
    table = Table(
        scope,
        period,
        [
            Column("total", _("Households on register"), chart=False),
            *columns,
            Column("share_complete", _("Share complete (%)"), total=None, format="percent", chart=False),
        ],
        derive=derive,
        cell_link=households_link(scope, **links),
    )
    table.fill(rows, group)
    data = table.build(stacked=True, note=_("Households on the register by dossier completeness."))
    data.extra = {"missing_items": most_missing_items(_missing_totals(rows))}
    return data


def _missing_counts() -> dict[str, Count]:
    """One filtered count per dossier item, on the stored bitmask ``Household.missing_items``."""
    return {code: Count("pk", filter=missing_item_q(code)) for code in rules.MISSING_BITS}


def _most_missing_first(totals: dict[str, int]) -> list[str]:
    """The item codes with at least one household, most missing first (then in bit order)."""
    return sorted((code for code, n in totals.items() if n), key=lambda code: (-totals[code], rules.MISSING_BITS[code]))


def _missing_totals(rows: list[dict]) -> dict[str, int]:
    """The whole area's count per item, from rows grouped by child area."""
    return {code: sum(row[code] for row in rows) for code in rules.MISSING_BITS}


def most_missing_items(totals: dict[str, int]) -> list[tuple[str, int]]:
    """(translated label, households) of the items missing somewhere, most missing first."""
    return [(_(rules.REQUIREMENTS[code].label), totals[code]) for code in _most_missing_first(totals)]


@register_panel(key="missing_items", title=gettext_lazy("Most-missing dossier items"), kind="bar", order=65)
def missing_dossier_items(*, scope, period):
    group = scope.group_field()
    rows = list(
        Household.objects.filter(scope.household_q(), status=HouseholdStatus.ACTIVE)
        .values(group)
        .annotate(**_missing_counts())
        .order_by()
    )
    present = _most_missing_first(_missing_totals(rows))
    table = Table(
        scope,
        period,
        [Column(code, _(rules.REQUIREMENTS[code].label)) for code in present],
        cell_link=households_link(
            scope, **{code: {"status": HouseholdStatus.ACTIVE, "missing": code} for code in present}
        ),
    )
    table.fill(rows, group)  # the items nobody misses are in the rows too, as zeros; no column shows them
    return table.build(
        note=_(
            "Households on the register missing each dossier item, as stored when their completeness was last "
            "refreshed; items no household misses are left out."
        )
    )


@register_panel(key="needs", title=gettext_lazy("Needs by domain and level"), kind="bar", order=70)
def needs_by_domain(*, scope, period):
    # Each household's latest assessment is kept on the household (latest_assessment, set
    # by services.assessment_record): join households to the needs of that one assessment.
    group = scope.group_field()
    levels = [NeedLevel.HIGH, NeedLevel.MEDIUM, NeedLevel.LOW]
    rows = list(
        Household.objects.filter(scope.household_q(), latest_assessment__needs__level__in=levels)
        .values(group, domain=F("latest_assessment__needs__domain"), level=F("latest_assessment__needs__level"))
        .annotate(households=Count("pk"))
        .order_by()
    )
    present = {(row["domain"], row["level"]) for row in rows}
    columns = [
        Column(
            f"{d.value}_{lv.value}", _("%(domain)s: %(level)s") % {"domain": d.label, "level": lv.label}, chart=False
        )
        for d in NeedDomain
        for lv in levels
        if (d.value, lv.value) in present
    ]
    table = Table(scope, period, columns)
    for row in rows:
        table.add(row[group], f"{row['domain']}_{row['level']}", row["households"])
    data = table.build(note=_("Households per need found in their latest assessment."))
    # The chart: the whole area, domains along the axis, one series per level.
    total = data.total
    by_key = {c.key: total.cells[i].value for i, c in enumerate(columns)}
    domains = [d for d in NeedDomain if any((d.value, lv.value) in present for lv in levels)]
    data.chart = {
        "type": "bar",
        "stacked": True,
        "labels": [d.label for d in domains],
        "datasets": [
            {"label": lv.label, "data": [by_key.get(f"{d.value}_{lv.value}", 0) for d in domains]} for lv in levels
        ],
    }
    return data


@register_panel(key="applications", title=gettext_lazy("Applications by status"), kind="bar", order=80)
def applications_by_status(*, scope, period):
    group = scope.group_field("household__")
    aggregates = {s.value: Count("pk", filter=Q(status=s)) for s in ApplicationStatus}
    rows = (
        Application.objects.filter(scope.household_q("household__"), created_at__date__range=(period.start, period.end))
        .values(group)
        .annotate(**aggregates)
        .order_by()
    )
    table = Table(scope, period, [Column(s.value, s.label) for s in ApplicationStatus])
    table.fill(rows, group)
    return table.build(note=_("Applications started in the period, by their present status."))

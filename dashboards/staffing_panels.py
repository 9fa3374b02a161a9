"""Staffing panels (township caseworkers, contracts, qualifications, funding), for civil
affairs AND finance users.

Coverage: townships, their caseworkers in post today (one query over the townships) and
which are covered (``staffing.selectors.covered_township_ids``, two queries: the one
definition the board and the sheets use).
Alerts: today's staffing findings by kind, live, from the selector the county board uses
(``staffing.selectors.live_findings``), so the two agree: contracts ending, qualification
deadlines, appraisals missing, dismissals due (four queries: caseworkers, contracts,
appraisals, policies; one when no caseworker is in post); and the townships whose
purchase-of-service contract ended with none running (one query).
Funding: ``staffing.selectors.funding`` per county (four queries whatever the number of
counties and townships: townships, caseworkers, transfers, policies).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dashboards.panels import Column, Table, register_panel
from jiuzhu.models import CIVIL_AFFAIRS_ROLES, FINANCE_ROLES, Area, AreaLevel
from staffing import selectors as staffing_selectors
from staffing.models import AlertKind, Caseworker, CaseworkerStatus, ServiceContract

STAFFING_ROLES = CIVIL_AFFAIRS_ROLES | FINANCE_ROLES
# Townships (and staffing rows, which carry township and county) per level shown.
TOWNSHIP_GROUP = {AreaLevel.CITY: "county", AreaLevel.COUNTY: "pk", AreaLevel.TOWNSHIP: "pk"}
OWNED_GROUP = {AreaLevel.CITY: "county", AreaLevel.COUNTY: "township", AreaLevel.TOWNSHIP: "township"}


def _county_code(scope, area) -> str | None:
    """The county-level unit a row (or the total row: ``area`` None) belongs to."""
    if area is not None:
        return area.code if area.level == AreaLevel.COUNTY else None
    if scope.level == AreaLevel.COUNTY:
        return scope.area.code
    if scope.level == AreaLevel.TOWNSHIP:
        return scope.area.county.code if scope.area.county_id else None
    return None


def staffing_link(scope, url_name: str, **params):
    """``cell_link``: the staffing page of the county a row belongs to (the board and the
    funding page are per county; the city total opens the user's default county)."""

    def link(area, column_key: str) -> str | None:
        if area is not None and area.level != AreaLevel.COUNTY:
            return None
        query = dict(params)
        code = _county_code(scope, area)
        if code:
            query["county"] = code
        return reverse(url_name) + ("?" + urlencode(query) if query else "")

    return link


def _townships(scope):
    qs = Area.objects.filter(level=AreaLevel.TOWNSHIP, active=True)
    if scope.level == AreaLevel.CITY:
        return qs.filter(county__city_id=scope.area.pk)
    if scope.level == AreaLevel.COUNTY:
        return qs.filter(county_id=scope.area.pk)
    return qs.filter(pk=scope.area.pk)


@register_panel(
    key="staffing", title=gettext_lazy("Township caseworkers in post"), kind="bar", order=100, roles=STAFFING_ROLES
)
def staffing_coverage(*, scope, period):
    group = TOWNSHIP_GROUP[scope.level]
    in_post = Caseworker.objects.filter(
        township_id=OuterRef("pk"), status=CaseworkerStatus.IN_POST, hire_date__lte=scope.today
    )
    count = in_post.order_by().values("township_id").annotate(n=Count("pk")).values("n")
    townships = _townships(scope)
    # Covered as on the board and the funding sheet (S-2.1.1): a full-time caseworker in
    # post with an employment contract running today. A part-time one is counted in post
    # but does not cover the township.
    covered = staffing_selectors.covered_township_ids(townships=Q(pk__in=townships.values("pk")), day=scope.today)
    rows = (
        townships.annotate(_n=Coalesce(Subquery(count, output_field=IntegerField()), Value(0)))
        .values(group)
        .annotate(townships=Count("pk"), uncovered=Count("pk", filter=~Q(pk__in=covered)), in_post=Sum("_n"))
        .order_by()
    )
    table = Table(
        scope,
        period,
        [
            Column("townships", _("Townships"), chart=False),
            Column("uncovered", _("Townships without a full-time caseworker")),
            Column("in_post", _("Caseworkers in post")),
        ],
        cell_link=staffing_link(scope, "staffing:board"),
    )
    table.fill(rows, group)
    return table.build(
        note=_(
            "Caseworkers in post today at each township; a township is covered by a full-time "
            "caseworker in post with an employment contract running (S-2.1.1: at least one "
            "per township)."
        )
    )


@register_panel(
    key="staffing_alerts",
    title=gettext_lazy("Staffing alerts: contracts and qualifications"),
    kind="bar",
    order=101,
    roles=STAFFING_ROLES,
)
def staffing_alerts(*, scope, period):
    # Live, as on the staffing board (the same selector): not the nightly run's rows.
    findings = staffing_selectors.live_findings(caseworkers=scope.household_q(""), today=scope.today)
    group = OWNED_GROUP[scope.level]
    table = Table(
        scope,
        period,
        [
            *(Column(kind.value, str(kind.label)) for kind in AlertKind),
            Column("service_contract_expired", _("Service contract expired")),
        ],
        cell_link=staffing_link(scope, "staffing:board"),
    )
    for found in findings.values():
        for f in found:
            table.add(getattr(f.caseworker, f"{group}_id"), f.kind, 1)
    # Townships whose purchase-of-service contract has ended with none running (as on the board).
    contracts = list(
        ServiceContract.objects.filter(scope.household_q("")).only("township_id", "county_id", "start", "end")
    )
    for sc in staffing_selectors.expired_service_contracts(contracts, today=scope.today):
        table.add(getattr(sc, f"{group}_id"), "service_contract_expired", 1)
    return table.build(
        stacked=True,
        note=_(
            "Today's findings, as on the staffing board: contracts ending within "
            "90 days, qualification deadlines within 180 days or passed, "
            "appraisals missing, dismissals due."
        ),
    )


@register_panel(
    key="funding",
    title=gettext_lazy("Caseworker funding check per county"),
    kind="bar",
    order=102,
    roles=STAFFING_ROLES,
)
def funding_check(*, scope, period):
    year = period.end.year
    if scope.level == AreaLevel.CITY:
        counties = list(scope.children)
    else:
        county = scope.area if scope.level == AreaLevel.COUNTY else scope.area.county
        counties = [county] if county is not None else []
    found = staffing_selectors.funding(counties=counties, year=year) if counties else []
    table = Table(
        scope,
        period,
        [
            Column("required", _("Required (yuan)"), format="money"),
            Column("transferred", _("Transferred (yuan)"), format="money"),
            Column("shortfall", _("Shortfall (yuan)"), format="money", chart=False),
            Column("short_townships", _("Townships short"), chart=False),
            Column("no_caseworker", _("No full-time caseworker"), chart=False),
        ],
        cell_link=staffing_link(scope, "staffing:funding", year=year),
    )
    for county_funding in found:
        for row in county_funding.rows:
            if scope.level == AreaLevel.CITY:
                key = county_funding.county.pk
            elif scope.level == AreaLevel.COUNTY:
                key = row.township.pk
            elif row.township.pk != scope.area.pk:
                continue
            else:
                key = row.township.pk
            table.add(key, "required", row.line.required)
            table.add(key, "transferred", row.transferred)
            table.add(key, "shortfall", row.check.shortfall)
            table.add(key, "short_townships", 0 if row.check.ok else 1)
            table.add(key, "no_caseworker", 1 if row.check.no_caseworker else 0)
    return table.build(
        note=_(
            "Year %(year)s: the funding floor times the caseworker-years in post, against the "
            "transfers recorded; a township with no full-time caseworker is short too."
        )
        % {"year": year}
    )

"""Builders for the application-procedure tests: people, a household, and a helper that
walks an application through the steps with the services (as the pages would)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from households.models import Application, Survey, Verification
from households.procedure import services
from jiuzhu.models import Role, User
from tests import factories

D = datetime.date

RECEIVED = D(2026, 11, 2)
NOTICE_START, NOTICE_END, CLOSED, DECIDED = D(2026, 11, 16), D(2026, 11, 22), D(2026, 11, 23), D(2026, 11, 24)


@dataclass
class People:
    caseworker: User
    officer: User
    county: User
    city: User
    other_officer: User
    other_county: User
    finance: User


def people() -> People:
    return People(
        caseworker=factories.user(Role.CASEWORKER, "330402007", username="cw"),
        officer=factories.user(Role.TOWNSHIP_OFFICER, "330402007", username="officer"),
        county=factories.user(Role.COUNTY_CIVIL, "330402", username="county"),
        city=factories.user(Role.CITY_CIVIL, "330400", username="city"),
        other_officer=factories.user(Role.TOWNSHIP_OFFICER, "330402008", username="officer-b"),
        other_county=factories.user(Role.COUNTY_CIVIL, "330411", username="county-b"),
        finance=factories.user(Role.COUNTY_FINANCE, "330402", username="finance"),
    )


def verification(
    household,
    *,
    per_capita: str = "400.00",
    members: int = 2,
    by=None,
    on: datetime.date | None = None,
    classification: str = "dibao",
) -> Verification:
    by = by or User.objects.filter(is_superuser=True).first() or factories.user(Role.ADMIN, None)
    return Verification.objects.create(
        household=household,
        verified_on=on or D(2026, 11, 5),
        source="county_centre",
        report_no="HD-1",
        members_counted=members,
        per_capita_income=Decimal(per_capita),
        total_income=Decimal(per_capita) * members,
        classification=classification,
        recorded_by=by,
    )


def survey(household, *, by, on: datetime.date | None = None) -> Survey:
    return Survey.objects.create(
        household=household, visited_on=on or D(2026, 11, 4), housing="own", housing_condition="fair", recorded_by=by
    )


def draft(p: People, household=None, category: str = "dibao") -> Application:
    household = household or factories.household(members=2)
    return services.application_create(actor=p.caseworker, household=household, category=category)


def advance(p: People, app: Application, to: str) -> Application:
    """Walk ``app`` through the steps until it reaches status ``to`` (or is decided)."""
    order = ["draft", "submitted", "investigating", "notice", "under_review", "approved"]
    while order.index(app.status) < order.index(to):
        if app.status == "draft":
            app = services.application_submit(actor=p.caseworker, application=app, received_on=RECEIVED)
        elif app.status == "submitted":
            app = services.investigation_start(actor=p.officer, application=app, on=D(2026, 11, 3))
        elif app.status == "investigating":
            v = verification(app.household)
            app = services.investigation_record(
                actor=p.caseworker,
                application=app,
                on=D(2026, 11, 10),
                survey=survey(app.household, by=p.caseworker),
                authorisation_signed_on=D(2026, 11, 4),
                verification_requested_on=D(2026, 11, 4),
                verification=v,
                verification_received_on=D(2026, 11, 9),
            )
            app = services.notice_start(
                actor=p.officer,
                application=app,
                start=NOTICE_START,
                end=NOTICE_END,
                place="社区公告栏",
                on=NOTICE_START,
            )
        elif app.status == "notice":
            app = services.notice_close(actor=p.officer, application=app, closed_on=CLOSED)
        elif app.status == "under_review":
            app = services.application_decide(
                actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="300.00"
            )
    return app

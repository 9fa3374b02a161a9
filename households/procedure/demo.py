"""Demo applications in every state of the procedure (wired into households/demo.py at merge).

Runs after the demo households exist; idempotent (does nothing when 建设街道 already has
applications) and deterministic for a given seed and day. Dates count back from today so
that the demo always shows one application past its investigation deadline.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from households import rules
from households.models import (
    Application,
    Household,
    Survey,
    Verification,
    VerificationSource,
)
from households.procedure import services
from households.procedure.workdays import county_calendar
from households.rules import procedure as proc

TOWNSHIP = "330402007"


def _verification(household, *, on, per_capita: Decimal, by) -> Verification:
    members = max(household.member_count, 1)
    return Verification.objects.create(
        household=household,
        verified_on=on,
        source=VerificationSource.COUNTY_CENTRE,
        report_no=f"HD{on:%Y%m}{household.pk:04d}",
        members_counted=members,
        income_wages=per_capita * members,
        total_income=per_capita * members,
        per_capita_income=per_capita,
        classification="dibao",
        recorded_by=by,
    )


def _investigate(app, *, cw, officer, received, rng):
    calendar = county_calendar(app.household.county_id)
    day = proc.add_working_days(received, 1, calendar)
    app = services.investigation_start(actor=officer, application=app, on=day)
    visit = proc.add_working_days(received, 3, calendar)
    survey = Survey.objects.create(
        household=app.household,
        visited_on=visit,
        housing="own",
        housing_condition="fair",
        recorded_by=cw,
        household_confirmed=True,
    )
    verification = _verification(app.household, on=visit, per_capita=Decimal(rng.choice([200, 350, 500, 650])), by=cw)
    return services.investigation_record(
        actor=cw,
        application=app,
        on=proc.add_working_days(received, 8, calendar),
        survey=survey,
        authorisation_signed_on=visit,
        verification_requested_on=visit,
        verification=verification,
        verification_received_on=proc.add_working_days(received, 7, calendar),
    )


def seed(*, rng, users: dict, stdout) -> None:
    cw, officer, county = users["demo-caseworker"], users["demo-township"], users["demo-county"]
    if Application.objects.filter(household__township__code=TOWNSHIP).exists():
        stdout.write("procedure: demo applications already present")
        return
    households = list(
        Household.objects.filter(township__code=TOWNSHIP).order_by("dossier_no").prefetch_related("enrolments")
    )
    # Each application goes to a household not already receiving that category in force
    # (the services refuse a second one).
    plan = ["dibao", "low_income", "dibao", "dibao", "dibao", "dibao", "low_income", "temporary"]
    chosen: list[Household] = []
    for category in plan:
        found = next(
            (
                x
                for x in households
                if x not in chosen
                and not any(e.category == category and e.status in rules.LIVE for e in x.enrolments.all())
            ),
            None,
        )
        if found is None:
            stdout.write("procedure: not enough demo households in 建设街道, skipped")
            return
        chosen.append(found)
    today = timezone.localdate()
    back = datetime.timedelta
    h = iter(chosen)

    # 1. A draft the caseworker is still filling in with the household.
    services.application_create(actor=cw, household=next(h), category="dibao", note="因病致贫，主要劳动力住院")
    # 2. Submitted yesterday: investigation not started yet.
    app = services.application_create(actor=cw, household=next(h), category="low_income")
    services.application_submit(actor=cw, application=app, received_on=today - back(days=1))
    # 3. Overdue: received six weeks ago, investigation started but never finished.
    app = services.application_create(actor=cw, household=next(h), category="dibao", note="独居老人，无固定收入")
    received = today - back(days=42)
    app = services.application_submit(actor=cw, application=app, received_on=received)
    services.investigation_start(actor=officer, application=app, on=received + back(days=1))
    # 4. On public notice, with one resolved objection.
    received = today - back(days=30)
    app = services.application_create(actor=cw, household=next(h), category="dibao")
    app = services.application_submit(actor=cw, application=app, received_on=received)
    app = _investigate(app, cw=cw, officer=officer, received=received, rng=rng)
    start = today - back(days=3)
    app = services.notice_start(
        actor=officer, application=app, start=start, end=start + back(days=6), place="社区公告栏", on=start
    )
    services.objection_record(
        actor=officer,
        application=app,
        received_on=start + back(days=1),
        raised_by="匿名",
        content="反映该户有经营收入",
        resolution="经核实已停业，异议不成立",
        resolved_on=start + back(days=2),
    )
    # 5. Awaiting the county's decision.
    received = today - back(days=40)
    app = services.application_create(actor=cw, household=next(h), category="dibao")
    app = services.application_submit(actor=cw, application=app, received_on=received)
    app = _investigate(app, cw=cw, officer=officer, received=received, rng=rng)
    start = today - back(days=10)
    app = services.notice_start(actor=officer, application=app, start=start, end=start + back(days=6), on=start)
    services.notice_close(actor=officer, application=app, closed_on=start + back(days=7))
    # 6. Approved (低保, amount from the rules) and the notice delivered.
    received = today - back(days=50)
    app = services.application_create(actor=cw, household=next(h), category="dibao")
    app = services.application_submit(actor=cw, application=app, received_on=received)
    app = _investigate(app, cw=cw, officer=officer, received=received, rng=rng)
    start = today - back(days=20)
    app = services.notice_start(actor=officer, application=app, start=start, end=start + back(days=6), on=start)
    app = services.notice_close(actor=officer, application=app, closed_on=start + back(days=7))
    try:
        app = services.application_decide(actor=county, application=app, approve=True, on=start + back(days=9))
        services.notice_deliver(actor=cw, application=app, delivered_on=start + back(days=11), note="当面送达")
    except Exception as error:  # noqa: BLE001 - no policy row for the demo county: leave it for the county
        stdout.write(f"procedure: demo approval skipped ({error})")
    # 7. Refused with written reasons.
    received = today - back(days=45)
    app = services.application_create(actor=cw, household=next(h), category="low_income")
    app = services.application_submit(actor=cw, application=app, received_on=received)
    app = _investigate(app, cw=cw, officer=officer, received=received, rng=rng)
    start = today - back(days=15)
    app = services.notice_start(actor=officer, application=app, start=start, end=start + back(days=6), on=start)
    app = services.notice_close(actor=officer, application=app, closed_on=start + back(days=7))
    services.application_decide(
        actor=county,
        application=app,
        approve=False,
        on=start + back(days=9),
        reason="家庭金融资产超过规定标准（人均超过24个月低保标准）。",
    )
    # 8. Urgent temporary aid: the township helped first (at its limit); steps still to complete.
    app = services.application_create(actor=cw, household=next(h), category="temporary", note="房屋失火，急需生活救助")
    app = services.application_submit(actor=cw, application=app, received_on=today - back(days=2))
    app = services.urgent_mark(actor=officer, application=app, reason="火灾后无处居住", on=today - back(days=2))
    services.application_decide(
        actor=officer, application=app, approve=True, on=today - back(days=1), monthly_amount=Decimal("1000.00")
    )
    stdout.write("procedure: 8 demo applications created (one overdue, one urgent with steps outstanding)")

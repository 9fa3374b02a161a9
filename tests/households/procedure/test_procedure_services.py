"""The procedure's services: every step in order, who may take it, no skipping, the urgent
path, the township limit for temporary aid, and exactly one enrolment per approval."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied

from households.models import (
    Application,
    ApplicationEvent,
    Enrolment,
    EnrolmentStatusChange,
)
from households.procedure import services
from jiuzhu.errors import RuleViolation
from tests import factories
from tests.clock import NOW
from tests.households.procedure.procedure_support import (
    CLOSED,
    DECIDED,
    D,
    advance,
    draft,
    people,
    survey,
    verification,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(time_machine):
    time_machine.move_to(NOW, tick=False)  # the pages' and services' "today"
    factories.policy_row("330402", 2026, "1200.00")
    return people()


def test_whole_procedure_records_who_and_when_for_each_step(p):
    app = advance(p, draft(p), "approved")

    app.refresh_from_db()
    assert app.status == "approved"
    assert app.received_on == D(2026, 11, 2) and app.submitted_by == p.caseworker
    assert app.investigation_completed_on == D(2026, 11, 10)
    assert app.notice_closed_on == CLOSED and app.decided_on == DECIDED and app.decided_by == p.county
    actions = list(app.events.values_list("action", "by__username"))
    assert actions == [
        ("create", "cw"),
        ("submit", "cw"),
        ("start_investigation", "officer"),
        ("record_investigation", "cw"),
        ("start_notice", "officer"),
        ("close_notice", "officer"),
        ("decide", "county"),
    ]


def test_dibao_approval_creates_one_enrolment_with_the_rules_amount(p):
    app = advance(p, draft(p), "under_review")  # verification: 400.00 per capita, 2 members

    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="9999.00"
    )

    enrolment = Enrolment.objects.get(household=app.household)
    # (1200.00 − 400.00) × 2 members, whatever the county typed
    assert enrolment.monthly_amount == Decimal("1600.00") == app.monthly_amount
    assert enrolment.category == "dibao" and enrolment.status == "active"
    assert enrolment.start_on == D(2026, 12, 1)
    assert enrolment.decision_no == app.decision_no != ""
    assert EnrolmentStatusChange.objects.filter(enrolment=enrolment, to_status="active").count() == 1
    assert app.enrolment_id == enrolment.pk


def test_deciding_twice_is_refused_and_keeps_one_enrolment(p):
    app = advance(p, draft(p), "under_review")
    stale = Application.objects.get(pk=app.pk)
    services.application_decide(actor=p.county, application=app, approve=True, on=DECIDED)

    with pytest.raises(RuleViolation) as error:
        services.application_decide(actor=p.county, application=stale, approve=True, on=DECIDED)

    assert "already been decided" in str(error.value)
    assert Enrolment.objects.filter(household=app.household).count() == 1


def test_a_stale_version_is_refused(p):
    app = advance(p, draft(p), "under_review")
    with pytest.raises(RuleViolation):
        services.application_decide(
            actor=p.county, application=app, approve=True, on=DECIDED, expected_version=app.version - 1
        )
    assert not Enrolment.objects.exists()


def test_other_category_takes_the_entered_amount_and_refuses_a_negative_one(p):
    app = advance(p, draft(p, category="medical"), "under_review")
    with pytest.raises(RuleViolation) as error:
        services.application_decide(actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="-1")
    assert error.value.field == "monthly_amount"
    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=D(2026, 12, 3), monthly_amount="800.5"
    )
    assert app.enrolment.monthly_amount == Decimal("800.50")
    assert app.start_on == D(2027, 1, 1)  # December approval starts in January


def test_refusal_needs_reasons_and_keeps_the_application_without_enrolment(p):
    app = advance(p, draft(p), "under_review")
    with pytest.raises(RuleViolation) as error:
        services.application_decide(actor=p.county, application=app, approve=False, on=DECIDED, reason=" ")
    assert error.value.field == "reason"

    app = services.application_decide(
        actor=p.county, application=app, approve=False, on=DECIDED, reason="家庭人均收入高于低保标准"
    )

    assert app.status == "rejected" and app.reason == "家庭人均收入高于低保标准"
    assert not Enrolment.objects.exists()
    assert app.household.applications.get() == app


def test_dibao_not_eligible_by_the_verification_cannot_be_approved(p):
    app = draft(p)
    app = advance(p, app, "investigating")
    verification(app.household, per_capita="1300.00", on=D(2026, 11, 6))
    app = advance(p, app, "under_review")  # adds a verification dated 11-05: 11-06 stays the latest
    with pytest.raises(RuleViolation) as error:
        services.application_decide(actor=p.county, application=app, approve=True, on=DECIDED)
    assert error.value.field == "monthly_amount"
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    ("action", "role_attr"),
    [
        ("submit", "county"),
        ("start_investigation", "caseworker"),
        ("start_notice", "caseworker"),
        ("close_notice", "county"),
        ("decide", "caseworker"),
        ("decide", "city"),
    ],
)
def test_wrong_role_is_denied(p, action, role_attr):
    app = draft(p)
    calls = {
        "submit": lambda u: services.application_submit(actor=u, application=app, received_on=D(2026, 11, 2)),
        "start_investigation": lambda u: services.investigation_start(actor=u, application=app),
        "start_notice": lambda u: services.notice_start(
            actor=u, application=app, start=D(2026, 11, 16), end=D(2026, 11, 22)
        ),
        "close_notice": lambda u: services.notice_close(actor=u, application=app),
        "decide": lambda u: services.application_decide(actor=u, application=app, approve=True),
    }
    with pytest.raises(PermissionDenied):
        calls[action](getattr(p, role_attr))


def test_steps_cannot_be_skipped(p):
    app = advance(p, draft(p), "submitted")
    with pytest.raises(RuleViolation):
        services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 16), end=D(2026, 11, 22))
    with pytest.raises(RuleViolation):
        services.application_decide(actor=p.county, application=app, approve=True)
    app = services.investigation_start(actor=p.officer, application=app, on=D(2026, 11, 3))
    # investigation not complete: no notice yet
    with pytest.raises(RuleViolation) as error:
        services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 16), end=D(2026, 11, 22))
    assert "not complete" in str(error.value)


def test_notice_must_run_the_policy_days_and_objections_must_be_resolved(p):
    app = advance(p, draft(p), "investigating")
    app = services.investigation_record(
        actor=p.officer,
        application=app,
        on=D(2026, 11, 10),
        survey_visited_on=D(2026, 11, 4),
        authorisation_signed_on=D(2026, 11, 4),
        verification_requested_on=D(2026, 11, 4),
        verification=verification(app.household),
        verification_received_on=D(2026, 11, 9),
    )
    with pytest.raises(RuleViolation) as error:  # 6 days, both ends counted
        services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 16), end=D(2026, 11, 21))
    assert "7" in str(error.value.messages())
    app = services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 16), end=D(2026, 11, 22))
    with pytest.raises(RuleViolation):  # before the notice ends
        services.notice_close(actor=p.officer, application=app, closed_on=D(2026, 11, 21))
    objection = services.objection_record(
        actor=p.caseworker, application=app, received_on=D(2026, 11, 18), raised_by="邻居", content="家中有车"
    )
    with pytest.raises(RuleViolation) as error:
        services.notice_close(actor=p.officer, application=app, closed_on=CLOSED)
    assert "not resolved" in str(error.value)
    services.objection_record(
        actor=p.officer,
        application=app,
        objection=objection,
        received_on=D(2026, 11, 19),
        resolution="核实为残疾人代步车，不计入",
        resolved_on=D(2026, 11, 19),
    )
    app = services.notice_close(actor=p.officer, application=app, closed_on=CLOSED)
    assert app.status == "under_review"
    assert ApplicationEvent.objects.filter(application=app, action="record_objection").count() == 2


def test_investigation_refuses_records_of_another_household(p):
    app = advance(p, draft(p), "investigating")
    other = factories.household(members=1)
    with pytest.raises(RuleViolation) as error:
        services.investigation_record(actor=p.caseworker, application=app, survey=survey(other, by=p.caseworker))
    assert error.value.field == "survey"


def test_urgent_path_decides_first_and_stays_flagged_until_steps_are_completed(p):
    app = advance(p, draft(p, category="temporary"), "submitted")
    with pytest.raises(RuleViolation):
        services.urgent_mark(actor=p.officer, application=app, reason="")
    app = services.urgent_mark(actor=p.officer, application=app, reason="火灾后无住处", on=D(2026, 11, 3))
    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=D(2026, 11, 3), monthly_amount="3000.00"
    )
    from households.rules.procedure import ProcedureFacts, missing_steps

    def missing(a):
        return missing_steps(
            ProcedureFacts(
                status=a.status,
                urgent=a.urgent,
                investigation_complete=a.investigation_completed_on is not None,
                notice_closed=a.notice_closed_on is not None,
            )
        )

    assert missing(app) == ("investigation", "notice")
    app = services.investigation_start(actor=p.officer, application=app, on=D(2026, 11, 4))
    app = services.investigation_record(
        actor=p.caseworker,
        application=app,
        on=D(2026, 11, 10),
        survey_visited_on=D(2026, 11, 4),
        authorisation_signed_on=D(2026, 11, 4),
        verification_requested_on=D(2026, 11, 4),
        verification=verification(app.household),
        verification_received_on=D(2026, 11, 9),
    )
    assert missing(app) == ("notice",)
    app = services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 16), end=D(2026, 11, 22))
    app = services.notice_close(actor=p.officer, application=app, closed_on=CLOSED)
    assert missing(app) == () and app.status == "approved"
    assert Enrolment.objects.filter(household=app.household).count() == 1


def test_township_approves_temporary_aid_at_the_limit(p):
    app = advance(p, draft(p, category="temporary"), "under_review")
    app = services.application_decide(
        actor=p.officer, application=app, approve=True, on=DECIDED, monthly_amount="1000.00"
    )  # policy default limit: 1000.00 (以内 includes it)
    assert app.status == "approved" and app.decided_by_township
    assert app.enrolment.monthly_amount == Decimal("1000.00")


def test_township_cannot_approve_one_cent_above_the_limit(p):
    app = advance(p, draft(p, category="temporary"), "under_review")
    with pytest.raises(RuleViolation) as error:
        services.application_decide(
            actor=p.officer, application=app, approve=True, on=DECIDED, monthly_amount="1000.01"
        )
    assert error.value.field == "monthly_amount"
    assert not Enrolment.objects.exists()


def test_township_may_not_decide_other_categories_or_refuse(p):
    app = advance(p, draft(p, category="medical"), "under_review")
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=p.officer, application=app, approve=True, on=DECIDED, monthly_amount="10")
    app2 = advance(p, draft(p, category="temporary"), "under_review")
    with pytest.raises(PermissionDenied):
        services.application_decide(actor=p.officer, application=app2, approve=False, on=DECIDED, reason="x")


def test_deliver_records_delivery_once(p):
    app = advance(p, draft(p), "approved")
    with pytest.raises(RuleViolation):
        services.notice_deliver(actor=p.caseworker, application=app, delivered_on=D(2026, 11, 20))
    app = services.notice_deliver(actor=p.caseworker, application=app, delivered_on=D(2026, 11, 25), note="当面送达")
    assert app.delivered_by == p.caseworker
    with pytest.raises(RuleViolation):
        services.notice_deliver(actor=p.caseworker, application=app, delivered_on=D(2026, 11, 25))

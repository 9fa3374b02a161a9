"""The procedure's services refuse impossible dates, a temporary grant above the cap and
a second application or enrolment in a monthly category; temporary aid is one-off."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households.models import Application, Enrolment
from households.procedure import services
from jiuzhu.errors import RuleViolation
from tests import factories
from tests.clock import NOW
from tests.households.procedure.procedure_support import (
    CLOSED,
    DECIDED,
    NOTICE_END,
    NOTICE_START,
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
    time_machine.move_to(NOW, tick=False)
    factories.policy_row("330402", 2026, "1200.00")
    return people()


def _investigated(p, app):
    app = advance(p, app, "investigating")
    return services.investigation_record(
        actor=p.caseworker,
        application=app,
        on=D(2026, 11, 10),
        survey=survey(app.household, by=p.caseworker),
        authorisation_signed_on=D(2026, 11, 4),
        verification_requested_on=D(2026, 11, 4),
        verification=verification(app.household),
        verification_received_on=D(2026, 11, 9),
    )


# 1. The notice is not closed on a day still to come.


def test_notice_close_refuses_a_future_close_date(p):
    app = _investigated(p, draft(p))
    app = services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 24), end=D(2026, 11, 30))
    with pytest.raises(RuleViolation) as error:
        services.notice_close(actor=p.officer, application=app, closed_on=D(2026, 11, 30))
    assert error.value.field == "closed_on"
    assert error.value.messages() == ["日期不能晚于今天。"]
    app.refresh_from_db()
    assert app.status == "notice" and app.notice_closed_on is None


# 2. Temporary aid: capped by the rules and granted once.


def test_county_approves_temporary_aid_at_the_cap(p):
    app = advance(p, draft(p, category="temporary"), "under_review")  # verification: 2 members
    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="14400.00"
    )  # 6 × 1200 × 2
    assert app.status == "approved" and app.monthly_amount == Decimal("14400.00")


def test_county_cannot_approve_temporary_aid_one_cent_above_the_cap(p):
    app = advance(p, draft(p, category="temporary"), "under_review")
    with pytest.raises(RuleViolation) as error:
        services.application_decide(
            actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="14400.01"
        )
    assert error.value.field == "monthly_amount"
    assert "14400.00元" in error.value.messages()[0]
    assert not Enrolment.objects.exists()
    assert Application.objects.get(pk=app.pk).status == "under_review"


def test_severe_hardship_allows_the_higher_cap(p):
    app = advance(p, draft(p, category="temporary"), "under_review")
    with pytest.raises(RuleViolation):
        services.application_decide(
            actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="28800.01", severe=True
        )
    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="28800.00", severe=True
    )  # 12 × 1200 × 2
    assert app.monthly_amount == Decimal("28800.00")


def test_the_api_decide_action_takes_the_severe_flag(p):
    app = advance(p, draft(p, category="temporary"), "under_review")
    client = APIClient()
    client.force_authenticate(p.county)
    url = f"/api/applications/{app.pk}/decide/"
    response = client.post(url, {"decision": "approve", "monthly_amount": "28800.00"}, format="json")
    assert response.status_code == 400 and "monthly_amount" in response.json()
    response = client.post(url, {"decision": "approve", "monthly_amount": "28800.00", "severe": True}, format="json")
    assert response.status_code == 200 and response.json()["monthly_amount"] == "28800.00"


def test_urgent_temporary_aid_without_verification_is_capped_by_the_members_on_record(p):
    household = factories.household(members=1)
    app = advance(p, draft(p, household=household, category="temporary"), "submitted")
    app = services.urgent_mark(actor=p.officer, application=app, reason="火灾", on=D(2026, 11, 3))
    with pytest.raises(RuleViolation):  # 6 × 1200 × 1
        services.application_decide(
            actor=p.county, application=app, approve=True, on=D(2026, 11, 3), monthly_amount="7200.01"
        )
    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=D(2026, 11, 3), monthly_amount="7200.00"
    )
    assert app.status == "approved"


def test_temporary_aid_is_a_one_off_grant_not_a_monthly_enrolment(p):
    app = advance(p, draft(p, category="temporary"), "under_review")
    app = services.application_decide(
        actor=p.officer, application=app, approve=True, on=DECIDED, monthly_amount="800.00"
    )
    enrolment = app.enrolment
    assert enrolment.start_on == enrolment.end_on == DECIDED == app.start_on
    assert enrolment.status == "ended"  # never counted as assistance in force
    assert list(enrolment.history.values_list("from_status", "to_status")) == [("", "active"), ("active", "ended")]


def test_the_decision_notice_labels_a_temporary_grant_as_one_off(p, login):
    app = advance(p, draft(p, category="temporary"), "under_review")
    app = services.application_decide(
        actor=p.county, application=app, approve=True, on=DECIDED, monthly_amount="800.00"
    )
    html = login(p.county).get(reverse("households:application_print", args=[app.pk, "decision"])).content.decode()
    assert "一次性救助金额（元）" in html and "发放日期" in html and "2026-11-24" in html
    monthly = advance(p, draft(p), "approved")
    html = login(p.county).get(reverse("households:application_print", args=[monthly.pk, "decision"])).content.decode()
    assert "月救助金额（元）" in html and "一次性" not in html


# 3. One application and one enrolment in force per monthly category.


def test_approval_is_refused_when_the_household_already_has_an_enrolment_in_force_in_the_category(p):
    household = factories.household(members=2)
    first = advance(p, draft(p, household=household, category="medical"), "under_review")
    second = advance(p, draft(p, household=household, category="low_income"), "under_review")
    services.application_decide(actor=p.county, application=first, approve=True, on=DECIDED, monthly_amount="300")
    with pytest.raises(RuleViolation) as error:  # approved in the category already in force
        services.application_decide(
            actor=p.county, application=second, approve=True, on=DECIDED, category="medical", monthly_amount="300"
        )
    assert error.value.messages() == ["该户已在享受此类救助。"]
    assert Enrolment.objects.filter(household=household, category="medical").count() == 1


def test_a_new_application_is_refused_while_one_is_open_or_assistance_is_in_force_in_the_category(p):
    household = factories.household(members=2)
    open_app = draft(p, household=household)
    with pytest.raises(RuleViolation) as error:
        draft(p, household=household)
    assert error.value.field == "category" and "继续办理" in error.value.messages()[0]
    advance(p, open_app, "approved")
    with pytest.raises(RuleViolation) as error:
        draft(p, household=household)
    assert error.value.messages() == ["该户已在享受此类救助。"]
    assert draft(p, household=household, category="low_income").status == "draft"


def test_submitting_is_refused_when_another_application_in_the_category_is_under_way(p):
    household = factories.household(members=2)
    first = draft(p, household=household)
    Application.objects.create(household=household, category="dibao", helped_by=p.caseworker)  # an older draft
    advance(p, first, "submitted")
    second = Application.objects.filter(household=household, status="draft").get()
    with pytest.raises(RuleViolation) as error:
        services.application_submit(actor=p.caseworker, application=second, received_on=D(2026, 11, 5))
    assert "继续办理" in error.value.messages()[0]


def test_temporary_aid_may_be_applied_for_and_granted_again(p):
    household = factories.household(members=2)
    first = advance(p, draft(p, household=household, category="temporary"), "under_review")
    services.application_decide(actor=p.officer, application=first, approve=True, on=DECIDED, monthly_amount="500")
    again = advance(p, draft(p, household=household, category="temporary"), "under_review")
    again = services.application_decide(
        actor=p.officer, application=again, approve=True, on=DECIDED, monthly_amount="500"
    )
    assert again.status == "approved"
    assert Enrolment.objects.filter(household=household, category="temporary").count() == 2


# 4. Step dates against each other and today.


def test_investigation_cannot_start_before_receipt_or_in_the_future(p):
    app = advance(p, draft(p), "submitted")  # received 2026-11-02
    with pytest.raises(RuleViolation) as error:
        services.investigation_start(actor=p.officer, application=app, on=D(2026, 11, 1))
    assert error.value.field == "on" and "2026-11-02" in error.value.messages()[0]
    with pytest.raises(RuleViolation):
        services.investigation_start(actor=p.officer, application=app, on=D(2026, 11, 30))
    assert services.investigation_start(actor=p.officer, application=app, on=D(2026, 11, 2)).status == "investigating"


def test_notice_cannot_start_before_the_investigation_was_complete_or_in_the_future(p):
    app = _investigated(p, draft(p))  # last piece: verification received 2026-11-09
    with pytest.raises(RuleViolation) as error:
        services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 8), end=D(2026, 11, 14))
    assert error.value.field == "notice_start" and "2026-11-09" in error.value.messages()[0]
    with pytest.raises(RuleViolation):
        services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 30), end=D(2026, 12, 6))
    app = services.notice_start(actor=p.officer, application=app, start=D(2026, 11, 9), end=D(2026, 11, 15))
    assert app.status == "notice"


def test_objections_are_received_within_the_notice_and_not_resolved_before_they_were_received(p):
    app = advance(p, draft(p), "notice")  # notice 2026-11-16 to 2026-11-22
    for outside in (D(2026, 11, 15), D(2026, 11, 23)):
        with pytest.raises(RuleViolation) as error:
            services.objection_record(actor=p.caseworker, application=app, received_on=outside, content="有车")
        assert error.value.field == "received_on"
    objection = services.objection_record(actor=p.caseworker, application=app, received_on=NOTICE_END, content="有车")
    with pytest.raises(RuleViolation) as error:
        services.objection_record(
            actor=p.officer,
            application=app,
            objection=objection,
            received_on=NOTICE_END,
            resolution="已核实",
            resolved_on=NOTICE_START,
        )
    assert error.value.field == "resolved_on"
    services.objection_record(
        actor=p.officer,
        application=app,
        objection=objection,
        received_on=CLOSED,
        resolution="已核实",
        resolved_on=CLOSED,
    )
    objection.refresh_from_db()
    assert objection.resolved_on == CLOSED

"""/api/applications/: the same steps as the pages, with 400s in Chinese, 403 for the
wrong role, 404 for another area, and no mass assignment of status or amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from households.models import Application, Enrolment
from tests import factories
from tests.clock import NOW
from tests.households.procedure.procedure_support import (
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


def api(user):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_authenticate(user)
    return client


def url(app=None, action=None):
    base = "/api/applications/"
    if app is None:
        return base
    return f"{base}{app.pk}/" + (f"{action}/" if action else "")


def test_create_draft_ignores_status_and_amount(p):
    household = factories.household(members=2)
    response = api(p.caseworker).post(
        url(),
        {
            "household": household.pk,
            "category": "dibao",
            "status": "approved",
            "monthly_amount": "9999.00",
            "enrolment": 1,
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    app = Application.objects.get()
    assert app.status == "draft" and app.monthly_amount is None and app.enrolment_id is None
    assert response.json()["status"] == "draft"


def test_cannot_draft_for_a_household_of_another_township(p):
    other = factories.household("330402008", members=1)
    response = api(p.caseworker).post(url(), {"household": other.pk, "category": "dibao"}, format="json")
    assert response.status_code == 400 and "household" in response.json()


def test_county_cannot_draft(p):
    household = factories.household(members=1)
    response = api(p.county).post(url(), {"household": household.pk, "category": "dibao"}, format="json")
    assert response.status_code == 403


def test_whole_procedure_through_the_api(p):
    app = draft(p)
    cw, officer, county = api(p.caseworker), api(p.officer), api(p.county)
    assert cw.post(url(app, "submit"), {"received_on": "2026-11-02"}).status_code == 200
    assert officer.post(url(app, "start-investigation"), {"on": "2026-11-03"}).status_code == 200
    v = verification(app.household)
    s = survey(app.household, by=p.caseworker)
    response = cw.post(
        url(app, "record-investigation"),
        {
            "survey": s.pk,
            "authorisation_signed_on": "2026-11-04",
            "verification_requested_on": "2026-11-04",
            "verification": v.pk,
            "verification_received_on": "2026-11-09",
        },
    )
    assert response.status_code == 200 and response.json()["investigation_completed_on"]
    assert (
        officer.post(
            url(app, "start-notice"),
            {"notice_start": "2026-11-16", "notice_end": "2026-11-22", "notice_place": "村公告栏"},
        ).status_code
        == 200
    )
    assert (
        cw.post(
            url(app, "record-objection"),
            {
                "received_on": "2026-11-17",
                "content": "有异议",
                "resolution": "经核实不成立",
                "resolved_on": "2026-11-18",
            },
        ).status_code
        == 200
    )
    assert officer.post(url(app, "close-notice"), {"closed_on": "2026-11-23"}).status_code == 200
    response = county.post(url(app, "decide"), {"decision": "approve"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and Decimal(response.json()["monthly_amount"]) == Decimal("1600.00")
    assert cw.post(url(app, "deliver"), {"delivered_on": "2026-11-29"}).status_code == 200
    # a second decision: 400 with a Chinese reason, still one enrolment
    again = county.post(url(app, "decide"), {"decision": "approve"})
    assert again.status_code == 400
    assert "已" in str(again.json())
    assert Enrolment.objects.filter(household=app.household).count() == 1


def test_step_out_of_order_is_400_with_chinese_reason(p):
    app = advance(p, draft(p), "submitted")
    response = api(p.officer).post(url(app, "start-notice"), {"notice_start": "2026-11-16", "notice_end": "2026-11-22"})
    assert response.status_code == 400
    text = str(response.json())
    assert any("\u4e00" <= ch <= "\u9fff" for ch in text), text


def test_bad_amount_is_400_under_its_field(p):
    app = advance(p, draft(p, category="medical"), "under_review")
    response = api(p.county).post(url(app, "decide"), {"decision": "approve", "monthly_amount": "-5"})
    assert response.status_code == 400 and "monthly_amount" in response.json()
    assert not Enrolment.objects.exists()


def test_township_limit_through_the_api(p):
    at = advance(p, draft(p, category="temporary"), "under_review")
    above = advance(p, draft(p, category="temporary"), "under_review")
    assert (
        api(p.officer).post(url(above, "decide"), {"decision": "approve", "monthly_amount": "1000.01"}).status_code
        == 400
    )
    assert (
        api(p.officer).post(url(at, "decide"), {"decision": "approve", "monthly_amount": "1000.00"}).status_code == 200
    )


@pytest.mark.parametrize(
    ("action", "who", "status"),
    [
        ("submit", "county", "draft"),
        ("start-investigation", "caseworker", "submitted"),
        ("start-notice", "caseworker", "investigating"),
        ("close-notice", "caseworker", "notice"),
        ("decide", "caseworker", "under_review"),
        ("decide", "city", "under_review"),
        ("deliver", "city", "approved"),
        ("record-investigation", "county", "investigating"),
        ("mark-urgent", "caseworker", "submitted"),
        ("record-objection", "county", "notice"),
        ("submit", "city", "draft"),
    ],
)
def test_wrong_role_is_403(p, action, who, status):
    app = advance(p, draft(p), status)
    assert api(getattr(p, who)).post(url(app, action), {}).status_code == 403


@pytest.mark.parametrize("who", ["other_officer", "other_county", "finance"])
def test_other_area_is_404(p, who):
    app = advance(p, draft(p), "under_review")
    client = api(getattr(p, who))
    assert client.get(url(app)).status_code == 404
    assert client.post(url(app, "decide"), {"decision": "approve"}).status_code == 404
    assert client.get(url()).json()["count"] == 0


def test_retrieve_shows_the_history_and_objections(p):
    app = advance(p, draft(p), "under_review")
    body = api(p.city).get(url(app)).json()
    assert [e["action"] for e in body["events"]] == [
        "create",
        "submit",
        "start_investigation",
        "record_investigation",
        "start_notice",
        "close_notice",
    ]
    assert body["events"][1]["by"] == "cw" and body["objections"] == []


def test_list_shows_deadline_and_days_left(p):
    advance(p, draft(p), "submitted")
    row = api(p.county).get(url()).json()["results"][0]
    assert row["due_step"] == "investigation" and row["due_on"] == "2026-11-23"
    assert isinstance(row["days_left"], int)


def test_list_endpoint_queries_do_not_grow(p, django_assert_num_queries, django_assert_max_num_queries):
    client = api(p.county)
    advance(p, draft(p), "submitted")
    client.get(url())
    with django_assert_max_num_queries(50) as one:
        client.get(url())
    for _i in range(19):
        advance(p, draft(p, household=factories.household(members=1)), "submitted")
    # count, applications with household/township/county/head/helper, overrides, policy rows
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(url()).json()["count"] == 20


def test_the_schema_documents_each_steps_real_body():
    """Clients saw the household/category/note body of a new application on every step."""
    import yaml

    schema = yaml.safe_load(api(factories.user("county_civil", "330402")).get("/api/schema/").content)
    body = schema["paths"]["/api/applications/{id}/decide/"]["post"]["requestBody"]["content"]["application/json"]
    fields = schema["components"]["schemas"][body["schema"]["$ref"].rsplit("/", 1)[1]]["properties"]
    assert {"decision", "category", "monthly_amount", "severe", "decision_no", "reason", "version"} <= set(fields)
    assert "household" not in fields
    notice = schema["paths"]["/api/applications/{id}/start-notice/"]["post"]["requestBody"]["content"]
    ref = notice["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert set(schema["components"]["schemas"][ref]["required"]) == {"notice_start", "notice_end"}

"""API: scope per endpoint (another township: 404 and an empty list), status only through
actions, the OpenAPI schema lists every endpoint, list queries flat for 1 and 20 rows."""

import pytest
from rest_framework.test import APIClient

from caseworkers.models import Referral, ReferralStatus
from households.models import Plan, PlanStatus
from jiuzhu.models import Role
from tests.caseworkers.helpers import active_plan, assessment, referral, resource
from tests.caseworkers.test_pages import build
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "resource": "resources",
    "referral": "referrals",
    "service": "services",
    "publicity": "publicity",
    "feedback": "policy-feedback",
    "volunteer": "volunteers",
    "training": "trainings",
    "case": "typical-cases",
}


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


@pytest.mark.parametrize("kind", list(ENDPOINTS))
def test_endpoint_scope(make, cw, kind):
    obj = build(kind, cw, make)
    base = f"/api/{ENDPOINTS[kind]}/"
    assert api(cw).get(f"{base}{obj.pk}/").status_code == 200
    assert api(make.user(Role.COUNTY_CIVIL, "330402")).get(f"{base}{obj.pk}/").status_code == 200
    other = make.user(Role.CASEWORKER, "330402008")
    assert api(other).get(f"{base}{obj.pk}/").status_code == 404
    assert api(other).get(base).json()["results"] == []
    assert api(make.user(Role.COUNTY_CIVIL, "330411")).get(f"{base}{obj.pk}/").status_code == 404


# COUNT for the pagination, the page of rows (joined, annotated), then one query per
# prefetched many-to-many: services (households), publicity (households, volunteers),
# trainings (caseworkers and volunteers present).
LIST_QUERIES = {
    "resource": 2,
    "referral": 2,
    "service": 3,
    "publicity": 4,
    "feedback": 2,
    "volunteer": 2,
    "training": 4,
    "case": 2,
}


@pytest.mark.parametrize("kind", list(ENDPOINTS))
def test_list_endpoint_queries_flat(make, cw, kind, django_assert_num_queries):
    client = api(cw)
    build(kind, cw, make)
    url = f"/api/{ENDPOINTS[kind]}/"
    with django_assert_num_queries(LIST_QUERIES[kind]):
        assert len(client.get(url).json()["results"]) == 1
    for _n in range(19):
        build(kind, cw, make)
    with django_assert_num_queries(LIST_QUERIES[kind]):
        assert len(client.get(url).json()["results"]) == 20


def test_plan_endpoint_scope_and_queries(make, cw, django_assert_num_queries):
    plan = active_plan(make.household("330402007"), cw)
    assert api(cw).get(f"/api/plans/{plan.pk}/").json()["goals"]
    assert api(make.user(Role.CASEWORKER, "330402008")).get(f"/api/plans/{plan.pk}/").status_code == 404
    assert api(make.user(Role.CASEWORKER, "330402008")).get("/api/plans/").json()["results"] == []
    assert api(make.user(Role.COUNTY_CIVIL, "330402")).get(f"/api/plans/{plan.pk}/").status_code == 200
    client = api(cw)
    with django_assert_num_queries(2):  # COUNT, the page of plans with household and action counts
        client.get("/api/plans/")
    for _n in range(19):
        active_plan(make.household("330402007"), cw)
    with django_assert_num_queries(2):
        assert len(client.get("/api/plans/").json()["results"]) == 20


def test_plan_through_the_api_from_assessment_to_active(make, cw):
    h = make.household("330402007")
    a = assessment(h, cw, {"medical": "high"})
    client = api(cw)
    plan = client.post("/api/plans/", {"assessment": a.pk}, format="json").json()
    goal = plan["goals"][0]["id"]
    client.post(
        f"/api/plans/{plan['id']}/actions/",
        {"goal": goal, "kind": "government", "description": "医疗救助", "due_on": "2026-12-01", "responsible": cw.pk},
        format="json",
    )
    refused = client.post(f"/api/plans/{plan['id']}/activate/")
    assert refused.status_code == 400
    client.post(f"/api/plans/{plan['id']}/details/", {"agreed_on": "2026-11-29"}, format="json")
    assert client.post(f"/api/plans/{plan['id']}/activate/").json()["status"] == "active"


def test_plan_assessment_of_another_township_is_not_found(make, cw):
    foreign = assessment(make.household("330402008"), cw)
    response = api(cw).post("/api/plans/", {"assessment": foreign.pk}, format="json")
    assert response.status_code == 400 and not Plan.objects.exists()


def test_status_cannot_be_mass_assigned(make, cw):
    res = resource(cw)
    h = make.household("330402007")
    response = api(cw).post(
        "/api/referrals/",
        {"household": h.pk, "resource": res.pk, "sent_on": "2026-11-29", "status": "done", "closed_on": "2026-11-29"},
        format="json",
    )
    assert response.status_code == 201
    assert Referral.objects.get().status == ReferralStatus.SENT and Referral.objects.get().closed_on is None
    assert (
        api(cw).patch(f"/api/referrals/{Referral.objects.get().pk}/", {"status": "done"}, format="json").status_code
        == 405
    )
    plan = active_plan(make.household("330402007"), cw)
    api(cw).post(f"/api/plans/{plan.pk}/details/", {"status": "closed"}, format="json")
    assert Plan.objects.get(pk=plan.pk).status == PlanStatus.ACTIVE


def test_referral_transitions_through_the_api(make, cw):
    r = referral(cw, make.household("330402007"))
    client = api(cw)
    assert client.post(f"/api/referrals/{r.pk}/step/", {"to": "done"}, format="json").status_code == 400
    assert client.post(f"/api/referrals/{r.pk}/step/", {"to": "accepted"}, format="json").json()["status"] == "accepted"
    failed = client.post(f"/api/referrals/{r.pk}/step/", {"to": "failed"}, format="json")
    assert failed.status_code == 400 and "failure_reason" in failed.json()
    other = api(make.user(Role.CASEWORKER, "330402008"))
    assert other.post(f"/api/referrals/{r.pk}/step/", {"to": "done"}, format="json").status_code == 404


def test_api_refuses_another_townships_household(make, cw):
    response = api(cw).post(
        "/api/services/",
        {
            "method": "case",
            "service_area": "counselling",
            "held_on": "2026-11-29",
            "minutes": 30,
            "content": "x",
            "households": [make.household("330402008").pk],
        },
        format="json",
    )
    assert response.status_code == 400


def test_tasks_endpoint_lists_only_my_tasks(make, cw):
    referral(cw, make.household("330402007"), follow_up_on=TODAY)
    assert [t["kind"] for t in api(cw).get("/api/tasks/").json()] == ["referral"]
    assert api(make.user(Role.CASEWORKER, "330402008")).get("/api/tasks/").json() == []


def test_every_endpoint_is_in_the_openapi_schema(make, cw):
    import yaml

    schema = yaml.safe_load(api(cw).get("/api/schema/").content)
    paths = set(schema["paths"])
    for base in [*ENDPOINTS.values(), "plans", "tasks"]:
        assert f"/api/{base}/" in paths, base
    assert "/api/referrals/{id}/step/" in paths and "/api/plans/{id}/activate/" in paths


def test_the_author_patches_a_draft_case_and_a_phone_number_is_refused(make, cw):
    from caseworkers import services

    case = services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    url = f"/api/typical-cases/{case.pk}/"
    response = api(cw).patch(url, {"body": "身份证 33040219800101123X"}, format="json")
    assert response.status_code == 400 and "身份证号码" in str(response.json())
    response = api(cw).patch(url, {"body": "匿名，已补充"}, format="json")
    assert response.status_code == 200 and response.json()["body"] == "匿名，已补充"
    assert api(make.user(Role.CASEWORKER, "330402007")).patch(url, {"body": "x"}, format="json").status_code == 403
    assert api(make.user(Role.CASEWORKER, "330402008")).patch(url, {"body": "x"}, format="json").status_code == 404
    services.case_transition(actor=cw, case=case, target="submitted")
    assert api(cw).patch(url, {"body": "再改"}, format="json").status_code == 400

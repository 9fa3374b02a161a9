"""Household API: scope, roles, no mass assignment, the same services as the pages."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from guardian.shortcuts import assign_perm
from rest_framework.test import APIClient

from households.dossier import services
from households.models import (
    Document,
    Enrolment,
    EnrolmentStatusChange,
    Household,
    Member,
    NeedDomain,
    Relation,
    Survey,
)
from jiuzhu.models import Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_member_post_with_bad_id_number_answers_400_under_id_number(make, worker):
    household = make.household(members=0)
    response = api(worker).post(
        "/api/members/",
        {"household": household.pk, "name": "张三", "id_number": "330402198013", "relation_to_head": "head"},
        format="json",
    )
    assert response.status_code == 400
    assert "id_number" in response.json()
    assert not Member.objects.exists()


def test_member_post_answers_only_the_masked_number(make, worker):
    household = make.household(members=0)
    number = make.id_number()
    response = api(worker).post(
        "/api/members/",
        {"household": household.pk, "name": "张三", "id_number": number, "relation_to_head": "head"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert number not in response.content.decode()
    assert response.json()["id_number_masked"] == f"{number[:6]}********{number[-4:]}"
    assert Household.objects.get(pk=household.pk).head_id == response.json()["id"]


def test_member_post_stores_the_phone_normalised_and_refuses_a_wrong_one(make, worker):
    household = make.household(members=0)
    body = {"household": household.pk, "name": "张三", "relation_to_head": "head"}
    refused = api(worker).post(
        "/api/members/", {**body, "id_number": make.id_number(), "phone": "0573-0201234"}, format="json"
    )
    assert refused.status_code == 400
    assert "区号 0573" in refused.json()["phone"][0]
    assert not Member.objects.exists()
    response = api(worker).post(
        "/api/members/", {**body, "id_number": make.id_number(), "phone": "+86 139 0000 1111"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert Member.objects.get().phone == "13900001111"


def test_member_post_of_a_person_held_elsewhere_names_the_dossier(make, worker):
    number = make.id_number()
    first = make.household(members=0)
    make.member(first, id_no=number, relation_to_head=Relation.HEAD)
    second = make.household(members=0)
    response = api(worker).post(
        "/api/members/",
        {"household": second.pk, "name": "张三", "id_number": number, "relation_to_head": "head"},
        format="json",
    )
    assert response.status_code == 400 and first.dossier_no in response.json()["id_number"][0]


def test_household_status_county_and_dossier_number_are_not_writable(make, worker):
    household = make.household(members=1)
    response = api(worker).patch(
        f"/api/households/{household.pk}/",
        {
            "status": "active",
            "county": 1,
            "dossier_no": "X",
            "completeness": 100,
            "address": "新地址",
            "version": household.version,
        },
        format="json",
    )
    assert response.status_code == 200, response.json()
    household.refresh_from_db()
    assert household.status == "pending" and household.dossier_no != "X" and household.address == "新地址"


def test_household_patch_with_stale_version_is_refused(make, worker):
    household = make.household(members=1)
    client = api(worker)
    assert (
        client.patch(
            f"/api/households/{household.pk}/", {"address": "甲", "version": household.version}, format="json"
        ).status_code
        == 200
    )
    response = client.patch(
        f"/api/households/{household.pk}/", {"address": "乙", "version": household.version}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()


def test_household_create_in_own_township_only(make, worker):
    client = api(worker)
    own = client.post(
        "/api/households/", {"township": worker.area_id, "registered_on": "2026-11-01", "address": "甲"}, format="json"
    )
    assert own.status_code == 201, own.json()
    other = client.post(
        "/api/households/", {"township": make.area("330402008").pk, "registered_on": "2026-11-01"}, format="json"
    )
    assert other.status_code == 403


ENDPOINTS = ["households", "members", "enrolments", "verifications", "surveys", "assessments", "documents"]


def _one_of_each(make, worker):
    make.policy_row("330402", 2026, "1200.00")
    household = make.household(members=2)
    services.verification_record(actor=worker, household=household, verified_on=TODAY, source="township")
    services.assessment_record(actor=worker, household=household, assessed_on=TODAY, ratings={"living": "low"})
    second = make.user(Role.CASEWORKER, "330402007")
    services.survey_record(
        actor=worker,
        household=household,
        visited_on=TODAY,
        present=[worker, second],
        housing="own",
        housing_condition="good",
        today=TODAY,
        checks=[{"member": m.pk, "outcome": "confirmed"} for m in household.members.all()],
    )
    services.document_upload(
        actor=worker, household=household, kind="id_copy", upload=SimpleUploadedFile("a.pdf", b"%PDF-1 x")
    )
    _enrol(household)
    return household


def _enrol(household):
    enrolment = Enrolment.objects.create(household=household, category="dibao", start_on=TODAY, monthly_amount="600.00")
    EnrolmentStatusChange.objects.create(enrolment=enrolment, to_status="active", on=TODAY)


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_lists_are_scoped(make, worker, endpoint):
    _one_of_each(make, worker)
    assert api(worker).get(f"/api/{endpoint}/").json()["count"] >= 1
    for role, area in [(Role.CASEWORKER, "330402008"), (Role.COUNTY_CIVIL, "330411"), (Role.COUNTY_FINANCE, "330402")]:
        assert api(make.user(role, area)).get(f"/api/{endpoint}/").json()["count"] == 0


@pytest.mark.parametrize("endpoint", ["households", "verifications", "surveys", "assessments", "documents"])
def test_fetch_by_id_outside_scope_is_404(make, worker, endpoint):
    household = _one_of_each(make, worker)
    model = {
        "households": Household,
        "verifications": household.verifications,
        "surveys": household.surveys,
        "assessments": household.assessments,
        "documents": household.documents,
    }[endpoint]
    pk = household.pk if endpoint == "households" else model.first().pk
    assert api(worker).get(f"/api/{endpoint}/{pk}/").status_code == 200
    assert api(make.user(Role.CASEWORKER, "330402008")).get(f"/api/{endpoint}/{pk}/").status_code == 404
    assert api(make.user(Role.COUNTY_CIVIL, "330411")).get(f"/api/{endpoint}/{pk}/").status_code == 404


def test_county_user_reads_but_may_not_write(make, worker):
    household = make.household(members=1)
    county = api(make.user(Role.COUNTY_CIVIL, "330402"))
    assert county.get(f"/api/households/{household.pk}/").status_code == 200
    assert (
        county.patch(
            f"/api/households/{household.pk}/", {"address": "x", "version": household.version}, format="json"
        ).status_code
        == 403
    )
    response = county.post(
        "/api/members/",
        {"household": household.pk, "name": "张三", "id_number": make.id_number(), "relation_to_head": "child"},
        format="json",
    )
    assert response.status_code == 403


def test_guardian_grant_reads_that_household_only(make):
    shared = make.household(members=1)
    make.household(members=1)
    outsider = make.user(Role.CASEWORKER, "330411002")
    assign_perm("view_household", outsider, shared)
    ids = [row["id"] for row in api(outsider).get("/api/households/").json()["results"]]
    assert ids == [shared.pk]
    assert (
        api(outsider)
        .patch(f"/api/households/{shared.pk}/", {"address": "x", "version": shared.version}, format="json")
        .status_code
        == 403
    )


def test_write_to_another_township_household_is_not_found(make, worker):
    other = make.household("330402008", members=0)
    response = api(worker).post(
        "/api/members/",
        {"household": other.pk, "name": "张三", "id_number": make.id_number(), "relation_to_head": "head"},
        format="json",
    )
    assert response.status_code == 400 and "household" in response.json()


def test_survey_post_is_all_or_nothing(make, worker):
    household = make.household(members=2)
    second = make.user(Role.CASEWORKER, "330402007")
    members = list(household.members.all())
    response = api(worker).post(
        "/api/surveys/",
        {
            "household": household.pk,
            "visited_on": "2026-11-20",
            "present": [worker.pk, second.pk],
            "housing": "own",
            "housing_condition": "fair",
            "member_checks": [{"member": members[0].pk, "outcome": "confirmed"}],
        },
        format="json",
    )
    assert response.status_code == 400 and any(k.startswith("member_") for k in response.json())
    assert not Survey.objects.exists()
    response = api(worker).post(
        "/api/surveys/",
        {
            "household": household.pk,
            "visited_on": "2026-11-20",
            "present": [worker.pk, second.pk],
            "housing": "own",
            "housing_condition": "fair",
            "member_checks": [{"member": m.pk, "outcome": "confirmed"} for m in members],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


def test_assessment_post_computes_priority(make, worker):
    household = make.household(members=1)
    needs = [{"domain": d, "level": "high" if d == "care" else "none"} for d in NeedDomain.values]
    response = api(worker).post(
        "/api/assessments/", {"household": household.pk, "assessed_on": "2026-11-20", "needs": needs}, format="json"
    )
    assert response.status_code == 201 and response.json()["priority"] == "urgent"
    assert len(response.json()["needs"]) == 8


def test_an_assessment_post_with_a_domain_unrated_is_refused_naming_it(make, worker):
    household = make.household(members=1)
    response = api(worker).post(
        "/api/assessments/",
        {"household": household.pk, "assessed_on": "2026-11-20", "needs": [{"domain": "care", "level": "high"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "请选择“医疗”的需求程度。" in response.json()["needs"]
    assert not household.assessments.exists()


def test_verification_post_computes_classification(make, worker):
    make.policy_row("330402", 2026, "1200.00")
    household = make.household(members=2)
    response = api(worker).post(
        "/api/verifications/",
        {"household": household.pk, "verified_on": "2026-11-20", "source": "township", "income_wages": "3000.00"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["per_capita_income"] == "1500.00" and response.json()["classification"] == "low_income"


def test_document_upload_checks_content_and_download_is_scoped(make, worker):
    household = make.household(members=1)
    client = api(worker)
    bad = client.post(
        "/api/documents/",
        {"household": household.pk, "kind": "id_copy", "file": SimpleUploadedFile("x.pdf", b"<html></html>")},
        format="multipart",
    )
    assert bad.status_code == 400 and "file" in bad.json()
    good = client.post(
        "/api/documents/",
        {"household": household.pk, "kind": "id_copy", "file": SimpleUploadedFile("x.pdf", b"%PDF-1.4 ok")},
        format="multipart",
    )
    assert good.status_code == 201, good.json()
    url = f"/api/documents/{good.json()['id']}/download/"
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment")
    assert api(make.user(Role.CASEWORKER, "330402008")).get(url).status_code == 404
    assert Document.objects.count() == 1


# count + page, plus one query per nested list: household caseworkers; enrolment history; survey present and checks; needs.
# (The user's guardian grants are fetched once per user and remembered: the first call warms them.)
LIST_QUERIES = {
    "households": 3,
    "members": 2,
    "enrolments": 3,
    "verifications": 2,
    "surveys": 4,
    "assessments": 3,
    "documents": 2,
}


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_list_query_count_is_the_same_for_1_and_20_rows(make, worker, endpoint, django_assert_num_queries):
    client = api(worker)
    _one_of_each(make, worker)
    client.get(f"/api/{endpoint}/")
    with django_assert_num_queries(LIST_QUERIES[endpoint]):
        client.get(f"/api/{endpoint}/")
    for _ in range(19):
        _one_of_each_more(make, worker)
    with django_assert_num_queries(LIST_QUERIES[endpoint]):
        assert client.get(f"/api/{endpoint}/").json()["count"] >= 20


def _one_of_each_more(make, worker):
    household = make.household(members=2)
    services.verification_record(actor=worker, household=household, verified_on=TODAY, source="township")
    services.assessment_record(actor=worker, household=household, assessed_on=TODAY, ratings={"living": "low"})
    second = make.user(Role.CASEWORKER, "330402007")
    services.survey_record(
        actor=worker,
        household=household,
        visited_on=TODAY,
        present=[worker, second],
        housing="own",
        housing_condition="good",
        today=TODAY,
        checks=[{"member": m.pk, "outcome": "confirmed"} for m in household.members.all()],
    )
    services.document_upload(
        actor=worker, household=household, kind="id_copy", upload=SimpleUploadedFile("a.pdf", b"%PDF-1 x")
    )
    _enrol(household)


def test_schema_lists_the_household_endpoints(make, worker):
    schema = api(worker).get("/api/schema/").content.decode()
    for endpoint in ENDPOINTS:
        assert f"/api/{endpoint}/" in schema


def test_member_move_endpoint_keeps_history(make, worker):
    source = make.household(members=2)
    target = make.household(members=1)
    child = source.members.get(relation_to_head="child")
    response = api(worker).post(
        f"/api/members/{child.pk}/move/",
        {"to_household": target.pk, "relation_to_head": "child", "version": child.version},
        format="json",
    )
    assert response.status_code == 201, response.json()
    child.refresh_from_db()
    assert not child.active and response.json()["household"] == target.pk


@pytest.mark.parametrize("method", ["patch", "put"])
def test_an_update_without_version_is_refused_in_chinese_and_nothing_saved(make, worker, method):
    household = make.household(members=1, address="旧地址")
    member = household.members.get()
    version = household.version
    client = api(worker)
    answers = [
        getattr(client, method)(
            f"/api/households/{household.pk}/",
            {"address": "新地址", "township": household.township_id, "registered_on": "2026-11-01"},
            format="json",
        ),
        getattr(client, method)(
            f"/api/members/{member.pk}/",
            {"name": "改名", "household": household.pk, "relation_to_head": "head"},
            format="json",
        ),
    ]
    for response in answers:
        assert response.status_code == 400, response.json()
        assert "版本" in response.json()["version"][0]
    household.refresh_from_db()
    member.refresh_from_db()
    assert (household.address, household.version) == ("旧地址", version)
    assert member.name != "改名"


def test_a_member_move_without_version_is_refused(make, worker):
    source, target = make.household(members=2), make.household(members=1)
    child = source.members.get(relation_to_head="child")
    response = api(worker).post(
        f"/api/members/{child.pk}/move/", {"to_household": target.pk, "relation_to_head": "child"}, format="json"
    )
    assert response.status_code == 400 and "version" in response.json()
    child.refresh_from_db()
    assert child.active and child.household_id == source.pk


def test_survey_with_someone_from_another_township_present_is_refused(make, worker):
    household = make.household(members=1)
    stranger = make.user(Role.CASEWORKER, "330411002")
    response = api(worker).post(
        "/api/surveys/",
        {
            "household": household.pk,
            "visited_on": "2026-11-20",
            "present": [worker.pk, stranger.pk],
            "housing": "own",
            "housing_condition": "fair",
            "member_checks": [{"member": m.pk, "outcome": "confirmed"} for m in household.members.all()],
        },
        format="json",
    )
    assert response.status_code == 400 and "present" in response.json()


def test_wrong_check_digit_is_explained_in_chinese(make, worker):
    household = make.household(members=0)
    good = make.id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = api(worker).post(
        "/api/members/",
        {"household": household.pk, "name": "张三", "id_number": bad, "relation_to_head": "head"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "校验码" in response.json()["id_number"][0]

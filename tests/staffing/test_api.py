"""Staffing API: the recruitment check at its age boundaries, scoped resources, the sheet, query counts."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.models import Area, AuditEvent, Role
from staffing.models import SocialOrganization, TransferPayment
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db
CHECK = "/api/staffing/recruitment-check/"


def answers(**changes) -> dict:
    base = {
        "check_date": "2026-11-29",
        "birth_date": "1995-01-01",
        "hukou_in_jiaxing": True,
        "healthy": True,
        "computer_literate": True,
        "education": "college",
        "full_time_education": True,
        "work_years": "2.0",
        "civil_affairs_or_community_experience": False,
        "social_work_certificate": "none",
        "from_household_in_difficulty": False,
    }
    return {**base, **changes}


@pytest.fixture
def api(login):
    return login(factories.user(Role.COUNTY_CIVIL, "330402"))


@pytest.mark.parametrize(
    ("birth", "eligible"),
    [
        ("1990-11-30", True),  # the day before the 36th birthday: 35
        ("1990-11-29", False),  # the 36th birthday
    ],
)
def test_recruitment_age_limit_at_the_36th_birthday(api, birth, eligible):
    body = api.post(CHECK, answers(birth_date=birth), content_type="application/json").json()
    assert body["eligible"] is eligible
    assert body["relaxed"] is False
    if not eligible:
        assert body["reasons"] == ["截至 2026-11-29 已满 36 周岁，年龄超过 35 周岁。"]


@pytest.mark.parametrize(
    ("birth", "eligible", "relaxed"),
    [
        ("1987-11-30", True, True),  # the day before the 39th birthday: 38, allowed by R-4
        ("1987-11-29", False, False),  # the 39th birthday
    ],
)
def test_recruitment_relaxed_age_limit_at_the_39th_birthday(api, birth, eligible, relaxed):
    body = api.post(
        CHECK, answers(birth_date=birth, civil_affairs_or_community_experience=True), content_type="application/json"
    ).json()
    assert (body["eligible"], body["relaxed"]) == (eligible, relaxed)
    if not eligible:
        assert "38 周岁" in body["reasons"][0]


def test_recruitment_reports_every_reason_and_priority(api):
    body = api.post(
        CHECK,
        answers(hukou_in_jiaxing=False, education="high_school", work_years="1.5", from_household_in_difficulty=True),
        content_type="application/json",
    ).json()
    assert body["eligible"] is False
    assert len(body["reasons"]) == 3
    assert body["priority"] is False  # R-5 ranks eligible candidates only
    eligible = api.post(CHECK, answers(from_household_in_difficulty=True), content_type="application/json").json()
    assert (eligible["eligible"], eligible["priority"]) == (True, True)


def test_recruitment_uses_the_county_policy_of_the_check_year(api):
    factories.policy_row("330402", 2026, "1310.00", recruit_max_age=40)
    body = api.post(CHECK, answers(birth_date="1988-01-01"), content_type="application/json").json()
    assert body["eligible"] is True


def test_recruitment_rejects_unknown_values_in_chinese(api):
    response = api.post(
        CHECK, answers(education="kindergarten", check_date="2026-13-01"), content_type="application/json"
    )
    assert response.status_code == 400
    assert set(response.json()) == {"education", "check_date"}


def test_recruitment_check_is_in_the_schema(api):
    schema = api.get("/api/schema/").content.decode()
    for path in (
        "/api/staffing/recruitment-check/",
        "/api/staffing/transfer-sheet/",
        "/api/staffing/organizations/",
        "/api/staffing/caseworkers/",
        "/api/staffing/contracts/",
        "/api/staffing/appraisals/",
        "/api/staffing/transfers/",
    ):
        assert path in schema


# --------------------------------------------------------------------------- scope


def test_caseworker_lists_only_their_own_profile(login):
    mine = builders.caseworker("330402007")
    builders.caseworker("330402007")
    client = login(mine.user)
    body = client.get("/api/staffing/caseworkers/").json()
    assert [row["id"] for row in body["results"]] == [mine.pk]
    assert "id_number" not in body["results"][0] and body["results"][0]["id_number_masked"].count("*") == 8
    assert client.get("/api/staffing/transfers/").status_code == 403
    assert client.get("/api/staffing/organizations/").status_code == 403


def test_other_county_rows_are_not_found(login):
    nanhu_cw = builders.caseworker("330402007")
    nanhu_org = builders.organization("330402")
    nanhu_transfer = builders.transfer("330402007", 2025, "50000.00")
    appraisal = builders.appraisal(nanhu_cw, 2025)
    client = login(factories.user(Role.COUNTY_FINANCE, "330411"))
    for url in (
        f"/api/staffing/caseworkers/{nanhu_cw.pk}/",
        f"/api/staffing/organizations/{nanhu_org.pk}/",
        f"/api/staffing/transfers/{nanhu_transfer.pk}/",
        f"/api/staffing/appraisals/{appraisal.pk}/",
    ):
        assert client.get(url).status_code == 404
    for url in (
        "/api/staffing/caseworkers/",
        "/api/staffing/organizations/",
        "/api/staffing/transfers/",
        "/api/staffing/appraisals/",
        "/api/staffing/contracts/",
    ):
        assert client.get(url).json()["count"] == 0


def test_township_officer_reads_their_township_caseworkers_only(login):
    here = builders.caseworker("330402007")
    builders.caseworker("330402008")
    body = login(factories.user(Role.TOWNSHIP_OFFICER, "330402007")).get("/api/staffing/caseworkers/").json()
    assert [row["id"] for row in body["results"]] == [here.pk]


def test_finance_reads_staffing_but_cannot_write_it(login):
    builders.caseworker("330402007")
    client = login(factories.user(Role.COUNTY_FINANCE, "330402"))
    assert client.get("/api/staffing/caseworkers/").json()["count"] == 1
    response = client.post(
        "/api/staffing/organizations/",
        {"name": "x", "credit_code": builders.credit_code(), "county": "330402"},
        content_type="application/json",
    )
    assert response.status_code == 403


def test_county_finance_records_a_transfer_in_its_county_only(login):
    client = login(factories.user(Role.COUNTY_FINANCE, "330402"))
    ok = client.post(
        "/api/staffing/transfers/",
        {
            "township": "330402007",
            "year": 2025,
            "amount": "50000.00",
            "paid_on": "2025-06-30",
            "document_no": "南财社〔2025〕1号",
        },
        content_type="application/json",
    )
    assert ok.status_code == 201, ok.content
    assert ok.json()["county"] == "330402"
    other = client.post(
        "/api/staffing/transfers/",
        {"township": "330411002", "year": 2025, "amount": "1.00", "paid_on": "2025-06-30"},
        content_type="application/json",
    )
    assert other.status_code == 400
    assert TransferPayment.objects.count() == 1


def test_organization_api_validates_the_credit_code_and_refuses_stale_versions(api):
    bad = api.post(
        "/api/staffing/organizations/",
        {"name": "甲", "credit_code": "123", "county": "330402"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "credit_code" in bad.json()
    created = api.post(
        "/api/staffing/organizations/",
        {"name": "甲", "credit_code": builders.credit_code().lower(), "county": "330402"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert SocialOrganization.objects.get(pk=pk).credit_code.isupper()
    assert (
        api.patch(
            f"/api/staffing/organizations/{pk}/",
            {"contact_person": "乙", "version": 1},
            content_type="application/json",
        ).status_code
        == 200
    )
    stale = api.patch(
        f"/api/staffing/organizations/{pk}/", {"contact_person": "丙", "version": 1}, content_type="application/json"
    )
    assert stale.status_code == 400 and "version" in stale.json()


def test_caseworker_api_cannot_change_status_or_birth_date(api):
    cw = builders.caseworker("330402007")
    response = api.patch(
        f"/api/staffing/caseworkers/{cw.pk}/",
        {"status": "dismissed", "birth_date": "1970-01-01", "work_years": "5.0", "version": cw.version},
        content_type="application/json",
    )
    assert response.status_code == 200
    cw.refresh_from_db()
    assert (cw.status, cw.birth_date, cw.work_years) == ("in_post", date(1990, 5, 17), Decimal("5.0"))


# --------------------------------------------------------------------------- the sheet


def test_county_finance_downloads_its_sheet(login):
    builders.caseworker("330402007", hire=date(2024, 1, 1))
    client = login(factories.user(Role.COUNTY_FINANCE, "330402"))
    response = client.get("/api/staffing/transfer-sheet/?county=330402&year=2025")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
    assert book.sheetnames == ["南湖区2025"]
    assert book["南湖区2025"]["J3"].value == pytest.approx(50000.0)


@pytest.mark.parametrize("url", ["/staffing/funding/sheet.xlsx?year=2025", "/api/staffing/transfer-sheet/?year=2025"])
def test_city_finance_downloads_the_city_workbook(login, url):
    builders.caseworker("330402007", hire=date(2024, 1, 1), name="甲")
    builders.transfer("330402007", 2025, "49999.99")
    client = login(factories.user(Role.CITY_FINANCE, "330400"))
    counties = list(Area.objects.counties().filter(active=True).order_by("code"))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert 'filename="transfers-330400-2025.xlsx"' in response["Content-Disposition"]
    book = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
    assert book.sheetnames == ["嘉兴市2025", *(f"{c.name}2025" for c in counties)]
    summary = book["嘉兴市2025"]
    assert [summary[f"B{r}"].value for r in range(3, 3 + len(counties))] == [c.code for c in counties]
    nanhu = next(r for r in range(3, 3 + len(counties)) if summary[f"B{r}"].value == "330402")
    assert summary[f"I{nanhu}"].value == pytest.approx(0.01)
    assert book["南湖区2025"]["D3"].value == "甲(365天)"
    assert AuditEvent.objects.filter(action="export", area_code="330400").count() == 1


def test_finance_of_xiuzhou_cannot_get_nanhu_sheet(login):
    client = login(factories.user(Role.COUNTY_FINANCE, "330411"))
    assert client.get("/api/staffing/transfer-sheet/?county=330402&year=2025").status_code == 404
    assert client.get("/staffing/funding/sheet.xlsx?county=330402&year=2025").status_code == 404
    own = client.get("/api/staffing/transfer-sheet/?year=2025")  # no county: only its own
    assert openpyxl.load_workbook(io.BytesIO(own.content)).sheetnames == ["秀洲区2025"]


def test_caseworker_cannot_get_any_sheet(login):
    client = login(factories.user(Role.CASEWORKER, "330402007"))
    assert client.get("/api/staffing/transfer-sheet/?county=330402&year=2025").status_code == 404


# --------------------------------------------------------------------------- query counts


def _fill(n: int):
    org = builders.organization("330402")
    for i in range(n):
        cw = builders.caseworker("330402007" if i % 2 else "330402008")
        builders.contract(cw, start=date(2024, 1, 1), end=date(2026, 12, 31), org=org)
        builders.appraisal(cw, 2025)
        builders.transfer("330402007", 2025, "100.00")
        builders.organization("330402")
        builders.service_contract("330402007", org=org)


@pytest.mark.parametrize(
    "url",
    [
        "/api/staffing/caseworkers/",
        "/api/staffing/organizations/",
        "/api/staffing/contracts/",
        "/api/staffing/appraisals/",
        "/api/staffing/transfers/",
        "/api/staffing/employment-contracts/",
    ],
)
def test_list_endpoints_query_count_is_the_same_for_1_and_20_rows(api, url):
    # session; user; COUNT(*); the page of rows with its select_related joins — the same for 1 and 20.
    _fill(1)
    with CaptureQueriesContext(connection) as one:
        assert api.get(url).status_code == 200
    _fill(19)
    with CaptureQueriesContext(connection) as twenty:
        body = api.get(url).json()
    assert body["count"] >= 20
    assert len(twenty) == len(one)


def test_status_action_dismisses_with_history_and_refuses_other_roles(login):
    cw = builders.caseworker("330402007")
    finance = login(factories.user(Role.COUNTY_FINANCE, "330402"))
    assert (
        finance.post(
            f"/api/staffing/caseworkers/{cw.pk}/status/",
            {"status": "dismissed", "on": "2026-03-01"},
            content_type="application/json",
        ).status_code
        == 403
    )
    civil = login(factories.user(Role.COUNTY_CIVIL, "330402"))  # the same test client, now another user
    response = civil.post(
        f"/api/staffing/caseworkers/{cw.pk}/status/",
        {"status": "dismissed", "on": "2026-03-01", "reason": "连续两年末位", "version": 1},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["dismissed_on"]) == ("dismissed", "2026-03-01")
    assert cw.status_changes.count() == 2


def test_employment_contracts_carry_their_s212_check(api):
    cw = builders.caseworker("330402007")
    short = builders.contract(cw, start=date(2025, 1, 1), end=date(2026, 12, 31))
    good = builders.contract(cw, start=date(2025, 1, 1), end=None)
    body = {row["id"]: row for row in api.get("/api/staffing/employment-contracts/").json()["results"]}
    assert body[good.pk]["contract_ok"] is True and body[good.pk]["contract_reasons"] == []
    assert body[short.pk]["contract_ok"] is False
    assert len(body[short.pk]["contract_reasons"]) == 1 and "3 年" in body[short.pk]["contract_reasons"][0]
    one = api.get(f"/api/staffing/employment-contracts/{short.pk}/").json()
    assert (one["contract_ok"], one["contract_reasons"]) == (False, body[short.pk]["contract_reasons"])

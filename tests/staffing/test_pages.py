"""Staffing pages: scope for every page, forms with Chinese errors, stale edits, query counts of lists."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.models import AuditEvent, Role
from staffing.models import Caseworker, SocialOrganization, TransferPayment
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db
LISTS = ["organizations", "contracts", "employment", "appraisals", "transfers"]


@pytest.fixture
def nanhu_rows():
    cw = builders.caseworker("330402007", employed=False)
    org = builders.organization("330402")
    return {
        "caseworkers": cw,
        "organizations": org,
        "contracts": builders.service_contract("330402007", org=org),
        "employment": builders.contract(cw, start=date(2024, 1, 1), end=date(2026, 12, 31), org=org),
        "appraisals": builders.appraisal(cw, 2025),
        "transfers": builders.transfer("330402007", 2025, "50000.00"),
    }


@pytest.mark.parametrize("slug", LISTS)
def test_lists_show_own_county_rows_and_hide_other_county_rows(nanhu_rows, login, slug):
    own = login(factories.user(Role.COUNTY_CIVIL, "330402")).get(f"/staffing/{slug}/")
    assert own.status_code == 200 and len(own.context["rows"]) == 1
    other = login(factories.user(Role.COUNTY_CIVIL, "330411")).get(f"/staffing/{slug}/")
    assert other.status_code == 200 and len(other.context["rows"]) == 0


@pytest.mark.parametrize("slug", LISTS)
def test_edit_pages_of_another_county_are_not_found(nanhu_rows, login, slug):
    client = login(factories.user(Role.COUNTY_CIVIL if slug != "transfers" else Role.COUNTY_FINANCE, "330411"))
    assert client.get(f"/staffing/{slug}/{nanhu_rows[slug].pk}/edit/").status_code == 404


def test_caseworker_pages_of_another_county_are_not_found(nanhu_rows, login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330411"))
    pk = nanhu_rows["caseworkers"].pk
    assert client.get(f"/staffing/caseworkers/{pk}/").status_code == 404
    assert client.get(f"/staffing/caseworkers/{pk}/edit/").status_code == 404
    assert client.post(f"/staffing/caseworkers/{pk}/id-number/").status_code == 404
    assert client.post(f"/staffing/caseworkers/{pk}/status/", {"status": "left", "on": "2026-01-01"}).status_code == 404


def test_caseworker_sees_only_their_own_profile_page(nanhu_rows, login):
    mine = nanhu_rows["caseworkers"]
    colleague = builders.caseworker("330402007")
    client = login(mine.user)
    assert [cw.pk for cw in client.get("/staffing/caseworkers/").context["caseworkers"]] == [mine.pk]
    assert client.get(f"/staffing/caseworkers/{mine.pk}/").status_code == 200
    assert client.get(f"/staffing/caseworkers/{colleague.pk}/").status_code == 404
    for slug in LISTS:
        assert client.get(f"/staffing/{slug}/").status_code == 403
    assert client.get("/staffing/funding/?year=2025").status_code == 403


def test_township_officer_lists_only_their_township(nanhu_rows, login):
    builders.caseworker("330402008")
    client = login(factories.user(Role.TOWNSHIP_OFFICER, "330402007"))
    assert [cw.township.code for cw in client.get("/staffing/caseworkers/").context["caseworkers"]] == ["330402007"]
    assert client.get("/staffing/organizations/new/").status_code == 403


def test_write_pages_need_the_writing_role(login):
    finance = login(factories.user(Role.COUNTY_FINANCE, "330402"))
    assert finance.get("/staffing/organizations/new/").status_code == 403
    assert finance.get("/staffing/caseworkers/new/").status_code == 403
    assert finance.get("/staffing/transfers/new/").status_code == 200
    civil = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    assert civil.get("/staffing/transfers/new/").status_code == 403


def test_organization_form_shows_the_credit_code_reason_and_saves_nothing(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    code = builders.credit_code()
    wrong = code[:17] + ("0" if code[17] != "0" else "1")
    response = client.post(
        "/staffing/organizations/new/", {"name": "甲", "credit_code": wrong, "county": factories.area("330402").pk}
    )
    assert response.status_code == 200
    assert "统一社会信用代码" in response.content.decode() and "校验" in response.content.decode()
    assert not SocialOrganization.objects.exists()


def test_organization_form_saves_and_a_stale_form_is_refused(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    county = factories.area("330402").pk
    code = builders.credit_code()
    assert (
        client.post("/staffing/organizations/new/", {"name": "甲", "credit_code": code, "county": county}).status_code
        == 302
    )
    org = SocialOrganization.objects.get()
    data = {"name": "乙", "credit_code": code, "county": county, "version": 1}
    assert client.post(f"/staffing/organizations/{org.pk}/edit/", data).status_code == 302
    stale = client.post(f"/staffing/organizations/{org.pk}/edit/", {**data, "name": "丙"})
    content = stale.content.decode()
    assert stale.status_code == 200 and ("其他人" in content or "Someone else" in content)
    assert SocialOrganization.objects.get().name == "乙"


def test_caseworker_form_creates_a_profile_with_a_masked_id(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    user = factories.user(Role.CASEWORKER, "330402007", first_name="王丽")
    org = builders.organization("330402")
    number = factories.id_number(born=date(1992, 3, 4))
    response = client.post(
        "/staffing/caseworkers/new/",
        {
            "user": user.pk,
            "name": "王丽",
            "township": factories.area("330402007").pk,
            "organization": org.pk,
            "hire_date": "2024-01-01",
            "full_time": "on",
            "education": "bachelor",
            "full_time_education": "on",
            "work_years": "3",
            "qualification_level": "none",
            "id_number": number,
            "hukou_in_jiaxing": "on",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    cw = Caseworker.objects.get()
    page = client.get(f"/staffing/caseworkers/{cw.pk}/").content.decode()
    assert number not in page and cw.id_number_masked in page
    shown = client.post(f"/staffing/caseworkers/{cw.pk}/id-number/").content.decode()
    assert number in shown
    assert AuditEvent.objects.filter(action="view", target_id=str(cw.pk)).count() == 1


def test_transfer_form_records_a_payment(login):
    client = login(factories.user(Role.COUNTY_FINANCE, "330402"))
    response = client.post(
        "/staffing/transfers/new/",
        {"township": factories.area("330402007").pk, "year": 2025, "amount": "50000.00", "paid_on": "2025-06-30"},
    )
    assert response.status_code == 302
    assert TransferPayment.objects.get().county.code == "330402"


def test_recruitment_page_renders_reasons_in_chinese(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    page = client.get(
        "/staffing/recruitment-check/",
        {
            "check_date": "2026-11-29",
            "birth_date": "1990-11-29",
            "education": "college",
            "work_years": "2",
            "social_work_certificate": "none",
            "hukou_in_jiaxing": "on",
            "healthy": "on",
            "computer_literate": "on",
            "full_time_education": "on",
        },
    ).content.decode()
    assert "不符合条件" in page and "已满 36 周岁" in page


def test_funding_page_shows_the_shortfall(login):
    builders.caseworker("330402007", hire=date(2024, 1, 1))
    builders.transfer("330402007", 2025, "49999.99")
    page = login(factories.user(Role.COUNTY_FINANCE, "330402")).get("/staffing/funding/?year=2025")
    assert page.status_code == 200
    assert '<strong class="shortfall">0.01</strong>' in page.content.decode()
    assert [f.county.code for f in page.context["figures"]] == ["330402"]


def test_finance_of_xiuzhou_cannot_open_nanhu_funding(login):
    client = login(factories.user(Role.COUNTY_FINANCE, "330411"))
    assert client.get("/staffing/funding/?county=330402&year=2025").status_code == 404


# --------------------------------------------------------------------------- query counts


def _more(n: int):
    org = builders.organization("330402")
    for i in range(n):
        cw = builders.caseworker("330402007" if i % 2 else "330402008", organization=org)
        builders.contract(cw, start=date(2024, 1, 1), end=date(2026, 12, 31), org=org)
        builders.appraisal(cw, 2025)
        builders.transfer("330402007", 2025, "1.00")
        builders.service_contract("330402007", org=org)


@pytest.mark.parametrize(
    "url", [*(f"/staffing/{slug}/" for slug in LISTS), "/staffing/caseworkers/", "/staffing/funding/?year=2025"]
)
def test_list_pages_query_count_is_the_same_for_1_and_20_rows(login, url):
    # session; user; COUNT(*) for the pager; the page of rows with its joins; (funding: townships,
    # caseworkers, transfer sums, policy rows) — none of them per row.
    client = login(factories.user(Role.COUNTY_FINANCE if "transfers" in url else Role.COUNTY_CIVIL, "330402"))
    _more(1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    _more(19)
    with CaptureQueriesContext(connection) as twenty:
        assert client.get(url).status_code == 200
    assert len(twenty) == len(one)


def test_caseworker_edit_form_has_no_id_number_and_saves_the_change(login):
    cw = builders.caseworker("330402007")
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    form = client.get(f"/staffing/caseworkers/{cw.pk}/edit/").context["form"]
    assert "id_number" not in form.fields
    data = {name: value for name, value in form.initial.items() if value is not None and name != "user"}
    data.update({"work_years": "6.75", "version": cw.version, "full_time": "on", "hukou_in_jiaxing": "on"})
    response = client.post(f"/staffing/caseworkers/{cw.pk}/edit/", data)
    assert response.status_code == 302, response.context["form"].errors
    cw.refresh_from_db()
    assert (str(cw.work_years), cw.version) == ("6.75", 2)
    assert AuditEvent.objects.for_object(cw).filter(action="update").count() == 1


# --------------------------------------------------------------------------- contract check at entry


def test_saving_a_short_contract_warns_with_the_reasons_and_the_list_shows_them(login):
    cw = builders.caseworker("330402007")
    org = builders.organization("330402")
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post(
        "/staffing/employment/new/",
        {
            "caseworker": cw.pk,
            "organization": org.pk,
            "start": "2025-01-01",
            "end": "2026-12-31",
            "monthly_pay": "5500.00",
            "township_reference_pay": "5600.00",
            "social_insurance": "on",
        },
        follow=True,
    )
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 2  # two years only; pay below the township reference
    assert any("3 年" in w for w in warnings) and any("5600.00" in w for w in warnings)
    label, check = response.context["rows"][0][1][-1]
    assert str(label) == "核查" and "5600.00" in check


def test_a_contract_that_meets_the_rules_saves_without_a_warning(login):
    cw = builders.caseworker("330402007")
    org = builders.organization("330402")
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post(
        "/staffing/employment/new/",
        {
            "caseworker": cw.pk,
            "organization": org.pk,
            "start": "2025-01-01",
            "end": "2027-12-31",
            "monthly_pay": "5800.00",
            "township_reference_pay": "5600.00",
            "social_insurance": "on",
        },
        follow=True,
    )
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    assert "符合规定" in response.content.decode()


# --------------------------------------------------------------------------- caseworker detail


def test_caseworker_detail_shows_the_qualification_deadline_and_days_left(login):
    cw = builders.caseworker("330402007", hire=date(2022, 1, 1))
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    with time_machine.travel(date(2026, 11, 29)):
        page = client.get(f"/staffing/caseworkers/{cw.pk}/")
    qualification = page.context["qualification"]
    # 5 years from the hire date (the default policy), 2027-01-01; 33 days left on 2026-11-29.
    assert (qualification.deadline, qualification.days_left, qualification.met) == (date(2027, 1, 1), 33, False)
    content = page.content.decode()
    assert "2027-01-01" in content and "33" in content and 'class="tag warn"' in content


def test_caseworker_detail_shows_a_met_qualification(login):
    cw = builders.caseworker(
        "330402007", hire=date(2024, 1, 1), qualification_level="intermediate", qualification_date=date(2025, 6, 1)
    )
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    with time_machine.travel(date(2026, 11, 29)):
        page = client.get(f"/staffing/caseworkers/{cw.pk}/")
    assert page.context["qualification"].met
    assert '<span class="tag ok">' in page.content.decode()


def test_caseworker_detail_query_count_does_not_grow_with_its_history(login):
    cw = builders.caseworker("330402007", hire=date(2018, 1, 1))
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(f"/staffing/caseworkers/{cw.pk}/").status_code == 200
    for year in range(2019, 2024):
        builders.contract(cw, start=date(year, 1, 1), end=date(year + 3, 12, 31))
        builders.appraisal(cw, year)
    with CaptureQueriesContext(connection) as many:
        assert client.get(f"/staffing/caseworkers/{cw.pk}/").status_code == 200
    assert len(many) == len(one)


@pytest.mark.parametrize(
    ("role", "area"),
    [
        (Role.TOWNSHIP_OFFICER, "330402007"),
        (Role.COUNTY_CIVIL, "330402"),
        (Role.COUNTY_FINANCE, "330402"),
        (Role.CITY_CIVIL, "330400"),
        (Role.CITY_FINANCE, "330400"),
        (Role.ADMIN, None),
    ],
)
def test_every_staffing_nav_link_opens_for_the_user_who_sees_it(login, role, area):
    client = login(factories.user(role, area))
    response = client.get("/staffing/caseworkers/")
    links = response.context["links"]
    assert links
    for _label, url in links:
        assert client.get(url).status_code == 200, url
    shown = {url for _label, url in links}
    assert ("/staffing/" in shown) == (role != Role.TOWNSHIP_OFFICER)
    assert ("/staffing/funding/" in shown) == (role != Role.TOWNSHIP_OFFICER)

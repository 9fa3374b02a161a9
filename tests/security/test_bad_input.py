"""Bad input changes nothing: property tests over the main forms, endpoints and the import.

Every example posts malformed data (random text, huge strings, wrong types, full-width
characters, impossible dates such as 2023-02-29, negative or absurd money) and must get a
form error (page: 200/400 with the form again) or a 400 (API) carrying a Chinese message,
while the row counts of every table it could touch stay exactly the same (no partial save).
"""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from rest_framework.test import APIClient

from households import rules
from households.models import (
    Assessment,
    Document,
    Enrolment,
    Household,
    ImportJob,
    Member,
    MemberMove,
    Survey,
    SurveyMemberCheck,
    Verification,
)
from jiuzhu.models import AuditEvent, Role

CJK = re.compile(r"[\u4e00-\u9fff]")
PROPERTY = settings(max_examples=25, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
TODAY = datetime.date(2026, 11, 29)
TABLES = (Household, Member, MemberMove, Verification, Survey, SurveyMemberCheck, Assessment, Document, Enrolment,
          ImportJob, AuditEvent)


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in TABLES}


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------ strategies of bad values
huge = st.integers(min_value=5_000, max_value=200_000).map(lambda n: "九" * n)
junk_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(lambda s: s.strip() != "")
impossible_dates = st.sampled_from(["2023-02-29", "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01",
                                    "29/02/2023", "２０２６－１１－３１", "2026-11-31", "昨天", "-1", "99999-01-01"])
bad_dates = st.one_of(impossible_dates, junk_text.filter(lambda s: not re.fullmatch(r"[\d\s/.-]+", s)), huge)
bad_money = st.one_of(
    st.decimals(max_value=Decimal("-0.01"), allow_nan=False, allow_infinity=False, places=2).map(str),
    st.integers(min_value=10**10, max_value=10**30).map(str),
    st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "12.345", "一百", "¥100", "--1", "0x10"]),
    huge,
)


def bad_id_numbers():
    valid_first17 = "33040219800517001"
    return st.one_of(
        junk_text, huge,
        st.text(alphabet="0123456789", min_size=17, max_size=17),
        st.text(alphabet="0123456789X", min_size=19, max_size=25),
        st.just(to_fullwidth(valid_first17 + "0")),  # a wrong check character, in full-width
        st.just("330402" + "20230229" + "0011"),  # born on 29 Feb 2023 (no such day), 18 chars without check
        st.builds(lambda n: f"33040220230229{n:03d}", st.integers(0, 999)).map(lambda s: s + rules.id_check_character(s)),
        st.builds(lambda n: f"33040229991231{n:03d}", st.integers(0, 999)).map(lambda s: s + rules.id_check_character(s)),
    ).filter(lambda s: not rules.check_id_number(s, today=TODAY).valid)


def chinese_error(response) -> bool:
    """A refusal: the form shown again with an error, or an API 400, in Chinese."""
    if response.status_code == 400 and response.get("Content-Type", "").startswith("application/json"):
        return bool(CJK.search(str(response.json())))
    if response.status_code not in (200, 400):
        return False
    body = response.content.decode()
    errors = re.findall(r'class="(?:error|errorlist|errorbox)[^"]*"[^>]*>(.*?)</(?:p|ul|div)>', body, re.S)
    return any(CJK.search(e) for e in errors)


@pytest.fixture
def world(make):
    make.policy_row("330400", 2026, "1200.00")
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007", username="bad-officer")
    household = make.household("330402007", members=2)
    page, api = Client(), APIClient()
    page.force_login(officer)
    api.force_login(officer)
    return {"officer": officer, "household": household, "page": page, "api": api}


def member_post(**overrides) -> dict:
    base = {"name": "王小明", "id_number": "", "relation_to_head": "child", "labour_ability": "full", "health": "healthy",
            "employment": "unemployed", "monthly_income": "0", "phone": "", "hukou_place": "",
            "disability_class": "", "disability_kind": "", "school_stage": "none"}
    return {**base, **overrides}


def refused(response, before: dict) -> None:
    assert chinese_error(response), (response.status_code, response.content[:300])
    assert counts() == before


# --------------------------------------------------------------------------- members
@pytest.mark.django_db
def test_member_add_page_refuses_bad_id_numbers(world):
    url = reverse("households:member_add", args=[world["household"].pk])

    @PROPERTY
    @given(id_number=bad_id_numbers())
    def check(id_number):
        before = counts()
        refused(world["page"].post(url, member_post(id_number=id_number)), before)

    check()


@pytest.mark.django_db
def test_member_api_refuses_bad_id_numbers_and_wrong_types(world):
    household = world["household"]

    @PROPERTY
    @given(id_number=bad_id_numbers(), income=st.one_of(bad_money, st.just(None)),
           relation=st.one_of(st.just("child"), junk_text, st.integers()))
    def check(id_number, income, relation):
        before = counts()
        body = {"household": household.pk, "name": "王小明", "id_number": id_number, "relation_to_head": relation,
                "monthly_income": income}
        refused(world["api"].post("/api/members/", body, format="json"), before)

    check()


# --------------------------------------------------------------------------- household
@pytest.mark.django_db
def test_household_edit_refuses_huge_and_wrong_typed_values(world):
    household = world["household"]
    url = reverse("households:edit", args=[household.pk])

    @PROPERTY
    @given(st.one_of(st.tuples(st.sampled_from(["address", "phone", "risk_level", "village"]), huge),
                     st.tuples(st.sampled_from(["risk_level", "village"]), junk_text)))
    def check(bad):
        field, value = bad
        household.refresh_from_db()
        data = {"village": "", "address": "南湖路1号", "phone": "", "risk_level": "low", "notes": "",
                "version": household.version, field: value}
        before = counts()
        snapshot = Household.objects.filter(pk=household.pk).values().get()
        refused(world["page"].post(url, data), before)
        assert Household.objects.filter(pk=household.pk).values().get() == snapshot

    check()


# --------------------------------------------------------------------------- verification
@pytest.mark.django_db
def test_verification_refuses_bad_money_and_impossible_dates(world):
    url = reverse("households:verification_new", args=[world["household"].pk])
    good = {"verified_on": "2026-11-20", "source": "county_centre", "report_no": "HD-1", "members_counted": "2",
            **{f: "100.00" for f in Verification.INCOME_FIELDS}, "deposits": "0", "securities": "0",
            "real_estate_count": "0", "vehicles": "0", "registered_businesses": "0", "expense_medical": "0",
            "expense_education": "0"}

    @PROPERTY
    @given(st.one_of(
        st.tuples(st.sampled_from([*Verification.INCOME_FIELDS, "deposits", "expense_medical"]), bad_money),
        st.tuples(st.just("verified_on"), bad_dates),
        st.tuples(st.sampled_from(["members_counted", "vehicles"]), st.sampled_from(["-1", "0x1", "1.5", "99999999", "两"])),
    ))
    def check(bad):
        field, value = bad
        if field == "members_counted" and value == "0x1":
            return
        before = counts()
        response = world["page"].post(url, {**good, field: value})
        assert response.status_code != 302, (field, value)
        refused(response, before)

    check()


@pytest.mark.django_db
def test_verification_api_refuses_bad_money(world):
    @PROPERTY
    @given(field=st.sampled_from(Verification.INCOME_FIELDS), value=st.one_of(bad_money, st.integers(max_value=-1),
                                                                              st.lists(st.integers()), st.just({})))
    def check(field, value):
        body = {"household": world["household"].pk, "verified_on": "2026-11-20", "source": "county_centre",
                "members_counted": 2, field: value}
        before = counts()
        refused(world["api"].post("/api/verifications/", body, format="json"), before)

    check()


# --------------------------------------------------------------------------- survey
@pytest.mark.django_db
def test_survey_refuses_impossible_dates_and_unknown_choices(world):
    household, officer = world["household"], world["officer"]
    url = reverse("households:survey_new", args=[household.pk])

    @PROPERTY
    @given(st.one_of(st.tuples(st.just("visited_on"), st.one_of(bad_dates, st.just("2099-01-01"))),
                     st.tuples(st.sampled_from(["housing", "housing_condition", "present"]), junk_text)))
    def check(bad):
        field, value = bad
        data = {"visited_on": "2026-11-20", "present": [officer.pk], "housing": "own", "housing_condition": "fair",
                "appliances": "", "vehicles": "", "needs_observed": "", "confirmed_by_name": "", "notes": "",
                field: value}
        before = counts()
        refused(world["page"].post(url, data), before)

    check()


# --------------------------------------------------------------------------- recruitment check
@pytest.mark.django_db
def test_recruitment_check_refuses_bad_dates_and_years(make):
    county = make.user(Role.COUNTY_CIVIL, "330402", username="bad-county")
    page, api = Client(), APIClient()
    page.force_login(county)
    api.force_login(county)
    good = {"check_date": "2026-11-29", "birth_date": "1995-05-17", "education": "college",
            "social_work_certificate": "none", "work_years": "2"}

    @PROPERTY
    @given(st.one_of(st.tuples(st.sampled_from(["check_date", "birth_date"]), bad_dates),
                     st.tuples(st.just("work_years"), st.one_of(bad_money, st.sampled_from(["-0.5", "1000", "两年"])))))
    def check(bad):
        field, value = bad
        before = counts()
        response = page.get(reverse("staffing:recruitment_check"), {**good, field: value})
        assert chinese_error(response) and response.context["decision"] is None
        refused(api.post("/api/staffing/recruitment-check/", {**good, field: value}, format="json"), before)

    check()


# --------------------------------------------------------------------------- import
def workbook(rows: list[list]) -> SimpleUploadedFile:
    from households.imports import COLUMNS

    book = Workbook()
    book.active.append(COLUMNS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("名单.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.mark.django_db
def test_an_import_with_one_bad_cell_imports_nothing(world, make, django_capture_on_commit_callbacks):
    good_ids = [make.id_number(serial=n) for n in (901, 902)]

    @settings(PROPERTY, max_examples=15)
    @given(column=st.sampled_from([1, 5, 6, 9]), value=st.one_of(bad_id_numbers(), bad_money, junk_text,
                                                                 st.integers(min_value=-10**6, max_value=-1)))
    def check(column, value):
        row_a = ["H9", "330402007", "解放路9号", "", "李三", good_ids[0], "户主", "完全", "健康", "0"]
        row_b = ["H9", "330402007", "解放路9号", "", "李四", good_ids[1], "配偶", "完全", "健康", "0"]
        if column == 5 and not isinstance(value, str):
            value = str(value)
        if column == 6 and isinstance(value, str) and value in ("户主", "配偶", "子女"):
            return
        if column == 9 and isinstance(value, str):
            try:
                float(value)
            except ValueError:
                pass
            else:
                if float(value) >= 0 and value.lower() not in ("nan", "infinity", "inf"):
                    return
        if column == 1 and isinstance(value, str) and value == "330402007":
            return
        row_b[column] = value
        members = Member.objects.count()
        with django_capture_on_commit_callbacks(execute=True):
            dry = world["page"].post(reverse("households:import"), {"file": workbook([row_a, row_b]), "dry_run": "on"})
            world["page"].post(reverse("households:import"), {"file": workbook([row_a, row_b]), "dry_run": ""})
        assert dry.status_code == 200 and CJK.search(dry.content.decode())
        assert Member.objects.count() == members, f"column {column} = {value!r} imported"
        job = ImportJob.objects.order_by("-pk").first()
        assert job.status == "failed" and job.errors and CJK.search(str(job.errors))

    check()

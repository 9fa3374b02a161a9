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
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
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
from tests import factories
from tests.clock import NOW, TODAY

CJK = re.compile(r"[\u4e00-\u9fff]")
PROPERTY = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TABLES = (
    Household,
    Member,
    MemberMove,
    Verification,
    Survey,
    SurveyMemberCheck,
    Assessment,
    Document,
    Enrolment,
    ImportJob,
    AuditEvent,
)


def counts() -> dict[str, int]:
    return {model.__name__: model._base_manager.count() for model in TABLES}


def to_fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


# ------------------------------------------------------------------ strategies of bad values
huge = st.integers(min_value=5_000, max_value=200_000).map(lambda n: "九" * n)
junk_text = st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)
impossible_dates = st.sampled_from(
    [
        "2023-02-29",
        "2026-02-30",
        "2026-13-01",
        "2026-00-10",
        "0000-01-01",
        "29/02/2023",
        "２０２６－１１－３１",
        "2026-11-31",
        "昨天",
        "-1",
        "99999-01-01",
    ]
)
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
        junk_text,
        huge,
        st.text(alphabet="0123456789", min_size=17, max_size=17),
        st.text(alphabet="0123456789X", min_size=19, max_size=25),
        st.just(to_fullwidth(valid_first17 + "0")),  # a wrong check character, in full-width
        st.just("330402" + "20230229" + "0011"),  # born on 29 Feb 2023 (no such day), 18 chars without check
        st.builds(lambda n: f"33040220230229{n:03d}", st.integers(0, 999)).map(
            lambda s: s + rules.id_check_character(s)
        ),
        st.builds(lambda n: f"33040229991231{n:03d}", st.integers(0, 999)).map(
            lambda s: s + rules.id_check_character(s)
        ),
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
    base = {
        "name": "王小明",
        "id_number": "",
        "relation_to_head": "child",
        "labour_ability": "full",
        "health": "healthy",
        "employment": "unemployed",
        "monthly_income": "0",
        "phone": "",
        "hukou_place": "",
        "disability_class": "",
        "disability_kind": "",
        "school_stage": "none",
    }
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
    @given(
        id_number=bad_id_numbers(),
        income=st.one_of(bad_money, st.just(None)),
        relation=st.one_of(st.just("child"), junk_text, st.integers()),
    )
    def check(id_number, income, relation):
        before = counts()
        body = {
            "household": household.pk,
            "name": "王小明",
            "id_number": id_number,
            "relation_to_head": relation,
            "monthly_income": income,
        }
        refused(world["api"].post("/api/members/", body, format="json"), before)

    check()


# --------------------------------------------------------------------------- household
@pytest.mark.django_db
def test_household_edit_refuses_huge_and_wrong_typed_values(world):
    household = world["household"]
    url = reverse("households:edit", args=[household.pk])

    @PROPERTY
    @given(
        st.one_of(
            st.tuples(st.sampled_from(["address", "phone", "risk_level", "village"]), huge),
            st.tuples(st.sampled_from(["risk_level", "village"]), junk_text),
        )
    )
    def check(bad):
        field, value = bad
        household.refresh_from_db()
        data = {
            "village": "",
            "address": "南湖路1号",
            "phone": "",
            "risk_level": "low",
            "notes": "",
            "version": household.version,
            field: value,
        }
        before = counts()
        snapshot = Household.objects.filter(pk=household.pk).values().get()
        refused(world["page"].post(url, data), before)
        assert Household.objects.filter(pk=household.pk).values().get() == snapshot

    check()


# --------------------------------------------------------------------------- verification
@pytest.mark.django_db
def test_verification_refuses_bad_money_and_impossible_dates(world):
    url = reverse("households:verification_new", args=[world["household"].pk])
    good = {
        "verified_on": "2026-11-20",
        "source": "county_centre",
        "report_no": "HD-1",
        "members_counted": "2",
        **{f: "100.00" for f in Verification.INCOME_FIELDS},
        "deposits": "0",
        "securities": "0",
        "real_estate_count": "0",
        "vehicles": "0",
        "registered_businesses": "0",
        "expense_medical": "0",
        "expense_education": "0",
    }

    @PROPERTY
    @given(
        st.one_of(
            st.tuples(st.sampled_from([*Verification.INCOME_FIELDS, "deposits", "expense_medical"]), bad_money),
            st.tuples(st.just("verified_on"), bad_dates),
            st.tuples(
                st.sampled_from(["members_counted", "vehicles"]),
                st.sampled_from(["-1", "0x1", "1.5", "99999999", "两"]),
            ),
        )
    )
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
    @given(
        field=st.sampled_from(Verification.INCOME_FIELDS),
        value=st.one_of(bad_money, st.integers(max_value=-1), st.lists(st.integers()), st.just({})),
    )
    def check(field, value):
        body = {
            "household": world["household"].pk,
            "verified_on": "2026-11-20",
            "source": "county_centre",
            "members_counted": 2,
            field: value,
        }
        before = counts()
        refused(world["api"].post("/api/verifications/", body, format="json"), before)

    check()


# --------------------------------------------------------------------------- survey
@pytest.mark.django_db
def test_survey_refuses_impossible_dates_and_unknown_choices(world):
    household, officer = world["household"], world["officer"]
    url = reverse("households:survey_new", args=[household.pk])

    @PROPERTY
    @given(
        st.one_of(
            st.tuples(st.just("visited_on"), st.one_of(bad_dates, st.just("2099-01-01"))),
            st.tuples(st.sampled_from(["housing", "housing_condition", "present"]), junk_text),
        )
    )
    def check(bad):
        field, value = bad
        data = {
            "visited_on": "2026-11-20",
            "present": [officer.pk],
            "housing": "own",
            "housing_condition": "fair",
            "appliances": "",
            "vehicles": "",
            "needs_observed": "",
            "confirmed_by_name": "",
            "notes": "",
            field: value,
        }
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
    good = {
        "check_date": "2026-11-29",
        "birth_date": "1995-05-17",
        "education": "college",
        "social_work_certificate": "none",
        "work_years": "2",
    }

    @PROPERTY
    @given(
        st.one_of(
            st.tuples(st.sampled_from(["check_date", "birth_date"]), bad_dates),
            st.tuples(st.just("work_years"), st.one_of(bad_money, st.sampled_from(["-0.5", "1000", "两年"]))),
        )
    )
    def check(bad):
        field, value = bad
        before = counts()
        response = page.get(reverse("staffing:recruitment_check"), {**good, field: value})
        assert chinese_error(response) and response.context["decision"] is None
        refused(api.post("/api/staffing/recruitment-check/", {**good, field: value}, format="json"), before)

    check()


# --------------------------------------------------------------------------- import
workbook = factories.import_upload


@pytest.mark.django_db
def test_an_import_with_one_bad_cell_imports_nothing(world, make, django_capture_on_commit_callbacks):
    good_ids = [make.id_number(serial=n) for n in (901, 902)]

    @settings(PROPERTY, max_examples=15)
    @given(
        column=st.sampled_from([1, 5, 6, 9]),
        value=st.one_of(bad_id_numbers(), bad_money, junk_text, st.integers(min_value=-(10**6), max_value=-1)),
    )
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
        # The check is a job too: its page lists the bad row in Chinese.
        dry_job = ImportJob.objects.order_by("-pk").first()
        assert dry.status_code == 302 and dry_job.dry_run and dry_job.error_count and CJK.search(str(dry_job.errors))
        with django_capture_on_commit_callbacks(execute=True):
            world["page"].post(reverse("households:import"), {"file": workbook([row_a, row_b]), "dry_run": ""})
        assert Member.objects.count() == members, f"column {column} = {value!r} imported"
        job = ImportJob.objects.order_by("-pk").first()
        assert job.status == "failed" and job.errors and CJK.search(str(job.errors))

    check()


# =========================================================================== every other form
# One parametrised property test over the forms that take user input, on the demo data
# (seeded once for the module, each example undone in a savepoint). Each form's fields are
# read from its class: a date gets impossible dates, a decimal bad money, an integer wrong
# numbers, a choice or a record an unknown value (all must be refused); a text huge strings
# (refused where the field has a maximum length), random and full-width text (may be kept).
# A refusal shows a Chinese message (the form again, or a message after the redirect) and
# saves nothing: the row counts of every table and the record edited stay the same.
FORM_EXAMPLES = 12
FORMS_PROPERTY = settings(
    max_examples=FORM_EXAMPLES, deadline=None, derandomize=True, database=None, suppress_health_check=list(HealthCheck)
)
MUST, MAY = "must", "may"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, seeded once for every form case and rolled back after the module."""
    from django.core.management import call_command
    from django.db import transaction

    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            # Module-scoped fixtures run before the per-test clock: seed on the test day too.
            with time_machine.travel(NOW, tick=True):
                call_command("seed_demo", force=True, stdout=io.StringIO())
            yield
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def all_counts() -> dict[str, int]:
    from django.apps import apps as django_apps

    return {
        m._meta.label: m._base_manager.count()
        for app in ("households", "caseworkers", "staffing", "jiuzhu")
        for m in django_apps.get_app_config(app).get_models()
    }


def as_post(obj, fields) -> dict:
    """A record's values as a form posts them: a valid filling of the form it was made with."""
    data = {}
    for name in fields:
        f = obj._meta.get_field(name)
        if f.many_to_many:
            data[name] = [o.pk for o in getattr(obj, name).all()]
            continue
        value = getattr(obj, f.attname)
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is None:
            data[name] = ""
        elif isinstance(value, datetime.date):
            data[name] = value.isoformat()
        else:
            data[name] = str(value)
    return data


def bad_values_for(field):
    """A strategy of (value, must it be refused) for one form field, read from its type; None
    for a field not fed here (booleans, files, hidden versions)."""
    from django import forms as dj

    def must(strategy):
        return strategy.map(lambda v: (v, True))

    if isinstance(field.widget, dj.HiddenInput) or isinstance(field, dj.BooleanField | dj.FileField):
        return None
    if isinstance(field, dj.DateField):
        return must(bad_dates)
    if isinstance(field, dj.DecimalField | dj.FloatField):
        return must(bad_money)
    if isinstance(field, dj.IntegerField):
        # Beyond any database's integer range: refused by the field's range check (PostgreSQL's
        # is 2**31, SQLite's 2**63; a value between the two is kept on SQLite, refused on PostgreSQL).
        return st.one_of(
            must(
                st.one_of(
                    st.sampled_from(["-1", "1.5", "两", "0x10", "1e3"]),
                    st.integers(min_value=10**19, max_value=10**30).map(str),
                    huge,
                )
            ),
            st.integers(min_value=10**10, max_value=10**18).map(lambda v: (str(v), False)),
            st.just(("１", False)),
        )  # a full-width digit is the digit (Python's int() reads it)
    if isinstance(field, dj.ModelChoiceField | dj.ModelMultipleChoiceField):
        return must(st.one_of(st.sampled_from(["999999999", "-1", "abc", "１２３４５６７８９"]), huge))
    if isinstance(field, dj.ChoiceField):
        known = {str(k) for k, _label in field.choices}
        return must(st.one_of(junk_text, huge).filter(lambda v: v.strip() not in known))
    if isinstance(field, dj.CharField):
        limit = field.max_length
        too_long = st.integers(min_value=(limit or 5_000) + 1, max_value=(limit or 5_000) + 3_000).map(
            lambda n: "九" * n
        )
        return st.one_of(
            too_long.map(lambda v: (v, limit is not None)),
            st.one_of(junk_text, junk_text.map(to_fullwidth)).map(lambda v: (v, False)),
        )
    return None


@dataclass
class FormCase:
    """One form: who posts it, where, a valid filling (from the demo data) and its form class."""

    user: str
    url: Callable[[], str]
    good: Callable[[], dict]
    form: type
    prefix: str = ""
    skip: tuple[str, ...] = ()
    record: Callable[[], object] | None = None  # the record the form edits, compared field by field
    baseline: bool = True  # the valid filling is taken (False: the demo has no record at that stage)
    strict: tuple[str, ...] = ()  # text fields with a format (codes, ID numbers): any bad text is refused


def _demo(model: str, **where):
    from django.apps import apps as django_apps

    return django_apps.get_model(model)._base_manager.filter(**where).order_by("pk").first()


def _own(model: str, lookup: str = "household__township__code", **where):
    found = _demo(model, **{lookup: "330402" if lookup.startswith("county") else "330402007"}, **where)
    assert found is not None, f"no {model} of 建设街道 in the demo data"
    return found


def _form_fields(form_class) -> list[str]:
    return [name for name, f in form_class.base_fields.items() if bad_values_for(f) is not None]


def _model_form_good(model: str, form_class, lookup="township__code", extra=None, **where):
    def good():
        obj = _own(model, lookup, **where)
        return {**as_post(obj, form_class._meta.fields), **(extra(obj) if extra else {})}

    return good


def _step(step: str, user: str, good: Callable[[], dict], baseline: bool = True, **where):
    """A step of the procedure, on the demo application of 建设街道 that is at that step."""
    from households.procedure.forms import STEP_FORMS

    def app():
        return _own("households.Application", **where)

    return FormCase(
        user,
        lambda: reverse("households:application_step", args=[app().pk, step]),
        lambda: {f"{step}-{k}": v for k, v in {"version": app().version, **good()}.items()},
        STEP_FORMS[step][1],
        prefix=f"{step}-",
        record=app,
        baseline=baseline,
    )


def form_cases() -> dict[str, FormCase]:
    from caseworkers import forms as cw
    from households.dossier import forms as hh
    from households.models import NeedDomain
    from households.plans import forms as plan_forms
    from households.procedure import forms as procedure_forms
    from households.review import forms as review_forms
    from jiuzhu.models import User
    from staffing import forms as sf
    from staffing.demo import credit_code
    from tests.factories import id_number

    def household():
        return _own("households.Household", "township__code")

    def plan(status="draft"):
        return _own("households.Plan", status=status)

    def task():
        return _own("households.ReviewTask", status="open")

    def record():
        """A review record awaiting the township's confirmation (the demo data has none)."""
        from households.models import ReviewRecord

        found = _demo("households.ReviewRecord", task__household__township__code="330402007", decision="pending")
        if found is None:
            t = task()
            found = ReviewRecord.objects.create(
                task=t,
                household=t.household,
                visited_on=t.created_on,
                outcome="keep",
                decision="pending",
                recorded_by=User.objects.get(username="demo-caseworker"),
            )
        return found

    def new_caseworker_user():
        from jiuzhu.models import Area, Role

        user, _created = User.objects.get_or_create(
            username="bad-input-caseworker",
            defaults={"role": Role.CASEWORKER, "area": Area.objects.get(code="330402007")},
        )
        return user.pk

    today = timezone.localdate().isoformat()
    return {
        "household_create": FormCase(
            "demo-township",
            lambda: reverse("households:create"),
            lambda: {
                "township": household().township_id,
                "address": "南湖路9号",
                "risk_level": "low",
                "registered_on": today,
            },
            hh.HouseholdForm,
        ),
        "assessment": FormCase(
            "demo-township",
            lambda: reverse("households:assessment_new", args=[household().pk]),
            lambda: {"assessed_on": today, "summary": "", **{f"level_{d}": "none" for d in NeedDomain.values}},
            hh.AssessmentForm,
        ),
        "application_create": FormCase(
            "demo-township",
            lambda: reverse("households:application_create"),
            # Temporary aid may recur: the demo household's other help does not refuse it.
            lambda: {"household": household().pk, "category": "temporary", "note": ""},
            procedure_forms.ApplicationCreateForm,
        ),
        "step_submit": _step("submit", "demo-caseworker", lambda: {"received_on": today}, status="draft"),
        "step_start_investigation": _step(
            "start-investigation", "demo-township", lambda: {"on": today}, status="submitted", urgent=False
        ),
        "step_record_investigation": _step(
            "record-investigation",
            "demo-township",
            lambda: {"survey_visited_on": today, "authorisation_signed_on": today, "verification_requested_on": today},
            status="investigating",
        ),
        "step_mark_urgent": _step(
            "mark-urgent", "demo-township", lambda: {"urgent_reason": "火灾"}, status="submitted", urgent=False
        ),
        # No demo application has its investigation done and no notice yet: the form's own checks only.
        "step_start_notice": _step(
            "start-notice",
            "demo-township",
            lambda: {"notice_start": today, "notice_end": today, "notice_place": "村务公开栏"},
            baseline=False,
            status="investigating",
        ),
        "step_record_objection": _step(
            "record-objection",
            "demo-township",
            lambda: {"received_on": today, "raised_by": "村民", "content": "收入不实"},
            status="notice",
        ),
        "step_close_notice": _step(
            "close-notice", "demo-township", lambda: {"closed_on": today}, baseline=False, status="notice"
        ),
        "step_decide": _step(
            "decide",
            "demo-county",
            lambda: {"decision": "approve", "category": "", "monthly_amount": "", "decision_no": "南民2026-1"},
            status="under_review",
        ),
        "step_deliver": _step(
            "deliver",
            "demo-township",
            lambda: {"delivered_on": today, "note": "当面送达"},
            status="approved",
            delivered_on__isnull=True,
        ),
        "plan_create": FormCase(
            "demo-caseworker",
            lambda: reverse("households:plan_new"),
            lambda: {"assessment": _own("households.Assessment").pk, "summary": ""},
            plan_forms.PlanNewForm,
        ),
        "plan_edit": FormCase(
            "demo-caseworker",
            lambda: reverse("households:plan_edit", args=[plan().pk]),
            _model_form_good("households.Plan", plan_forms.PlanEditForm, "household__township__code", status="draft"),
            plan_forms.PlanEditForm,
            record=plan,
        ),
        "plan_action": FormCase(
            "demo-caseworker",
            lambda: reverse("households:plan_action_add", args=[plan().pk]),
            lambda: {
                "goal": plan().goals.order_by("pk").first().pk,
                "kind": "case_work",
                "description": "上门探访",
                "responsible": _demo("jiuzhu.User", username="demo-caseworker").pk,
                "due_on": "2026-12-20",
                "resource_name": "",
            },
            plan_forms.ActionForm,
        ),
        "plan_review": FormCase(
            "demo-caseworker",
            lambda: reverse("households:plan_review_add", args=[plan("active").pk]),
            lambda: {"reviewed_on": today, "summary": "", "next_review_on": "2027-02-20"},
            plan_forms.ReviewForm,
        ),
        "change_report": FormCase(
            "demo-caseworker",
            lambda: reverse("households:change_report_create"),
            lambda: {
                "dossier_no": household().dossier_no,
                "kind": "income",
                "date": today,
                "source": "邻居",
                "description": "家中一人就业",
            },
            review_forms.ChangeReportForm,
        ),
        "review_record": FormCase(
            "demo-caseworker",
            lambda: reverse("households:review_task_detail", args=[task().pk]),
            lambda: {"visited_on": today, "outcome": "keep", "note": "", "version": task().version},
            review_forms.ReviewRecordForm,
            record=task,
        ),
        "review_decide": FormCase(
            "demo-township",
            lambda: reverse("households:review_decide", args=[record().pk]),
            lambda: {"confirm": "1", "decision_note": ""},
            review_forms.DecisionForm,
            record=record,
        ),
        "referral": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:referral_new"),
            _model_form_good("caseworkers.Referral", cw.ReferralForm, "household__township__code"),
            cw.ReferralForm,
        ),
        "service": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:service_new"),
            _model_form_good("caseworkers.ServiceRecord", cw.ServiceForm),
            cw.ServiceForm,
        ),
        "publicity": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:publicity_new"),
            _model_form_good("caseworkers.PublicityActivity", cw.PublicityForm),
            cw.PublicityForm,
        ),
        "feedback": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:feedback_new"),
            _model_form_good("caseworkers.PolicyFeedback", cw.FeedbackForm),
            cw.FeedbackForm,
        ),
        "volunteer": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:volunteer_new"),
            _model_form_good(
                "caseworkers.Volunteer", cw.VolunteerForm, extra=lambda v: {"registration_no": f"{v.registration_no}-2"}
            ),
            cw.VolunteerForm,
        ),
        "training": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:training_new"),
            _model_form_good("caseworkers.Training", cw.TrainingForm),
            cw.TrainingForm,
        ),
        "typical_case": FormCase(
            "demo-caseworker",
            lambda: reverse("caseworkers:case_new"),
            lambda: {"title": "帮扶纪实", "domain": "living", "body": "（已匿名）", "anonymised": "on"},
            cw.CaseForm,
        ),
        "organization": FormCase(
            "demo-county",
            lambda: reverse("staffing:create", args=["organizations"]),
            _model_form_good(
                "staffing.SocialOrganization",
                sf.OrganizationForm,
                "county__code",
                extra=lambda o: {"credit_code": credit_code(o.credit_code[:11], 42), "name": o.name + "二"},
            ),
            sf.OrganizationForm,
            strict=("credit_code",),
        ),
        "service_contract": FormCase(
            "demo-county",
            lambda: reverse("staffing:create", args=["contracts"]),
            _model_form_good(
                "staffing.ServiceContract",
                sf.ServiceContractForm,
                extra=lambda c: {"contract_no": f"{c.contract_no}-2"},
            ),
            sf.ServiceContractForm,
        ),
        "employment_contract": FormCase(
            "demo-county",
            lambda: reverse("staffing:create", args=["employment"]),
            _model_form_good("staffing.EmploymentContract", sf.EmploymentContractForm, "caseworker__township__code"),
            sf.EmploymentContractForm,
        ),
        "appraisal": FormCase(
            "demo-county",
            lambda: reverse("staffing:create", args=["appraisals"]),
            _model_form_good(
                "staffing.Appraisal", sf.AppraisalForm, "caseworker__township__code", extra=lambda a: {"year": "2019"}
            ),
            sf.AppraisalForm,
        ),
        "transfer": FormCase(
            "demo-finance",
            lambda: reverse("staffing:create", args=["transfers"]),
            _model_form_good("staffing.TransferPayment", sf.TransferForm, extra=lambda t: {"year": "2019"}),
            sf.TransferForm,
        ),
        "caseworker_profile": FormCase(
            "demo-county",
            lambda: reverse("staffing:caseworker_new"),
            _model_form_good(
                "staffing.Caseworker",
                sf.CaseworkerForm,
                extra=lambda c: {"user": new_caseworker_user(), "id_number": id_number(serial=777)},
            ),
            sf.CaseworkerForm,
            strict=("id_number",),
        ),
    }


FORM_CASES = form_cases  # built inside the test: the forms import the apps' models


def refusal_texts(client, response) -> list[str]:
    """The Chinese refusal shown: the form again with its errors, or the error messages shown
    after the redirect (read once: a message is shown once)."""
    if response.status_code == 302:
        body = client.get(response["Location"]).content.decode()
        found = re.findall(r'<li class="msg msg-[^"]*error[^"]*">(.*?)</li>', body, re.S)
    elif response.status_code in (200, 400):
        found = re.findall(
            r'class="(?:error|errorlist|errorbox)[^"]*"[^>]*>(.*?)</(?:p|ul|div)>', response.content.decode(), re.S
        )
    else:
        found = []
    return [re.sub(r"<[^>]+>", " ", t).strip()[:200] for t in found if CJK.search(t)]


def record_values(case: FormCase):
    if case.record is None:
        return None
    obj = case.record()
    return type(obj)._base_manager.filter(pk=obj.pk).values().get()


FORM_NAMES = (
    "household_create",
    "assessment",
    "application_create",
    "step_submit",
    "step_start_investigation",
    "step_record_investigation",
    "step_mark_urgent",
    "step_start_notice",
    "step_record_objection",
    "step_close_notice",
    "step_decide",
    "step_deliver",
    "plan_create",
    "plan_edit",
    "plan_action",
    "plan_review",
    "change_report",
    "review_record",
    "review_decide",
    "referral",
    "service",
    "publicity",
    "feedback",
    "volunteer",
    "training",
    "typical_case",
    "organization",
    "service_contract",
    "employment_contract",
    "appraisal",
    "transfer",
    "caseworker_profile",
)


@pytest.mark.django_db
@pytest.mark.parametrize("name", FORM_NAMES)
def test_form_refuses_bad_input_with_a_chinese_message_and_saves_nothing(demo, name):
    from django.db import transaction

    from jiuzhu.models import User

    case = form_cases()[name]
    client = Client()
    client.force_login(User.objects.get(username=case.user))
    url = case.url()
    fields = [f for f in _form_fields(case.form) if f not in case.skip]
    assert fields, name

    def post(data):
        with transaction.atomic():
            before, record = all_counts(), record_values(case)
            response = client.post(url, data)
            assert response.status_code < 500, (name, response.status_code)
            shown = refusal_texts(client, response)
            unchanged = all_counts() == before and record_values(case) == record
            transaction.set_rollback(True)
        return response, shown, unchanged

    # The valid filling is taken: otherwise every bad value below would be refused for nothing.
    response, shown, unchanged = post(case.good())
    if case.baseline:
        assert not shown and not unchanged, (name, "the valid filling was refused", response.status_code, shown)

    @FORMS_PROPERTY
    @given(st.sampled_from(fields).flatmap(lambda f: st.tuples(st.just(f), bad_values_for(case.form.base_fields[f]))))
    def check(bad):
        field, (value, must_refuse) = bad
        must_refuse = must_refuse or field in case.strict
        response, shown, unchanged = post({**case.good(), f"{case.prefix}{field}": value})
        if must_refuse:
            assert shown and unchanged, (name, field, value[:80], response.status_code, shown, unchanged)
            assert response.status_code in (200, 302, 400), (name, field, value[:80], response.status_code)
        elif shown:
            assert unchanged, (name, field, value[:80], "refused yet saved")

    check()

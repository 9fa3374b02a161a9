"""A fact's date is never in the future: one rule (rules.dates), asked by every service."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest

from caseworkers import services as cw_services
from households.dossier import services
from households.models import Household, Verification
from households.plans import services as plan_services
from households.rules.dates import fact_date_reason
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
TOMORROW = TODAY + datetime.timedelta(days=1)


def test_the_rule_allows_today_and_refuses_tomorrow_and_before_registration():
    assert fact_date_reason(TODAY, today=TODAY) is None
    assert fact_date_reason(TOMORROW, today=TODAY).code == "date.future"
    assert (
        fact_date_reason(datetime.date(2026, 1, 1), today=TODAY, not_before=datetime.date(2026, 2, 1)).code
        == "date.before_registration"
    )
    assert fact_date_reason(None, today=TODAY) is None


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


def _refused(call, field: str) -> str:
    with pytest.raises(RuleViolation) as error:
        call()
    assert error.value.field == field
    return error.value.messages()[0]


def test_a_household_registered_tomorrow_is_refused_in_chinese(make, worker):
    message = _refused(
        lambda: services.household_create(
            actor=worker, township=make.area("330402007"), registered_on=TOMORROW, address="中山路1号"
        ),
        "registered_on",
    )
    assert message == "日期不能晚于今天。" and not Household.objects.exists()


def test_a_future_verification_changes_nothing(make, worker):
    make.policy_row("330402", 2026, "1200.00")
    household = make.household(members=2)
    review_on = Household.objects.get(pk=household.pk).next_review_on
    _refused(
        lambda: services.verification_record(
            actor=worker, household=household, verified_on=TOMORROW, source="township", income_wages=Decimal("500")
        ),
        "verified_on",
    )
    assert not Verification.objects.exists()
    assert Household.objects.get(pk=household.pk).next_review_on == review_on


def test_a_future_assessment_and_a_future_plan_consent_are_refused(make, worker):
    household = make.household(members=1)
    _refused(
        lambda: services.assessment_record(
            actor=worker, household=household, assessed_on=TOMORROW, ratings={"medical": "high"}
        ),
        "assessed_on",
    )
    assessment = services.assessment_record(
        actor=worker, household=household, assessed_on=TODAY, ratings={"medical": "high"}
    )
    plan = plan_services.plan_create_from_assessment(actor=worker, assessment=assessment)
    _refused(lambda: plan_services.plan_update(actor=worker, plan=plan, agreed_on=TOMORROW), "agreed_on")
    plan_services.plan_update(actor=worker, plan=plan, agreed_on=TODAY)


def test_future_volunteers_and_trainings_are_refused(make, worker):
    _refused(lambda: cw_services.volunteer_create(actor=worker, name="志愿者", registered_on=TOMORROW), "registered_on")
    _refused(
        lambda: cw_services.training_create(
            actor=worker, title="政策", audience="volunteers", topic="policy", held_on=TOMORROW, hours=Decimal("2")
        ),
        "held_on",
    )
    assert cw_services.volunteer_create(actor=worker, name="志愿者", registered_on=TODAY).pk


def test_the_survey_form_says_the_future_date_with_its_other_errors(make, login):
    household = make.household(members=1)
    user = make.user(Role.CASEWORKER, "330402007")
    response = login(user).post(f"/households/{household.pk}/surveys/new/", {"visited_on": TOMORROW.isoformat()})
    form = response.context["form"]
    assert form.errors["visited_on"] == ["日期不能晚于今天。"] and len(form.errors) > 1

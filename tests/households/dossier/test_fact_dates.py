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
    assert message == "日期2026-11-30晚于今天（2026-11-29），不能记录尚未发生的事。" and not Household.objects.exists()


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
    assert (
        form.errors["visited_on"] == ["日期2026-11-30晚于今天（2026-11-29），不能记录尚未发生的事。"]
        and len(form.errors) > 1
    )


def test_a_verification_before_the_registration_date_is_refused_naming_both_dates(make, worker):
    make.policy_row("330402", 2026, "1200.00")
    household = make.household(members=1, registered_on=datetime.date(2026, 3, 1))
    message = _refused(
        lambda: services.verification_record(
            actor=worker,
            household=household,
            verified_on=datetime.date(2026, 2, 28),
            source="township",
            income_wages=Decimal("500"),
        ),
        "verified_on",
    )
    assert message == "日期2026-02-28早于本户的建档日期（2026-03-01）。"
    assert not Verification.objects.exists()


def test_a_service_record_and_a_referral_before_registration_are_refused(make, worker):
    from tests.caseworkers.helpers import service

    household = make.household(members=1, registered_on=datetime.date(2026, 3, 1))
    _refused(lambda: service(worker, [household], held_on=datetime.date(2026, 2, 1)), "held_on")
    _refused(
        lambda: service(worker, [household], held_on=TODAY, follow_up_on=TODAY - datetime.timedelta(days=1)),
        "follow_up_on",
    )


def test_the_registration_date_is_corrected_on_the_edit_page_within_its_bounds(make, worker, login):
    household = make.household(members=1, registered_on=datetime.date(2026, 3, 1))
    services.assessment_record(
        actor=worker, household=household, assessed_on=datetime.date(2026, 5, 1), ratings={"care": "high"}
    )
    client = login(worker)
    post = {"address": "甲", "phone": "", "risk_level": "low", "income_stable": "on", "version": household.version}
    refused = client.post(f"/households/{household.pk}/edit/", {**post, "registered_on": "2026-06-01"})
    assert refused.context["form"].errors["registered_on"] == [
        "建档日期2026-06-01晚于档案中最早的记录日期（2026-05-01）。"
    ]
    saved = client.post(f"/households/{household.pk}/edit/", {**post, "registered_on": "2026-04-01"})
    assert saved.status_code == 302
    assert Household.objects.get(pk=household.pk).registered_on == datetime.date(2026, 4, 1)
    from jiuzhu.models import AuditEvent

    event = AuditEvent.objects.filter(target_id=str(household.pk), action="update").latest("pk")
    assert event.changes["registered_on"] == ["2026-03-01", "2026-04-01"]


def test_the_assessment_form_has_no_default_level_and_names_each_unrated_domain(make, worker, login):
    household = make.household(members=1)
    client = login(worker)
    page = client.get(f"/households/{household.pk}/assessments/new/")
    assert page.context["form"]["level_care"].value() in (None, "")
    post = {"assessed_on": TODAY.isoformat(), "level_care": "high"}
    refused = client.post(f"/households/{household.pk}/assessments/new/", post)
    errors = refused.context["form"].errors
    assert errors["level_medical"] == ["请选择“医疗”的需求程度。"] and "level_care" not in errors
    assert not household.assessments.exists()

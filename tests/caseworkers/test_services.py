import datetime
from decimal import Decimal

import pytest

from caseworkers import services
from caseworkers.models import (
    CaseStatus,
    Referral,
    ReferralStatus,
    ServiceRecord,
    TypicalCase,
    Volunteer,
)
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditEvent, Role
from tests.caseworkers.helpers import referral, resource, service
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_referral_goes_sent_accepted_done_with_an_audit_row_per_step(make, cw):
    r = referral(cw, make.household("330402007"), follow_up_on=TODAY)
    services.referral_transition(actor=cw, referral=r, target="accepted", today=TODAY)
    services.referral_transition(actor=cw, referral=r, target="done", today=TODAY)
    r.refresh_from_db()
    assert (r.status, r.accepted_on, r.closed_on, r.follow_up_on) == (ReferralStatus.DONE, TODAY, TODAY, None)
    assert AuditEvent.objects.filter(target_type="caseworkers.referral", action="transition").count() == 2


def test_referral_failure_needs_a_reason_and_is_final(make, cw):
    r = referral(cw, make.household("330402007"))
    with pytest.raises(RuleViolation):
        services.referral_transition(actor=cw, referral=r, target="failed", reason="")
    services.referral_transition(actor=cw, referral=r, target="failed", reason="名额已满")
    with pytest.raises(RuleViolation):
        services.referral_transition(actor=cw, referral=Referral.objects.get(pk=r.pk), target="accepted")
    assert Referral.objects.get(pk=r.pk).failure_reason == "名额已满"


def test_referral_cannot_skip_acceptance(make, cw):
    r = referral(cw, make.household("330402007"))
    with pytest.raises(RuleViolation):
        services.referral_transition(actor=cw, referral=r, target="done")
    assert Referral.objects.get(pk=r.pk).status == ReferralStatus.SENT


def test_resource_of_another_county_cannot_be_used(make, cw):
    other = make.user(Role.CASEWORKER, "330411002")
    foreign = resource(other, "330411002")
    with pytest.raises(RuleViolation):
        referral(cw, make.household("330402007"), res=foreign)


def test_resources_are_visible_along_the_area_chain(make, cw):
    from caseworkers.models import Resource

    city = resource(make.user(Role.CITY_CIVIL, "330400"), "330400", "city")
    county = resource(make.user(Role.COUNTY_CIVIL, "330402"), "330402", "county")
    own = resource(cw, "330402007", "own")
    neighbour = resource(make.user(Role.CASEWORKER, "330402008"), "330402008", "neighbour")
    other_county = resource(make.user(Role.COUNTY_CIVIL, "330411"), "330411", "xiuzhou")
    assert set(Resource.objects.in_scope(cw)) == {city, county, own}
    assert set(Resource.objects.in_scope(make.user(Role.COUNTY_CIVIL, "330402"))) == {city, county, own, neighbour}
    assert other_county in Resource.objects.in_scope(make.user(Role.CITY_CIVIL, "330400"))


def test_case_work_serves_one_household_group_work_many(make, cw):
    a, b = make.household("330402007"), make.household("330402007")
    with pytest.raises(RuleViolation):
        service(cw, [a, b], method="case")
    group = service(cw, [a, b], method="group")
    assert set(group.households.all()) == {a, b}
    with pytest.raises(RuleViolation):
        service(cw, [make.household("330402008")])
    assert ServiceRecord.objects.count() == 1


def test_training_adds_hours_to_each_volunteer_present(make, cw):
    v = services.volunteer_create(actor=cw, name="志愿者", registered_on=TODAY)
    services.training_create(
        actor=cw,
        title="政策",
        audience="volunteers",
        topic="policy",
        held_on=TODAY,
        hours=Decimal("2.5"),
        volunteers_present=[v],
        caseworkers_present=[cw],
    )
    assert Volunteer.objects.get(pk=v.pk).training_hours == Decimal("2.5")
    assert cw.trainings.get().title == "政策"


def test_typical_case_approved_by_the_county_becomes_readable_by_everyone(make, cw):
    case = services.case_create(actor=cw, title="案例", domain="employment", body="匿名")
    finance = make.user(Role.CITY_FINANCE, "330400")
    stranger = make.user(Role.CASEWORKER, "330411002")
    assert not TypicalCase.objects.in_scope(stranger).exists()
    with pytest.raises(RuleViolation):
        services.case_transition(actor=cw, case=case, target="submitted", anonymised=False)
    services.case_transition(actor=cw, case=case, target="submitted", anonymised=True)
    county = make.user(Role.COUNTY_CIVIL, "330402")
    services.case_transition(actor=county, case=case, target="approved", today=TODAY)
    assert case.status == CaseStatus.APPROVED and case.approved_by == county
    assert list(TypicalCase.objects.in_scope(stranger)) == [case]
    assert list(TypicalCase.objects.in_scope(finance)) == [case]


def test_administrators_see_draft_typical_cases_too(make, cw):
    """An administrator's scope is unrestricted: OR-ing it with "approved" must not narrow it
    to the approved cases (Q(x) | Q() is Q(x))."""
    draft = services.case_create(actor=cw, title="案例", domain="employment", body="匿名")
    admin = make.user(Role.ADMIN, None)
    assert list(TypicalCase.objects.in_scope(admin)) == [draft]


def test_policy_feedback_response_is_recorded_once(make, cw):
    fb = services.feedback_create(actor=cw, kind="problem", title="t", body="b")
    county = make.user(Role.COUNTY_CIVIL, "330402")
    services.feedback_respond(actor=county, feedback=fb, response="已研究", today=TODAY)
    assert (fb.status, fb.responded_by) == ("answered", county)
    with pytest.raises(RuleViolation):
        services.feedback_respond(actor=county, feedback=fb, response="again")


def test_volunteer_assignment_needs_a_household_or_activity_and_records_hours(make, cw):
    v = services.volunteer_create(actor=cw, name="志愿者", registered_on=TODAY)
    with pytest.raises(RuleViolation):
        services.assignment_create(actor=cw, volunteer=v, task="陪伴")
    a = services.assignment_create(
        actor=cw,
        volunteer=v,
        task="陪伴",
        household=make.household("330402007"),
        due_on=TODAY + datetime.timedelta(days=3),
    )
    services.assignment_complete(actor=cw, assignment=a, hours=Decimal(3))
    assert a.done and a.hours == Decimal(3)

"""A household's status on the register follows its enrolments; officers may exit or re-register by hand."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households import rules
from households.dossier import services
from households.models import Enrolment, Household, ReviewTask
from households.review import nightly as review_pass
from households.review import services as review_services
from households.rules.status import EXITED, ON_REGISTER, PENDING
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction, AuditEvent, Role
from tests.clock import TODAY
from tests.households.procedure import procedure_support as proc
from tests.households.review.review_support import enrol, verification

# --- the rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "current,statuses,expected",
    [
        (PENDING, [], PENDING),  # nothing ever decided: still to be verified
        (PENDING, ["active"], ON_REGISTER),
        (EXITED, ["ended", "gradual_exit"], ON_REGISTER),  # a gradual exit still pays
        (ON_REGISTER, ["ended"], EXITED),
        (ON_REGISTER, ["ended", "ended"], EXITED),
        (ON_REGISTER, ["ended", "suspended"], ON_REGISTER),  # suspended: neither in force nor ended
        (PENDING, ["ended"], PENDING),  # re-registered by hand after the old enrolments ended
        (ON_REGISTER, [], ON_REGISTER),  # a status set without enrolments (legacy) is left alone
    ],
)
def test_status_follows_the_enrolments(current, statuses, expected):
    assert rules.household_status(current=current, enrolment_statuses=statuses) == expected


def test_an_exit_by_hand_needs_nothing_in_force_and_a_reason():
    assert rules.manual_status_change(current=ON_REGISTER, to=EXITED, in_force=False, reason="迁出本市").allowed
    refused = rules.manual_status_change(current=ON_REGISTER, to=EXITED, in_force=True, reason="迁出本市")
    assert [r.code for r in refused.reasons] == ["assistance_in_force"]
    assert [
        r.code for r in rules.manual_status_change(current=PENDING, to=EXITED, in_force=False, reason=" ").reasons
    ] == ["reason_required"]


def test_only_an_exited_household_is_registered_again_and_never_put_on_the_register_by_hand():
    assert rules.manual_status_change(current=EXITED, to=PENDING, in_force=False, reason="重新申请").allowed
    assert not rules.manual_status_change(current=ON_REGISTER, to=PENDING, in_force=False, reason="x").allowed
    assert [
        r.code for r in rules.manual_status_change(current=EXITED, to=ON_REGISTER, in_force=False, reason="x").reasons
    ] == ["not_by_hand"]


# --- the services -----------------------------------------------------------------------


@pytest.fixture
def p(db, make):
    make.policy_row("330400", 2026, "1200.00")
    return proc.people()


@pytest.mark.django_db
def test_an_approved_application_puts_the_household_on_the_register_audited(p):
    app = proc.advance(p, proc.draft(p), "approved")
    household = Household.objects.get(pk=app.household_id)
    assert household.status == "active"
    event = AuditEvent.objects.get(
        target_type="households.household", target_id=str(household.pk), action=AuditAction.TRANSITION
    )
    assert event.changes == {"status": ["pending", "active"]} and event.actor == p.county
    assert "在册" in event.summary or "On register" in event.summary


@pytest.mark.django_db
def test_a_refused_application_leaves_the_household_to_be_verified(p):
    app = proc.advance(p, proc.draft(p), "under_review")
    proc.services.application_decide(actor=p.county, application=app, approve=False, on=proc.DECIDED, reason="收入超标")
    assert Household.objects.get(pk=app.household_id).status == "pending"


@pytest.fixture
def exiting(make):
    """An on-register household whose income is above the line (no new work: no gradual exit)."""
    make.policy_row("330400", 2026, "1200.00")
    caseworker = make.user(Role.CASEWORKER, "330402007")
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household("330402007", members=1, status="active")
    dibao = enrol(household, "dibao", amount="500.00")
    verification(household, per_capita="3000.00", verified_on=datetime.date(2026, 11, 1))
    review_pass.run_review(run_on=TODAY)
    task = ReviewTask.objects.get(household=household, reason="exit_candidate")
    return {"caseworker": caseworker, "officer": officer, "household": household, "dibao": dibao, "task": task}


def _confirm_exit(world):
    record = review_services.review_record(
        actor=world["caseworker"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入超过标准",
        today=TODAY,
    )
    review_services.review_decide(actor=world["officer"], record=record, confirm=True, today=TODAY)


@pytest.mark.django_db
def test_ending_the_last_enrolment_in_a_review_exits_the_household(exiting):
    _confirm_exit(exiting)
    exiting["dibao"].refresh_from_db()
    assert exiting["dibao"].status == "ended"
    assert Household.objects.get(pk=exiting["household"].pk).status == "exited"
    event = AuditEvent.objects.get(
        target_id=str(exiting["household"].pk), target_type="households.household", action=AuditAction.TRANSITION
    )
    assert event.changes == {"status": ["active", "exited"]} and event.actor == exiting["officer"]


@pytest.mark.django_db
def test_ending_one_enrolment_while_another_is_in_force_keeps_the_household_on_the_register(exiting):
    enrol(exiting["household"], "medical")
    _confirm_exit(exiting)
    assert Household.objects.get(pk=exiting["household"].pk).status == "active"


@pytest.mark.django_db
def test_refresh_is_set_based_and_counts_only_the_changed_households(make, django_assert_num_queries):
    households = [make.household(members=0) for _ in range(3)]
    for h in households[:2]:
        enrol(h, "dibao")
    unchanged = make.household(members=0, status="active")
    ids = [h.pk for h in households] + [unchanged.pk]
    # savepoint; households (locked); enrolment statuses; one UPDATE and one audit insert
    # for the one kind of change; release savepoint
    with django_assert_num_queries(6):
        assert services.refresh_household_status(ids) == 2
    assert sorted(Household.objects.filter(status="active").values_list("pk", flat=True)) == sorted(
        [households[0].pk, households[1].pk, unchanged.pk]
    )
    assert services.refresh_household_status(ids) == 0


@pytest.mark.django_db
def test_the_dashboards_count_an_approved_household_as_on_the_register(p, login):
    client = login(p.county)

    def on_register() -> int:
        from django.core.cache import cache

        cache.clear()
        households = next(panel for panel in client.get("/dashboards/").context["panels"] if panel.key == "households")
        return households.data.value(None, "active_households")

    before = on_register()
    proc.advance(p, proc.draft(p), "approved")
    assert on_register() == before + 1


# --- status by hand ---------------------------------------------------------------------


@pytest.mark.django_db
def test_an_officer_exits_a_household_with_nothing_in_force_and_registers_it_again(make):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household(members=1, status="active")
    services.household_status_set(actor=officer, household=household, to="exited", reason="全户迁出本市")
    assert Household.objects.get(pk=household.pk).status == "exited"
    event = AuditEvent.objects.filter(target_id=str(household.pk), action=AuditAction.TRANSITION).get()
    assert event.changes["status"] == ["active", "exited"] and event.summary == "全户迁出本市"
    services.household_status_set(actor=officer, household=household, to="pending", reason="重新申请")
    assert Household.objects.get(pk=household.pk).status == "pending"


@pytest.mark.django_db
def test_an_exit_by_hand_with_assistance_in_force_is_refused_in_chinese(make):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household(members=1, status="active")
    enrol(household, "dibao")
    with pytest.raises(RuleViolation) as error:
        services.household_status_set(actor=officer, household=household, to="exited", reason="迁出")
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "救助" in error.value.messages()[0]
    assert Household.objects.get(pk=household.pk).status == "active"
    assert Enrolment.objects.filter(household=household, status="active").exists()


@pytest.mark.django_db
def test_a_suspended_enrolment_also_blocks_an_exit_by_hand(make):
    # Suspended is not ended: a decision resumes or ends it; the household cannot exit around it.
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household(members=1, status="active")
    enrol(household, "dibao", status="suspended")
    with pytest.raises(RuleViolation):
        services.household_status_set(actor=officer, household=household, to="exited", reason="迁出")
    assert Household.objects.get(pk=household.pk).status == "active"


@pytest.mark.django_db
def test_the_status_page_lets_the_township_officer_exit_the_household(make, login):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household(members=1, status="active")
    client = login(officer)
    url = reverse("households:status", args=[household.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "exited", "reason": "全户迁出本市", "version": household.version})
    assert response.status_code == 302
    assert Household.objects.get(pk=household.pk).status == "exited"


@pytest.mark.django_db
def test_the_status_page_shows_the_refusal_next_to_the_field_and_saves_nothing(make, login):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household(members=1, status="active")
    enrol(household, "dibao")
    response = login(officer).post(
        reverse("households:status", args=[household.pk]),
        {"status": "exited", "reason": "迁出", "version": household.version},
    )
    assert response.status_code == 200 and response.context["form"].errors["status"]
    assert Household.objects.get(pk=household.pk).status == "active"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role,area,code",
    [
        (Role.CASEWORKER, "330402007", 403),
        (Role.COUNTY_CIVIL, "330402", 403),
        (Role.TOWNSHIP_OFFICER, "330402008", 404),
    ],
)
def test_the_status_page_is_for_the_households_township_officer_only(make, login, role, area, code):
    household = make.household(members=1, status="active")
    response = login(make.user(role, area)).post(
        reverse("households:status", args=[household.pk]),
        {"status": "exited", "reason": "迁出", "version": household.version},
    )
    assert response.status_code == code
    assert Household.objects.get(pk=household.pk).status == "active"


@pytest.mark.django_db
def test_the_status_api_action_exits_and_another_township_gets_404(make):
    household = make.household(members=1, status="active")
    client = APIClient()
    client.force_authenticate(make.user(Role.TOWNSHIP_OFFICER, "330402008"))
    url = f"/api/households/{household.pk}/status/"
    assert client.post(url, {"status": "exited", "reason": "迁出"}, format="json").status_code == 404
    client.force_authenticate(make.user(Role.CASEWORKER, "330402007"))
    assert client.post(url, {"status": "exited", "reason": "迁出"}, format="json").status_code == 403
    client.force_authenticate(make.user(Role.TOWNSHIP_OFFICER, "330402007"))
    response = client.post(url, {"status": "exited", "reason": ""}, format="json")
    assert response.status_code == 400 and response.json()["status"]
    response = client.post(url, {"status": "exited", "reason": "迁出"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "exited"

"""A membership ends for a reason other than a move: kept in the file, the person free to join any household."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households.dossier import services
from households.models import Household, Member, Relation
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction, AuditEvent, Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_the_leave_page_ends_the_membership_keeps_the_row_and_audits(make, login, worker):
    household = make.household(members=2)
    head = household.members.get(relation_to_head=Relation.HEAD)
    client = login(worker)
    url = reverse("households:member_leave", args=[household.pk, head.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"reason": "death", "left_on": "2026-11-29", "note": "病故", "version": head.version})
    assert response.status_code == 302
    head.refresh_from_db()
    assert (head.active, head.left_on, head.left_reason) == (False, datetime.date(2026, 11, 29), "death")
    household.refresh_from_db()
    assert household.member_count == 1 and household.head_id is None
    assert Member.objects.filter(pk=head.pk).exists()  # history kept
    event = AuditEvent.objects.get(
        target_type="households.member", target_id=str(head.pk), action=AuditAction.TRANSITION
    )
    assert event.changes["active"] == [True, False] and "病故" in event.summary
    assert "2026-11-29" in client.get(reverse("households:detail", args=[household.pk])).content.decode()


def test_a_person_who_left_can_join_a_household_of_another_county(make, worker):
    number = make.id_number()
    household = make.household(members=0)
    member = make.member(household, id_no=number, relation_to_head=Relation.HEAD)
    services.member_leave(actor=worker, member=member, reason="married_out", today=TODAY)
    elsewhere = make.household("330411002", members=0)
    joined = make.member(elsewhere, id_no=number, relation_to_head=Relation.SPOUSE)
    assert joined.active and Member.objects.filter(id_number_digest=member.id_number_digest).count() == 2


def test_leaving_twice_in_the_future_or_without_a_known_reason_is_refused(make, worker):
    household = make.household(members=1)
    member = household.members.get()
    for kwargs, field in [
        ({"reason": "eloped"}, "reason"),
        ({"reason": "death", "on": TODAY + datetime.timedelta(days=1)}, "left_on"),
    ]:
        with pytest.raises(RuleViolation) as error:
            services.member_leave(actor=worker, member=member, today=TODAY, **kwargs)
        assert error.value.field == field
    services.member_leave(actor=worker, member=member, reason="moved_away", today=TODAY)
    with pytest.raises(RuleViolation):
        services.member_leave(actor=worker, member=member, reason="death", today=TODAY)
    assert Household.objects.get(pk=household.pk).member_count == 0


def test_a_stale_leave_form_is_refused(make, login, worker):
    household = make.household(members=1)
    member = household.members.get()
    response = login(worker).post(
        reverse("households:member_leave", args=[household.pk, member.pk]),
        {"reason": "death", "left_on": "2026-11-29", "version": member.version - 1},
    )
    assert response.status_code == 200 and response.context["form"].errors["version"]
    assert Member.objects.get(pk=member.pk).active


@pytest.mark.parametrize("role,area,code", [(Role.CASEWORKER, "330402008", 404), (Role.COUNTY_CIVIL, "330402", 403)])
def test_the_leave_page_is_out_of_reach_of_other_areas_and_readers(make, login, role, area, code):
    household = make.household(members=1)
    member = household.members.get()
    response = login(make.user(role, area)).post(
        reverse("households:member_leave", args=[household.pk, member.pk]), {"reason": "death", "left_on": "2026-11-29"}
    )
    assert response.status_code == code and Member.objects.get(pk=member.pk).active


def test_the_leave_api_action_ends_the_membership_and_is_scoped(make, worker):
    household = make.household(members=1)
    member = household.members.get()
    client = APIClient()
    client.force_authenticate(make.user(Role.CASEWORKER, "330402008"))
    url = f"/api/members/{member.pk}/leave/"
    assert client.post(url, {"reason": "death"}, format="json").status_code == 404
    client.force_authenticate(worker)
    assert client.post(url, {"reason": "x"}, format="json").status_code == 400
    response = client.post(url, {"reason": "moved_away", "left_on": "2026-11-29"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["active"] is False and response.json()["left_reason"] == "moved_away"

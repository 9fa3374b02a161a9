"""Caseworkers are assigned to a household on its page and through the API, of its township only, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from households.dossier import services
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    return {
        "officer": officer,
        "household": make.household(members=1),
        "ours": [make.user(Role.CASEWORKER, "330402007"), make.user(Role.CASEWORKER, "330402007")],
        "theirs": make.user(Role.CASEWORKER, "330402008"),
    }


def _edit_data(household, **extra):
    return {
        "address": "中山路1号",
        "phone": "",
        "risk_level": "low",
        "income_stable": "on",
        "notes": "",
        "version": household.version,
        **extra,
    }


def _assignment_events(household):
    return [
        e.changes["caseworkers"]
        for e in AuditEvent.objects.filter(
            target_type="households.household", target_id=str(household.pk), action=AuditAction.UPDATE
        ).order_by("pk")
        if "caseworkers" in e.changes
    ]


def test_the_edit_page_assigns_the_townships_caseworkers_and_the_trail_shows_the_change(world, login):
    household, ours = world["household"], world["ours"]
    client = login(world["officer"])
    page = client.get(reverse("households:edit", args=[household.pk]))
    assert {c.pk for c in page.context["form"].fields["caseworkers"].queryset} == {u.pk for u in ours}
    response = client.post(
        reverse("households:edit", args=[household.pk]), _edit_data(household, caseworkers=[ours[0].pk, ours[1].pk])
    )
    assert response.status_code == 302
    assert sorted(household.caseworkers.values_list("pk", flat=True)) == sorted(u.pk for u in ours)
    household.refresh_from_db()
    client.post(reverse("households:edit", args=[household.pk]), _edit_data(household, caseworkers=[ours[1].pk]))
    assert list(household.caseworkers.values_list("pk", flat=True)) == [ours[1].pk]
    assert _assignment_events(household) == [
        [[], sorted(u.pk for u in ours)],
        [sorted(u.pk for u in ours), [ours[1].pk]],
    ]
    detail = client.get(reverse("households:detail", args=[household.pk])).content.decode()
    assert ours[1].display_name in detail


def test_the_edit_page_refuses_a_caseworker_of_another_township_in_chinese(world, login):
    household = world["household"]
    client = login(world["officer"])
    client.cookies["django_language"] = "zh-hans"
    response = client.post(
        reverse("households:edit", args=[household.pk]),
        _edit_data(household, caseworkers=[world["theirs"].pk]),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    assert response.context["form"].errors["caseworkers"] == ["只能分配本乡镇（街道）的社工。"]
    assert not household.caseworkers.exists()


def test_the_service_refuses_another_townships_caseworker_and_a_non_caseworker(world):
    household = world["household"]
    for user in (world["theirs"], world["officer"]):
        with pytest.raises(RuleViolation) as error:
            services.household_update(
                actor=world["officer"], household=household, expected_version=household.version, caseworkers=[user]
            )
        assert error.value.field == "caseworkers"
        with translation.override("zh-hans"):
            assert error.value.messages() == ["只能分配本乡镇（街道）的社工。"]
    assert not household.caseworkers.exists()


def test_the_api_assigns_caseworkers_and_refuses_another_townships_with_a_reason(world):
    household, ours = world["household"], world["ours"]
    client = APIClient()
    client.force_authenticate(world["officer"])
    url = f"/api/households/{household.pk}/"

    def patch(data, **extra):  # an API edit carries the version it read
        household.refresh_from_db()
        return client.patch(url, {**data, "version": household.version}, format="json", **extra)

    response = patch({"caseworkers": [world["theirs"].pk]}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400 and response.json()["caseworkers"] == ["只能分配本乡镇（街道）的社工。"]
    assert not household.caseworkers.exists()
    response = patch({"caseworkers": [ours[0].pk]})
    assert response.status_code == 200 and response.json()["caseworkers"] == [ours[0].pk]
    assert _assignment_events(household) == [[[], [ours[0].pk]]]
    # A field left out keeps the assignment.
    assert patch({"address": "乙"}).json()["caseworkers"] == [ours[0].pk]


def test_a_household_created_through_the_api_with_caseworkers_is_audited_with_them(world):
    client = APIClient()
    client.force_authenticate(world["officer"])
    response = client.post(
        "/api/households/",
        {
            "township": world["household"].township_id,
            "registered_on": "2026-11-29",
            "caseworkers": [world["ours"][0].pk],
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    event = AuditEvent.objects.get(
        target_type="households.household", target_id=str(response.json()["id"]), action=AuditAction.CREATE
    )
    assert event.changes["caseworkers"] == [[], [world["ours"][0].pk]]


def test_another_townships_officer_cannot_reach_the_household(world, make):
    client = APIClient()
    client.force_authenticate(make.user(Role.TOWNSHIP_OFFICER, "330402008"))
    response = client.patch(
        f"/api/households/{world['household'].pk}/", {"caseworkers": [world["theirs"].pk]}, format="json"
    )
    assert response.status_code == 404

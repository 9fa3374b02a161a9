"""Disability details are required with a disability and refused without one, on the page and through the API."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from households import rules
from households.models import Member
from jiuzhu.models import Role


@pytest.mark.parametrize(
    "health,klass,kind,fields",
    [
        ("disability", 2, "physical", set()),
        ("disability", 1, "visual", set()),
        ("disability", 4, "mental", set()),
        ("disability", None, "", {"disability_class", "disability_kind"}),
        ("disability", 5, "physical", {"disability_class"}),
        ("disability", 0, "physical", {"disability_class"}),
        ("healthy", None, "", set()),
        ("healthy", 9, "", {"disability_class"}),
        ("chronic", None, "hearing", {"disability_kind"}),
    ],
)
def test_disability_details_go_with_a_disability_only(health, klass, kind, fields):
    assert set(rules.disability_errors(health=health, disability_class=klass, disability_kind=kind)) == fields


BASE = {
    "name": "张三",
    "relation_to_head": "head",
    "labour_ability": "full",
    "school_stage": "none",
    "monthly_income": "0",
}


@pytest.mark.django_db
def test_the_member_page_refuses_a_healthy_member_with_a_disability_class_in_chinese(make, login):
    household = make.household(members=0)
    client = login(make.user(Role.CASEWORKER, "330402007"))
    response = client.post(
        reverse("households:member_add", args=[household.pk]),
        {**BASE, "id_number": make.id_number(), "health": "healthy", "disability_class": "9"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["disability_class"]
    assert "健康状况不是残疾时，残疾等级应为空。" in errors and any("4" in e for e in errors)
    assert not Member.objects.filter(household=household).exists()


@pytest.mark.django_db
def test_the_member_edit_page_requires_class_and_kind_for_a_disability(make, login):
    household = make.household(members=1)
    member = household.members.get()
    client = login(make.user(Role.CASEWORKER, "330402007"))
    url = reverse("households:member_edit", args=[household.pk, member.pk])
    response = client.post(
        url, {**BASE, "health": "disability", "version": member.version}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 200
    assert response.context["form"].errors["disability_class"] == ["残疾成员须填写残疾等级（1至4级）。"]
    assert response.context["form"].errors["disability_kind"] == ["残疾成员须选择残疾类别。"]
    response = client.post(
        url,
        {
            **BASE,
            "health": "disability",
            "disability_class": "2",
            "disability_kind": "physical",
            "version": member.version,
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.health, member.disability_class, member.disability_kind) == ("disability", 2, "physical")


@pytest.mark.django_db
def test_the_member_api_refuses_impossible_disability_values_next_to_the_fields(make):
    household = make.household(members=1)
    member = household.members.get()
    client = APIClient()
    client.force_authenticate(make.user(Role.CASEWORKER, "330402007"))
    response = client.patch(
        f"/api/members/{member.pk}/",
        {"disability_class": 2, "version": member.version},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert response.json()["disability_class"] == ["健康状况不是残疾时，残疾等级应为空。"]
    response = client.post(
        "/api/members/",
        {
            **BASE,
            "household": household.pk,
            "relation_to_head": "child",
            "id_number": make.id_number(),
            "health": "disability",
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400 and set(response.json()) == {"disability_class", "disability_kind"}
    assert Member.objects.get(pk=member.pk).disability_class is None
    assert household.members.count() == 1

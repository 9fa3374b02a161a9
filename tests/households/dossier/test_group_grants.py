"""A household shared with a group (a django-guardian group grant) opens for its members."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from guardian.shortcuts import assign_perm

from households.models import granted_household_ids
from jiuzhu.models import Role, User

pytestmark = pytest.mark.django_db


def test_a_group_grant_opens_that_household_to_the_groups_members_only(make, login):
    shared = make.household(members=1)
    other = make.household(members=1)
    by_user = make.household(members=1)
    team = Group.objects.create(name="跨镇协查组")
    member = make.user(Role.CASEWORKER, "330411002")
    member.groups.add(team)
    outsider = make.user(Role.CASEWORKER, "330411002")
    assign_perm("view_household", team, shared)
    assign_perm("view_household", member, by_user)

    client = login(member)
    assert client.get(reverse("households:detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[other.pk])).status_code == 404
    listed = client.get(reverse("households:list")).context["households"]
    assert sorted(h.pk for h in listed) == sorted([shared.pk, by_user.pk])
    assert login(outsider).get(reverse("households:detail", args=[shared.pk])).status_code == 404


def test_user_and_group_grants_are_read_in_one_query(make):
    shared, by_user = make.household(members=0), make.household(members=0)
    team = Group.objects.create(name="协查组")
    member = make.user(Role.CASEWORKER, "330411002")
    member.groups.add(team)
    assign_perm("view_household", team, shared)
    assign_perm("view_household", member, by_user)
    member = User.objects.get(pk=member.pk)  # nothing remembered yet

    with CaptureQueriesContext(connection) as queries:
        ids = granted_household_ids(member)
        granted_household_ids(member)  # remembered on the user object

    assert sorted(ids) == sorted([shared.pk, by_user.pk])
    assert len(queries) == 1  # SELECT … user grants UNION SELECT … group grants

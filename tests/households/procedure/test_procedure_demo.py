"""The demo applications: every state, one overdue, idempotent."""

from __future__ import annotations

import io
import random

import pytest
from django.utils import timezone

from households.models import Application, Enrolment
from households.procedure import demo as procedure_demo
from households.procedure.selectors import overdue_application_steps
from jiuzhu.models import Role
from tests import factories

pytestmark = pytest.mark.django_db


def test_seed_creates_applications_in_every_state_once():
    factories.policy_row("330400", 2026, "1200.00")
    users = {
        "demo-caseworker": factories.user(Role.CASEWORKER, "330402007"),
        "demo-township": factories.user(Role.TOWNSHIP_OFFICER, "330402007"),
        "demo-county": factories.user(Role.COUNTY_CIVIL, "330402"),
    }
    for _i in range(8):
        factories.household(members=2)
    out = io.StringIO()

    procedure_demo.seed(rng=random.Random(7), users=users, stdout=out)
    procedure_demo.seed(rng=random.Random(7), users=users, stdout=out)

    statuses = sorted(Application.objects.values_list("status", flat=True))
    assert statuses == sorted(
        ["draft", "submitted", "investigating", "notice", "under_review", "approved", "rejected", "approved"]
    )
    assert Enrolment.objects.count() == 2
    overdue = overdue_application_steps(user=users["demo-township"], today=timezone.localdate())
    assert [s.step for s in overdue] == ["investigation"]
    assert Application.objects.filter(urgent=True, investigation_completed_on__isnull=True).count() == 1

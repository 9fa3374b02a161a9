import io
import random

import pytest

from caseworkers import demo
from caseworkers.models import CaseStatus, Referral, Resource, TypicalCase
from households.models import Plan
from households.plans import demo as plan_demo
from jiuzhu.models import Role
from tests.caseworkers.helpers import assessment


@pytest.mark.django_db
def test_demo_is_idempotent_and_covers_every_referral_state(make):
    users = {
        "demo-caseworker": make.user(Role.CASEWORKER, "330402007"),
        "demo-county": make.user(Role.COUNTY_CIVIL, "330402"),
        "demo-city": make.user(Role.CITY_CIVIL, "330400"),
        "demo-caseworker2": make.user(Role.CASEWORKER, "330411002"),
        "demo-admin": make.user(Role.ADMIN, None),
    }
    for _n in range(10):
        h = make.household("330402007")
        assessment(h, users["demo-caseworker"])
    for _run in range(2):
        demo.seed(rng=random.Random(1), users=users, stdout=io.StringIO())
        plan_demo.seed(rng=random.Random(1), users=users, stdout=io.StringIO())
    assert Resource.objects.count() == len(demo.RESOURCES)
    assert set(Referral.objects.values_list("status", flat=True)) == {"sent", "accepted", "done", "failed"}
    assert TypicalCase.objects.get().status == CaseStatus.APPROVED
    assert Plan.objects.count() == 10

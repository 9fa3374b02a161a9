"""A verification from the county verification centre carries its report number."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from households.models import Verification
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


def test_a_county_centre_verification_without_report_number_is_refused_next_to_the_field(make, login):
    make.policy_row("330402", 2026, "1200.00")
    household = make.household(members=1)
    client = login(make.user(Role.CASEWORKER, "330402007"))
    data = {"verified_on": datetime.date(2026, 11, 20).isoformat(), "source": "county_centre", "report_no": " ",
            **{name: "0" for name in Verification.INCOME_FIELDS}, "deposits": "0", "securities": "0",
            "real_estate_count": "0", "vehicles": "0", "registered_businesses": "0", "expense_medical": "0",
            "expense_education": "0"}
    url = reverse("households:verification_new", args=[household.pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.context["form"].errors["report_no"] == ["来源为县级核对中心报告时，请填写报告编号。"]
    assert not Verification.objects.exists()
    assert client.post(url, {**data, "report_no": "HD-2026-001"}).status_code == 302
    assert Verification.objects.get().report_no == "HD-2026-001"

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
    data = {
        "verified_on": datetime.date(2026, 11, 20).isoformat(),
        "source": "county_centre",
        "report_no": " ",
        **{name: "0" for name in Verification.INCOME_FIELDS},
        "deposits": "0",
        "securities": "0",
        "real_estate_count": "0",
        "vehicles": "0",
        "registered_businesses": "0",
        "expense_medical": "0",
        "expense_education": "0",
    }
    url = reverse("households:verification_new", args=[household.pk])
    response = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert response.context["form"].errors["report_no"] == ["来源为县级核对中心报告时，请填写报告编号。"]
    assert not Verification.objects.exists()
    assert client.post(url, {**data, "report_no": "HD-2026-001"}).status_code == 302
    assert Verification.objects.get().report_no == "HD-2026-001"


def test_the_dossier_shows_income_by_kind_assets_and_expenses_of_the_latest_verification(make, login):
    from households.dossier import services

    make.policy_row("330402", 2026, "1200.00")
    worker = make.user(Role.CASEWORKER, "330402007")
    household = make.household(members=1)
    services.verification_record(
        actor=worker,
        household=household,
        verified_on=datetime.date(2026, 10, 1),
        source="township",
        income_wages="111.00",
    )
    services.verification_record(
        actor=worker,
        household=household,
        verified_on=datetime.date(2026, 11, 1),
        source="township",
        income_wages="432.10",
        deposits="9876.00",
        expense_medical="55.50",
    )
    html = (
        login(worker)
        .get(reverse("households:detail", args=[household.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    latest = html[html.index('id="latest-verification"') :]
    latest = latest[: latest.index("</dl>")]
    assert "2026-11-01" in latest and "432.10" in latest and "9876.00" in latest and "55.50" in latest
    assert "111.00" not in latest

"""The organization form: a credit code typed with spaces is normalised, not refused with
Django's generic length message, and the labels are an organization's, not a household's."""

from __future__ import annotations

import pytest

from jiuzhu.models import Role
from staffing.models import SocialOrganization
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db


def _post(client, code: str):
    county = factories.area("330402")
    return client.post(
        "/staffing/organizations/new/",
        {"name": "南湖区社工服务中心", "credit_code": code, "county": county.pk, "contact_phone": ""},
    )


def test_a_credit_code_typed_with_spaces_is_saved_normalised(login):
    code = builders.credit_code()
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = _post(client, f"{code[:2]} {code[2:8]} {code[8:]}")
    assert response.status_code == 302, response.context["form"].errors
    assert SocialOrganization.objects.get().credit_code == code


def test_a_credit_code_too_long_after_normalising_gets_the_rules_message(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = _post(client, builders.credit_code() + " 12")
    [message] = response.context["form"].errors["credit_code"]
    assert "20" in message and "18" in message  # the rule says how many it has and needs
    assert "确保该值不超过" not in message  # Django's generic max_length message
    assert not SocialOrganization.objects.exists()


def test_the_organization_form_speaks_of_an_organization_not_a_household(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    page = client.get("/staffing/organizations/new/").content.decode()
    assert "机构名称" in page and "机构地址" in page and "登记日期" in page
    assert "姓名" not in page and "建档日期" not in page

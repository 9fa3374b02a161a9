"""One English word, one meaning: 'Kind' and 'Outcome' read by what they label."""

import pytest
from django.urls import reverse

from jiuzhu.models import Role
from tests.caseworkers.helpers import active_plan, service

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007", first_name="李娜")


def test_a_service_records_outcome_is_its_result_not_a_review_conclusion(make, cw, login):
    record = service(cw, [make.household("330402007")], outcome="已联系")

    html = login(cw).get(reverse("caseworkers:service_detail", args=[record.pk])).content.decode()
    form = login(cw).get(reverse("caseworkers:service_new")).content.decode()

    assert "服务成效" in html and "复核结论" not in html
    assert "服务成效" in form and "复核结论" not in form
    assert "李娜" in html  # recorded by: the name


def test_a_plan_actions_kind_is_an_action_type_not_a_document_type(make, cw, login):
    plan = active_plan(make.household("330402007"), cw)

    html = login(cw).get(reverse("households:plan_detail", args=[plan.pk])).content.decode()

    assert "行动类型" in html and "材料类型" not in html
    assert "李娜" in html and cw.username not in html  # the responsible person by name

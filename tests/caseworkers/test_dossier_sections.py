import pytest
from django.template.loader import render_to_string

from caseworkers.dossier_sections import sections
from jiuzhu.models import Role
from tests.caseworkers.helpers import referral, service

pytestmark = pytest.mark.django_db


def test_sections_show_the_households_referrals_and_services_in_two_queries(make, django_assert_num_queries):
    cw = make.user(Role.CASEWORKER, "330402007")
    h = make.household("330402007")
    for _n in range(3):
        referral(cw, h)
        service(cw, [h])
    service(cw, [make.household("330402007")])  # another household's
    with django_assert_num_queries(2):  # referrals (with resource), services (with household count)
        found = sections(household=h, user=cw)
    (_o1, _t1, tpl1, ctx1), (_o2, _t2, tpl2, ctx2) = found
    assert len(ctx1["referrals"]) == 3 and len(ctx2["services"]) == 3
    # rendered as household_detail.html includes them: section=section.context
    assert "Job fair" in render_to_string(tpl1, {"section": ctx1, "household": h})
    services_html = render_to_string(tpl2, {"section": ctx2, "household": h})
    assert "Nothing recorded" not in services_html and "暂无记录" not in services_html
    assert services_html.count("/caseworkers/services/") >= 3
    stranger = make.user(Role.CASEWORKER, "330402008")
    assert [len(c[3].get("referrals", c[3].get("services"))) for c in sections(household=h, user=stranger)] == [0, 0]

import pytest

from caseworkers.dossier_sections import sections
from jiuzhu.models import Role
from tests.caseworkers.helpers import referral, service

pytestmark = pytest.mark.django_db


def test_sections_hold_the_households_referrals_and_services_in_two_queries(make, django_assert_num_queries):
    cw = make.user(Role.CASEWORKER, "330402007")
    h = make.household("330402007")
    for _n in range(3):
        referral(cw, h)
        service(cw, [h])
    service(cw, [make.household("330402007")])  # another household's
    with django_assert_num_queries(2):  # referrals (with resource, author), services (with author)
        referrals, services = sections(household=h, user=cw)
    assert len(referrals.context["referrals"]) == 3 and len(services.context["services"]) == 3
    assert [e.kind for e in referrals.timeline] == ["referral"] * 3 and services.timeline[0].by == cw.display_name
    stranger = make.user(Role.CASEWORKER, "330402008")
    assert [len(s.timeline) for s in sections(household=h, user=stranger)] == [0, 0]

"""Area scope: what each role sees of households, pages and API alike."""

from __future__ import annotations

import pytest
from guardian.shortcuts import assign_perm

from households.models import Household
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def households(make):
    """One household in each of: 建设街道 and 解放街道 (南湖区), 新城街道 (秀洲区),
    城南街道 (a 南湖区 street run by the 经济技术开发区)."""
    return {
        "jianshe": make.household("330402007"),
        "jiefang": make.household("330402008"),
        "xincheng": make.household("330411002"),
        "chengnan": make.household("330402012"),
    }


@pytest.mark.parametrize(
    ("role", "area", "expected"),
    [
        (Role.CASEWORKER, "330402007", {"jianshe"}),
        (Role.TOWNSHIP_OFFICER, "330402007", {"jianshe"}),
        (Role.CASEWORKER, "330411002", {"xincheng"}),
        (Role.COUNTY_CIVIL, "330402", {"jianshe", "jiefang"}),
        (Role.COUNTY_CIVIL, "330471", {"chengnan"}),
        (Role.COUNTY_CIVIL, "330411", {"xincheng"}),
        (Role.CITY_CIVIL, "330400", {"jianshe", "jiefang", "xincheng", "chengnan"}),
        (Role.ADMIN, None, {"jianshe", "jiefang", "xincheng", "chengnan"}),
        # Finance works with staffing and transfers, not with household files.
        (Role.COUNTY_FINANCE, "330402", set()),
        (Role.CITY_FINANCE, "330400", set()),
    ],
)
def test_each_role_sees_households_of_its_area_only(make, households, role, area, expected):
    user = make.user(role, area)

    seen = set(Household.objects.in_scope(user).values_list("pk", flat=True))

    assert seen == {households[key].pk for key in expected}


def test_a_township_run_by_a_functional_zone_belongs_to_the_zone_not_the_district(households):
    chengnan = households["chengnan"]

    assert chengnan.county.code == "330471"
    assert chengnan.township.parent.code == "330402"


def test_inactive_user_sees_nothing(make, households):
    user = make.user(Role.CITY_CIVIL, "330400", is_active=False)

    assert not Household.objects.in_scope(user).exists()


def test_other_township_caseworker_gets_404_on_the_dossier_page_and_api(make, households, login):
    outsider = make.user(Role.CASEWORKER, "330411002")
    client = login(outsider)
    target = households["jianshe"]

    assert client.get(f"/households/{target.pk}/").status_code == 404
    assert client.get(f"/api/households/{target.pk}/").status_code == 404
    assert client.get("/api/households/").json()["count"] == 1


def test_own_township_caseworker_opens_the_dossier(make, households, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.get(f"/households/{households['jianshe'].pk}/")

    assert response.status_code == 200
    assert households["jianshe"].dossier_no in response.content.decode()


def test_guardian_grant_opens_exactly_the_granted_household(make, households, login):
    outsider = make.user(Role.CASEWORKER, "330411002")
    assign_perm("households.view_household", outsider, households["jianshe"])
    client = login(outsider)

    assert client.get(f"/households/{households['jianshe'].pk}/").status_code == 200
    assert client.get(f"/api/households/{households['jianshe'].pk}/").status_code == 200
    assert client.get(f"/households/{households['jiefang'].pk}/").status_code == 404
    assert set(Household.objects.in_scope(outsider).values_list("pk", flat=True)) == {
        households["jianshe"].pk,
        households["xincheng"].pk,
    }


def test_anonymous_user_is_sent_to_login_and_refused_by_the_api(client, households):
    page = client.get(f"/households/{households['jianshe'].pk}/")
    api = client.get("/api/households/")

    assert page.status_code == 302 and page["Location"].startswith("/login/")
    assert api.status_code in (401, 403)


def test_areas_api_lists_only_areas_inside_the_users_area(make, login):
    client = login(make.user(Role.COUNTY_CIVIL, "330411"))

    codes = {a["code"] for a in client.get("/api/areas/?page_size=200").json()["results"]}

    assert "330411" in codes and "330411002" in codes
    assert "330402007" not in codes and "330400" not in codes


def test_me_endpoint_describes_the_user(make, login):
    client = login(make.user(Role.TOWNSHIP_OFFICER, "330402007", username="li"))

    body = client.get("/api/me/").json()

    assert body["username"] == "li"
    assert body["role"] == "township_officer"
    assert body["area"]["code"] == "330402007"

"""The household pickers: a dossier-number box with a scoped, masked search instead of a
<select> of every household in the township."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from caseworkers.models import Referral, ServiceRecord
from households.rules import age_on
from jiuzhu.models import Role
from tests.caseworkers.helpers import resource
from tests.clock import TODAY

pytestmark = pytest.mark.django_db

SEARCH = "households:search"


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def page(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(response.content)


@pytest.mark.parametrize(
    "url_name",
    [
        "caseworkers:referral_new",
        "caseworkers:service_new",
        "caseworkers:publicity_new",
        "caseworkers:volunteer_detail",
        "households:application_create",
    ],
)
def test_form_pages_keep_their_queries_and_size_from_1_to_50_households(make, cw, login, url_name):
    from caseworkers import services
    from tests.clock import TODAY

    client = login(cw)
    make.household("330402007", members=0)
    args = (
        [services.volunteer_create(actor=cw, name="志愿者", registered_on=TODAY).pk] if "volunteer" in url_name else []
    )
    url = reverse(url_name, args=args)
    page(client, url)  # the first view counts the menu's task badge; later ones read it cached
    queries_1, size_1 = page(client, url)
    for _n in range(49):
        make.household("330402007", members=0)
    queries_50, size_50 = page(client, url)
    assert (queries_50, size_50) == (queries_1, size_1)
    assert "330402007-00001" not in client.get(url).content.decode()


def test_search_finds_by_dossier_number_head_name_and_address_masked(make, cw, login):
    h = make.household("330402007", address="南湖区建设街道幸福路8号")
    head = h.members.get()
    head.name = "张三丰"
    head.save()
    h.head = head
    h.save()
    client = login(cw)
    for q in (h.dossier_no[-5:], "张三", "幸福路"):
        rows = client.get(reverse(SEARCH), {"q": q}).json()["results"]
        assert [r["dossier_no"] for r in rows] == [h.dossier_no], q
        assert rows[0]["label"] == f"{h.dossier_no} 张**"
        assert "张三丰" not in str(rows) and "幸福路" not in str(rows)
    with_members = client.get(reverse(SEARCH), {"q": "张三", "members": "1"}).json()["results"]
    age = age_on(head.birth_date, TODAY)
    assert with_members[0]["members"] == [{"id": head.pk, "name": f"张** · 户主 · {age} 岁"}]


def test_a_father_and_son_masked_alike_are_told_apart_by_relation_and_age(make, cw, login):
    from households.models import Relation

    h = make.household("330402007", members=0)
    father = make.member(
        h, name="张建国", relation_to_head=Relation.HEAD, id_no=make.id_number(datetime.date(1974, 3, 1))
    )
    make.member(h, name="张伟", relation_to_head=Relation.CHILD, id_no=make.id_number(datetime.date(2001, 6, 15)))
    h.head = father
    h.save()

    rows = login(cw).get(reverse(SEARCH), {"q": h.dossier_no, "members": "1"}).json()["results"]

    assert {m["name"] for m in rows[0]["members"]} == {"张** · 户主 · 52 岁", "张* · 子女 · 25 岁"}
    assert "张建国" not in str(rows) and "张伟" not in str(rows)


def test_search_keeps_to_the_users_area(make, cw, login):
    foreign = make.household("330402008", members=0)
    assert login(cw).get(reverse(SEARCH), {"q": foreign.dossier_no}).json()["results"] == []
    county = login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse(SEARCH), {"q": foreign.dossier_no}).json()
    assert [r["id"] for r in county["results"]] == [foreign.pk]
    assert (
        login(make.user(Role.COUNTY_CIVIL, "330411")).get(reverse(SEARCH), {"q": foreign.dossier_no}).json()["results"]
        == []
    )
    assert login(make.user(Role.COUNTY_FINANCE, "330402")).get(reverse(SEARCH), {"q": "3"}).status_code == 403


def test_search_returns_at_most_20_in_the_same_queries_for_1_and_25_households(
    make, cw, login, django_assert_num_queries
):
    client = login(cw)
    make.household("330402007", members=1)
    # session, user, guardian grants of the user, user's area, households (joined with head
    # and village), their members (prefetch); the session is not written (renewed at login)
    with django_assert_num_queries(6):
        assert len(client.get(reverse(SEARCH), {"q": "330402007", "members": "1"}).json()["results"]) == 1
    for _n in range(24):
        make.household("330402007", members=1)
    with django_assert_num_queries(6):
        assert len(client.get(reverse(SEARCH), {"q": "330402007", "members": "1"}).json()["results"]) == 20
    assert client.get(reverse(SEARCH)).json()["results"] == []


def test_service_form_takes_typed_dossier_numbers(make, cw, login):
    a, b = make.household("330402007", members=0), make.household("330402007", members=0)
    response = login(cw).post(
        reverse("caseworkers:service_new"),
        {
            "method": "group",
            "service_area": "integration",
            "held_on": "2026-11-29",
            "minutes": 90,
            "households": f"{a.dossier_no}，{b.dossier_no}",
            "content": "小组活动",
        },
    )
    assert response.status_code == 302
    assert set(ServiceRecord.objects.get().households.all()) == {a, b}


def test_service_form_refuses_a_typed_dossier_number_of_another_township(make, cw, login):
    a, foreign = make.household("330402007", members=0), make.household("330402008", members=0)
    response = login(cw).post(
        reverse("caseworkers:service_new"),
        {
            "method": "group",
            "service_area": "integration",
            "held_on": "2026-11-29",
            "minutes": 90,
            "households": f"{a.dossier_no}, {foreign.dossier_no}",
            "content": "小组活动",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["households"]
    assert not ServiceRecord.objects.exists()
    # The box keeps what was typed so it can be corrected.
    assert foreign.dossier_no in response.content.decode()


def test_referral_member_list_follows_the_chosen_household(make, cw, login):
    h, other = make.household("330402007", members=2), make.household("330402007", members=1)
    client = login(cw)
    form = client.get(reverse("caseworkers:referral_new"), {"household": h.pk}).context["form"]
    assert set(form.fields["member"].queryset) == set(h.members.all())
    assert h.dossier_no in str(form["household"])
    stranger = other.members.get()
    response = client.post(
        reverse("caseworkers:referral_new"),
        {"household": h.dossier_no, "member": stranger.pk, "resource": resource(cw).pk, "sent_on": "2026-11-29"},
    )
    assert response.status_code == 200 and response.context["form"].errors["member"]
    mine = h.members.first()
    response = client.post(
        reverse("caseworkers:referral_new"),
        {
            "household": h.dossier_no,
            "member": mine.pk,
            "resource": resource(cw, name="Clinic").pk,
            "sent_on": "2026-11-29",
        },
    )
    assert response.status_code == 302
    assert Referral.objects.get().member == mine

"""The city civil-affairs bureau enters and changes policy rows on its own pages (no admin):
a new county row starts as a copy of the city's, a weaker figure or a second row for the same
year is refused in Chinese, a stale edit is refused, every change is audited, and a county
reads its own rows and the city's only."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from jiuzhu.models import AuditAction, AuditEvent, PolicyParameters, Role
from jiuzhu.parameters.signals import policy_changed

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_row(make):
    return make.policy_row("330400", 2026, "1200.00", caseworker_funding_floor=Decimal("60000.00"), note="市 2026")


@pytest.fixture
def city_officer(make):
    return make.user(Role.CITY_CIVIL, "330400")


def _posted(form, **changes) -> dict:
    """The form's own initial values as a browser would post them, with ``changes``."""
    data = {}
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if hasattr(value, "pk"):
            value = value.pk
        data[name] = "" if value is None else str(value)
    data.update({k: str(v) for k, v in changes.items()})
    return data


def test_a_new_county_row_starts_as_a_copy_of_the_city_row_and_is_saved_audited(login, city_officer, city_row, make):
    client = login(city_officer)
    page = client.get(reverse("parameters:policy_create"))
    form = page.context["form"]
    assert form.initial["caseworker_funding_floor"] == Decimal("60000.00")
    nanhu = make.area("330402")
    response = client.post(
        reverse("parameters:policy_create"), _posted(form, area=nanhu.pk, year=2026, dibao_standard="1256.00")
    )
    row = PolicyParameters.objects.get(area=nanhu, year=2026)
    assert response.status_code == 302
    assert row.dibao_standard == Decimal("1256.00") and row.caseworker_funding_floor == Decimal("60000.00")
    event = AuditEvent.objects.for_object(row).get()
    assert event.action == AuditAction.CREATE and event.actor == city_officer


def test_a_county_row_weaker_than_the_city_row_is_refused_in_chinese_and_not_saved(login, city_officer, city_row, make):
    client = login(city_officer)
    form = client.get(reverse("parameters:policy_create")).context["form"]
    response = client.post(
        reverse("parameters:policy_create"),
        _posted(form, area=make.area("330421").pk, year=2026, caseworker_funding_floor="55000.00"),
    )
    assert response.status_code == 200
    assert "不得低于" in response.content.decode() and "全市 2026 年度参数" in response.content.decode()
    assert not PolicyParameters.objects.filter(area__code="330421").exists()


def test_a_second_row_for_the_same_area_and_year_is_refused_by_name(login, city_officer, city_row, make):
    client = login(city_officer)
    form = client.get(reverse("parameters:policy_create")).context["form"]
    response = client.post(reverse("parameters:policy_create"), _posted(form, area=city_row.area.pk, year=2026))
    page = response.content.decode()
    assert response.status_code == 200 and "嘉兴市 已有 2026 年度的政策参数" in page
    assert "policy_one_row_per_area_year" not in page
    assert PolicyParameters.objects.count() == 1


def test_a_change_is_audited_old_to_new_and_announced_on_commit(
    login, city_officer, city_row, django_capture_on_commit_callbacks
):
    heard = []
    policy_changed.connect(lambda **kw: heard.append(kw["row"].pk), weak=False, dispatch_uid="test-heard")
    try:
        client = login(city_officer)
        form = client.get(reverse("parameters:policy_edit", args=[city_row.pk])).context["form"]
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("parameters:policy_edit", args=[city_row.pk]), _posted(form, dibao_standard="1300.00")
            )
    finally:
        policy_changed.disconnect(dispatch_uid="test-heard")
    assert response.status_code == 302
    city_row.refresh_from_db()
    assert city_row.dibao_standard == Decimal("1300.00") and city_row.version == 2
    event = AuditEvent.objects.for_object(city_row).get(action=AuditAction.UPDATE)
    assert event.changes == {"dibao_standard": ["1200.00", "1300.00"]}
    assert heard == [city_row.pk]


def test_a_stale_edit_is_refused_and_overwrites_nothing(login, city_officer, city_row, make):
    client = login(city_officer)
    form = client.get(reverse("parameters:policy_edit", args=[city_row.pk])).context["form"]
    other = make.user(Role.CITY_CIVIL, "330400")
    login(other).post(reverse("parameters:policy_edit", args=[city_row.pk]), _posted(form, note="先保存的"))
    client.force_login(city_officer)
    response = client.post(reverse("parameters:policy_edit", args=[city_row.pk]), _posted(form, note="后保存的"))
    assert response.status_code == 200 and "重新" in response.content.decode()
    city_row.refresh_from_db()
    assert city_row.note == "先保存的"


def test_a_county_officer_reads_its_own_rows_and_the_citys_but_changes_nothing(login, city_row, make):
    nanhu_row = make.policy_row("330402", 2026, "1256.00")
    jiashan_row = make.policy_row("330421", 2026, "1300.00")
    client = login(make.user(Role.COUNTY_CIVIL, "330402"))
    listed = client.get(reverse("parameters:policy_list")).context["rows"]
    assert {row.pk for row in listed} == {city_row.pk, nanhu_row.pk}
    assert client.get(reverse("parameters:policy_edit", args=[jiashan_row.pk])).status_code == 404
    assert client.get(reverse("parameters:policy_edit", args=[nanhu_row.pk])).status_code == 200
    assert client.post(reverse("parameters:policy_edit", args=[nanhu_row.pk]), {"note": "x"}).status_code == 403
    assert client.get(reverse("parameters:policy_create")).status_code == 403


@pytest.mark.parametrize("role, code", [(Role.CASEWORKER, "330402007"), (Role.TOWNSHIP_OFFICER, "330402007")])
def test_township_users_may_not_open_the_policy_pages(login, make, city_row, role, code):
    client = login(make.user(role, code))
    assert client.get(reverse("parameters:policy_list")).status_code == 403
    assert client.get(reverse("parameters:policy_edit", args=[city_row.pk])).status_code == 404


def test_the_policy_list_costs_the_same_queries_for_one_row_and_many(
    login, city_officer, city_row, make, django_assert_num_queries
):
    client = login(city_officer)
    client.get(reverse("parameters:policy_list"))  # warm the session and the menu
    # session, user, the user's area (scope), count, the page's rows with their area; no
    # session write. The menu costs nothing for this role.
    with django_assert_num_queries(5) as one:
        client.get(reverse("parameters:policy_list"))
    count = len(one.captured_queries)  # read now: each request clears the connection's query log
    for code in ("330402", "330411", "330421", "330424"):
        make.policy_row(code, 2026, "1256.00")
    with django_assert_num_queries(count):
        client.get(reverse("parameters:policy_list"))

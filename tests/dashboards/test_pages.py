"""The page, its links, scope per role, export, API and caching."""

from __future__ import annotations

import io
from urllib.parse import urlparse

import pytest
from django.db.models import Count
from openpyxl import load_workbook

from dashboards.cache import invalidate_dashboards
from dashboards.exports import safe_text
from households.models import Household, HouseholdStatus
from jiuzhu.models import Area, AreaLevel, AuditAction, AuditEvent, Role
from tests import factories
from tests.clock import TODAY
from tests.dashboards.conftest import NANHU, T1, T2, T3, XIUZHOU, household


def area(code):
    return Area.objects.get(code=code)


def panel(response, key):
    return next(p for p in response.context["panels"] if p.key == key)


def households_behind(client, url) -> set[int]:
    """The households the real list page shows at ``url`` (every page of it)."""
    assert urlparse(url).path == "/households/"
    found: set[int] = set()
    page = 1
    while True:
        response = client.get(url + ("&" if "?" in url else "?") + f"page={page}")
        assert response.status_code == 200
        assert not response.context["form"].errors, response.context["form"].errors
        found |= {h.pk for h in response.context["households"]}
        if not response.context["page_obj"].has_next():
            return found
        page += 1


@pytest.fixture
def city_user(db):
    return factories.user(Role.CITY_CIVIL, "330400", username="city")


def test_city_page_shows_every_panel_with_a_chart_and_table(town, city_user, login):
    response = login(city_user).get("/dashboards/")
    assert response.status_code == 200
    keys = [p.key for p in response.context["panels"]]
    assert keys == [
        "households",
        "categories",
        "movement",
        "assistance",
        "assistance_months",
        "reviews",
        "candidates",
        "review_run",
        "completeness",
        "missing_items",
        "needs",
        "plans",
        "referrals",
        "applications",
        "applications_overdue",
        "four_roles",
        "volunteers",
        "training",
        "staffing",
        "staffing_alerts",
        "funding",
    ]
    html = response.content.decode()
    assert 'src="/static/vendor/chartjs/chart.umd.js"' in html
    assert 'id="chart-data-households"' in html
    assert "户数和人数（按状态）" in html and "南湖区" in html
    assert 'href="/dashboards/"' in html  # the menu entry 统计看板


@pytest.mark.parametrize("key", ["households", "categories", "reviews", "completeness", "missing_items"])
def test_each_household_figure_links_to_a_list_with_that_many_rows(town, city_user, login, key):
    client = login(city_user)
    checked = 0
    for url in ["/dashboards/", f"/dashboards/?area={area(NANHU).pk}", f"/dashboards/?area={area(T2).pk}"]:
        data = panel(client.get(url), key).data
        for row in data.rows:
            for column, cell in zip(data.columns, row.cells, strict=True):
                if cell.link is None:
                    # Only zeros, derived figures and the "no village recorded" row are unlinked.
                    assert (
                        cell.value in (0, None)
                        or (row.area_id is None and not row.is_total)
                        or column.key in ("oldest", "age", "share_complete")
                    ), (url, row.label, column.key)
                    continue
                if column.key.endswith("_persons"):
                    continue
                assert len(households_behind(client, cell.link)) == cell.value, (url, row.label, column.key)
                checked += 1
    assert checked >= 6  # every non-zero household figure of three views was followed


def test_missing_item_figures_open_a_household_list_with_that_many_households(town, login):
    county_user = factories.user(Role.COUNTY_CIVIL, NANHU, username="nanhu")
    client = login(county_user)
    data = panel(client.get("/dashboards/"), "missing_items").data
    followed = 0
    for row in data.rows:
        for column, cell in zip(data.columns, row.cells, strict=True):
            if cell.link is None:
                assert cell.value == 0
                continue
            assert f"missing={column.key}" in cell.link
            listed = client.get(cell.link).context["page_obj"].paginator.count  # the real list page
            assert listed == cell.value, (row.label, column.key)
            followed += 1
    assert followed == 7  # T1: plan, phone, ID copies; T2: plan; total: the same three


def test_household_list_and_api_filter_by_a_missing_item(town, city_user, login):
    client = login(city_user)
    h2, h5, h7 = town["h"][1], town["h"][4], town["h"][6]
    listed = client.get("/households/?missing=phone").context["households"]
    assert {h.pk for h in listed} == {h2.pk, h7.pk}
    api = client.get("/api/households/?missing=survey").json()
    assert [row["dossier_no"] for row in api["results"]] == [h7.dossier_no]
    # Any status: the exited h3 and the pending h4 miss the plan too.
    assert {r["dossier_no"] for r in client.get("/api/households/?missing=plan").json()["results"]} == {
        h.dossier_no for h in (h2, town["h"][2], town["h"][3], h5, h7)
    }
    assert client.get("/api/households/?missing=nonsense").status_code == 400


def test_area_rows_link_one_level_down_keeping_the_period(town, city_user, login):
    client = login(city_user)
    data = panel(client.get("/dashboards/?from=2026-03-01&to=2026-06-30"), "households").data
    nanhu_row = next(r for r in data.rows if r.area_id == area(NANHU).pk)
    assert nanhu_row.link == f"/dashboards/?area={area(NANHU).pk}&from=2026-03-01&to=2026-06-30"
    county = client.get(nanhu_row.link)
    assert county.context["scope"].area.code == NANHU
    township_row = next(r for r in panel(county, "households").data.rows if r.area_id == area(T1).pk)
    township = client.get(township_row.link)
    assert township.context["scope"].area.code == T1
    assert [a.code for a in township.context["breadcrumbs"]] == ["330400", NANHU]


def test_county_user_sees_own_county_and_gets_404_for_another(town, login):
    county_user = factories.user(Role.COUNTY_CIVIL, NANHU, username="nanhu")
    client = login(county_user)
    own = client.get("/dashboards/")
    assert own.context["scope"].area.code == NANHU
    assert client.get(f"/dashboards/?area={area(T1).pk}").status_code == 200
    assert client.get(f"/dashboards/?area={area(XIUZHOU).pk}").status_code == 404
    assert client.get(f"/dashboards/?area={area(T3).pk}").status_code == 404
    assert client.get(f"/dashboards/?area={area('330400').pk}").status_code == 404
    assert client.get(f"/dashboards/?area={area(T3).pk}&export=households").status_code == 404
    assert client.get("/api/dashboard/", {"area": area(T3).pk}).status_code == 404
    assert client.get("/dashboards/?area=nonsense").status_code == 404


def test_township_officer_sees_only_their_township(town, login):
    officer = factories.user(Role.TOWNSHIP_OFFICER, T1, username="t1")
    client = login(officer)
    response = client.get("/dashboards/")
    data = panel(response, "households").data
    assert response.context["scope"].area.code == T1
    assert data.value(None, "active_households") == 2 and data.value(None, "exited_households") == 1
    assert client.get(f"/dashboards/?area={area(T2).pk}").status_code == 404
    assert client.get(f"/dashboards/?area={area(NANHU).pk}").status_code == 404


def test_caseworker_sees_their_township_and_nothing_beyond(town, login):
    caseworker = factories.user(Role.CASEWORKER, T3, username="cw")
    client = login(caseworker)
    response = client.get("/dashboards/")
    assert response.context["scope"].area.code == T3
    assert panel(response, "households").data.value(None, "active_households") == 2
    assert client.get(f"/dashboards/?area={area(T1).pk}").status_code == 404
    assert client.get("/api/dashboard/", {"area": area(XIUZHOU).pk}).status_code == 404


def test_county_user_breadcrumbs_lead_back_to_their_county_only(town, login):
    county_user = factories.user(Role.COUNTY_CIVIL, NANHU, username="nanhu")
    response = login(county_user).get(f"/dashboards/?area={area(T1).pk}")
    assert [a.code for a in response.context["breadcrumbs"]] == [NANHU]


def test_finance_users_see_only_the_staffing_panels(town, login):
    finance = factories.user(Role.COUNTY_FINANCE, NANHU, username="fin")
    client = login(finance)
    response = client.get("/dashboards/")
    assert response.status_code == 200
    assert [p.key for p in response.context["panels"]] == ["staffing", "staffing_alerts", "funding"]
    assert 'href="/dashboards/"' in response.content.decode()  # the menu entry, now that finance has panels
    assert client.get("/dashboards/?export=households").status_code == 404
    assert client.get("/dashboards/?export=funding").status_code == 200
    assert [p["key"] for p in client.get("/api/dashboard/").json()["panels"]] == [
        "staffing",
        "staffing_alerts",
        "funding",
    ]


def test_anonymous_users_are_sent_to_login_and_refused_by_the_api(town, client):
    assert client.get("/dashboards/").status_code == 302
    assert client.get("/api/dashboard/").status_code in (401, 403)


def test_invalid_period_shows_a_chinese_message_and_falls_back(town, city_user, login):
    response = login(city_user).get("/dashboards/?from=2026-12-01&to=2026-01-01")
    assert response.status_code == 200
    assert "结束日期" in response.content.decode()
    assert response.context["period"].start.isoformat() == "2026-01-01"


def _bigger_town(n_households):
    codes = [a.code for a in Area.objects.filter(level=AreaLevel.TOWNSHIP).order_by("code")[:12]]
    for i in range(n_households):
        household(
            codes[i % len(codes)],
            members=1 + i % 3,
            status=HouseholdStatus.ACTIVE,
            completeness=(i * 13) % 101,
            next_review_on=TODAY.replace(day=1),
        )


@pytest.mark.parametrize("extra", [0, 40])
def test_query_count_does_not_grow_with_areas_or_households(town, city_user, login, django_assert_num_queries, extra):
    _bigger_town(extra)
    client = login(city_user)
    # session, user, the user's area, the child areas (one query for all rows), one
    # grouped query per household panel (10): 14 (the session's idle expiry was moved at
    # login: no session write); then the wiring panels: plans (3: households, plans, overdue
    # actions), referrals, review candidates (one each); open applications (3: the applications, the calendar overrides and the
    # policy rows of their counties); the four roles' output (the work summary: the
    # user's guardian grants, one GROUP BY per role (6), the caseworkers: 8); volunteers,
    # training, staffing coverage (two: the townships, the full-time posts held today; the
    # contracts of their caseworkers would be a third), staffing findings (two: the caseworkers, nobody
    # is in post here; the service contracts); the funding check (4:
    # townships, caseworkers, transfers, policies); the last nightly review (its log row):
    # 27 more, 41 whatever the number of households and areas.
    with django_assert_num_queries(41):
        assert client.get("/dashboards/").status_code == 200
    # A county view adds the area asked for (fetched with its ancestors): 42.
    county_url = f"/dashboards/?area={area(NANHU).pk}"
    with django_assert_num_queries(42):
        assert client.get(county_url).status_code == 200


def test_city_view_is_cached_until_invalidated(town, city_user, login, django_assert_num_queries, settings):
    settings.DASHBOARD_CACHE_SECONDS = 300
    client = login(city_user)
    first = panel(client.get("/dashboards/"), "households").data.value(None, "active_households")
    household(T1, members=1, status=HouseholdStatus.ACTIVE)
    # Cached: session, user, the user's area; no panel query and no session write.
    with django_assert_num_queries(3):
        cached = panel(client.get("/dashboards/"), "households").data.value(None, "active_households")
    assert cached == first == 5
    invalidate_dashboards()
    assert panel(client.get("/dashboards/"), "households").data.value(None, "active_households") == 6
    # A county view is cached on its own: first asked for now, so computed now.
    assert (
        panel(client.get(f"/dashboards/?area={area(NANHU).pk}"), "households").data.value(None, "active_households")
        == 4
    )


def test_export_is_an_audited_xlsx_of_the_panel_table(town, city_user, login):
    client = login(city_user)
    response = client.get(f"/dashboards/?area={area(NANHU).pk}&export=assistance")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).active
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[3]
    assert header[0] == "地区"
    body = {r[0]: r[1:] for r in rows[4:] if r and r[0]}
    assert body["建设街道"][:3] == [2, 6, 2000]
    assert body["解放街道"][:3] == [1, 4, 2000]
    assert body["合计"][2] == 4000
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.target_id == "assistance" and event.area_code == NANHU and event.actor_id == city_user.pk


def test_export_escapes_cells_a_spreadsheet_would_run(town, login):
    township = area(T1)
    village = Area(code="330402007001", name='=HYPERLINK("x")', level=AreaLevel.VILLAGE, parent=township)
    village.fill_ancestors()
    village.save()
    h = household(T1, members=1, status=HouseholdStatus.ACTIVE)
    Household.objects.filter(pk=h.pk).update(village=village)
    officer = factories.user(Role.TOWNSHIP_OFFICER, T1, username="t1")
    response = login(officer).get("/dashboards/?export=households")
    sheet = load_workbook(io.BytesIO(response.content)).active
    labels = [row[0].value for row in sheet.iter_rows()]
    assert '\'=HYPERLINK("x")' in labels
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    assert [safe_text(s) for s in ["+1", "-1", "@a", "a=b", ""]] == ["'+1", "'-1", "'@a", "a=b", ""]


def test_api_returns_the_panels_as_json(town, login):
    county_user = factories.user(Role.COUNTY_CIVIL, NANHU, username="nanhu")
    body = (
        login(county_user)
        .get("/api/dashboard/", {"area": area(T2).pk, "from": "2026-01-01", "to": "2026-11-29"})
        .json()
    )
    assert body["area"] == {"id": area(T2).pk, "code": T2, "name": "解放街道", "level": "township"}
    assert body["period"] == {"from": "2026-01-01", "to": "2026-11-29"}
    households = next(p for p in body["panels"] if p["key"] == "households")
    total = next(r for r in households["rows"] if r["is_total"])
    values = dict(zip([c["key"] for c in households["columns"]], [c["value"] for c in total["cells"]], strict=True))
    assert values["active_households"] == 1 and values["pending_persons"] == 2
    assistance = next(p for p in body["panels"] if p["key"] == "assistance")
    total = next(r for r in assistance["rows"] if r["is_total"])
    assert [c["value"] for c in total["cells"]] == [1, 4, "2000.00", "500.00"]


def test_api_refuses_a_bad_period_with_a_chinese_message(town, city_user, login):
    response = login(city_user).get("/api/dashboard/", {"from": "2026-13-01"})
    assert response.status_code == 400
    assert "日期" in response.json()["from"][0]


def test_api_is_in_the_openapi_schema(city_user, login):
    schema = login(city_user).get("/api/schema/?format=json").json()
    assert "/api/dashboard/" in schema["paths"]
    assert "Dashboard" in schema["components"]["schemas"]


def test_a_number_panel_shows_its_totals_as_tiles(town, city_user, login):
    from dashboards.panels import Column, Table, register_panel, unregister_panel
    from households.models import Household as H

    @register_panel(key="test_number", title="Households in the area", kind="number", order=1)
    def households_total(*, scope, period):
        group = scope.group_field()
        table = Table(scope, period, [Column("n", "Households counted")])
        table.fill(H.objects.filter(scope.household_q()).values(group).annotate(n=Count("pk")).order_by(), group)
        return table.build()

    try:
        html = login(city_user).get("/dashboards/").content.decode()
    finally:
        unregister_panel("test_number")
    assert '<span class="tile-count">7</span><span>Households counted</span>' in html

"""Every cell of every built-in panel against the hand-counted fixture (conftest.town)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils.translation import gettext

from dashboards.panels import get_panel
from dashboards.scope import DashboardScope, Period
from jiuzhu.models import Area, Role
from tests import factories
from tests.clock import TODAY
from tests.dashboards.conftest import NANHU, T1, T2, T3, XIUZHOU

PERIOD = Period(datetime.date(2026, 1, 1), TODAY)


def area(code):
    return Area.objects.get(code=code)


def compute(key, user, area_code=None, period=PERIOD):
    scope = DashboardScope.for_request(user, area(area_code).pk if area_code else None, today=TODAY)
    return get_panel(key).compute(scope=scope, period=period)


def cells(data, area_id):
    """{column key: value} of one row (area_id None: the total row)."""
    return {c.key: data.value(area_id, c.key) for c in data.columns}


@pytest.fixture
def city_user(db):
    return factories.user(Role.CITY_CIVIL, "330400", username="city")


def test_households_and_persons_by_status_per_county(town, city_user):
    data = compute("households", city_user)
    nanhu, xiuzhou = area(NANHU).pk, area(XIUZHOU).pk
    assert cells(data, nanhu) == {
        "pending_households": 1,
        "pending_persons": 2,
        "active_households": 3,
        "active_persons": 9,
        "exited_households": 1,
        "exited_persons": 1,
    }
    assert cells(data, xiuzhou) == {
        "pending_households": 0,
        "pending_persons": 0,
        "active_households": 2,
        "active_persons": 3,
        "exited_households": 0,
        "exited_persons": 0,
    }
    assert cells(data, None) == {
        "pending_households": 1,
        "pending_persons": 2,
        "active_households": 5,
        "active_persons": 12,
        "exited_households": 1,
        "exited_persons": 1,
    }
    # Every county-level unit of the city is a row (zeros included), functional zones too.
    labels = [row.label for row in data.body_rows]
    assert "嘉兴经济技术开发区" in labels or len(labels) >= 7
    assert [r.area_id for r in data.body_rows] == [
        a.pk for a in Area.objects.filter(level="county", city__code="330400", active=True).order_by("code")
    ]


def test_households_by_status_per_township_in_a_county_view(town, city_user):
    data = compute("households", city_user, NANHU)
    assert cells(data, area(T1).pk)["active_households"] == 2
    assert cells(data, area(T1).pk)["active_persons"] == 5
    assert cells(data, area(T1).pk)["exited_households"] == 1
    assert cells(data, area(T2).pk) == {
        "pending_households": 1,
        "pending_persons": 2,
        "active_households": 1,
        "active_persons": 4,
        "exited_households": 0,
        "exited_persons": 0,
    }
    assert area(T3).pk not in [r.area_id for r in data.body_rows]


def test_categories_count_households_in_force_and_their_persons(town, city_user):
    data = compute("categories", city_user)
    assert [c.key for c in data.columns] == [
        "dibao_households",
        "dibao_persons",
        "low_income_households",
        "low_income_persons",
        "tekun_households",
        "tekun_persons",
        "medical_households",
        "medical_persons",
    ]
    assert cells(data, area(NANHU).pk) == {
        "dibao_households": 1,
        "dibao_persons": 3,
        "low_income_households": 1,
        "low_income_persons": 2,
        "tekun_households": 1,
        "tekun_persons": 4,
        "medical_households": 1,
        "medical_persons": 1,
    }
    assert cells(data, area(XIUZHOU).pk) == {
        "dibao_households": 1,
        "dibao_persons": 1,
        "low_income_households": 0,
        "low_income_persons": 0,
        "tekun_households": 0,
        "tekun_persons": 0,
        "medical_households": 0,
        "medical_persons": 0,
    }
    assert cells(data, None)["dibao_households"] == 2
    assert cells(data, None)["dibao_persons"] == 4


def test_new_enrolments_and_exits_in_the_period(town, city_user):
    data = compute("movement", city_user)
    assert cells(data, area(NANHU).pk) == {"new": 3, "exits": 1, "net": 2}
    assert cells(data, area(XIUZHOU).pk) == {"new": 2, "exits": 0, "net": 2}
    assert cells(data, None) == {"new": 5, "exits": 1, "net": 4}
    # The period bounds are both included; before the exit date nothing has ended.
    early = compute("movement", city_user, period=Period(datetime.date(2026, 3, 1), datetime.date(2026, 4, 29)))
    assert cells(early, None) == {"new": 1, "exits": 0, "net": 1}


def test_assistance_paid_per_month_and_per_person(town, city_user):
    data = compute("assistance", city_user)
    assert cells(data, area(NANHU).pk) == {
        "households": 3,
        "persons": 10,
        "amount": Decimal("4000.00"),
        "per_capita": Decimal("400.00"),
    }
    assert cells(data, area(XIUZHOU).pk) == {
        "households": 1,
        "persons": 1,
        "amount": Decimal("1300.50"),
        "per_capita": Decimal("1300.50"),
    }
    assert cells(data, None) == {
        "households": 4,
        "persons": 11,
        "amount": Decimal("5300.50"),
        "per_capita": Decimal("481.86"),
    }
    zero_row = next(r for r in data.body_rows if r.area_id not in (area(NANHU).pk, area(XIUZHOU).pk))
    assert [c.value for c in zero_row.cells] == [0, 0, Decimal("0.00"), None]


def test_overdue_reviews_with_the_oldest_age(town, city_user):
    data = compute("reviews", city_user)
    assert cells(data, area(NANHU).pk) == {"overdue": 2, "oldest": datetime.date(2026, 10, 1), "age": 59}
    # Due today is not overdue; due yesterday is one day overdue.
    assert cells(data, area(XIUZHOU).pk) == {"overdue": 1, "oldest": datetime.date(2026, 11, 28), "age": 1}
    assert cells(data, None) == {"overdue": 3, "oldest": datetime.date(2026, 10, 1), "age": 59}


def test_completeness_bands_and_share_complete(town, city_user):
    data = compute("completeness", city_user)
    assert cells(data, area(NANHU).pk) == {
        "total": 3,
        "band_0_59": 0,
        "band_60_79": 1,
        "band_80_99": 1,
        "band_100": 1,
        "share_complete": Decimal("33.3"),
    }
    # 59 falls in 0–59, 100 in 100.
    assert cells(data, area(XIUZHOU).pk) == {
        "total": 2,
        "band_0_59": 1,
        "band_60_79": 0,
        "band_80_99": 0,
        "band_100": 1,
        "share_complete": Decimal("50.0"),
    }
    assert cells(data, None) == {
        "total": 5,
        "band_0_59": 1,
        "band_60_79": 1,
        "band_80_99": 1,
        "band_100": 2,
        "share_complete": Decimal("40.0"),
    }
    # The scope-wide list beside the table: most missing first, ties in the items' order.
    assert data.extra == {
        "missing_items": [
            (gettext("Assistance plan"), 3),
            (gettext("Contact phone number"), 2),
            (gettext("Home-visit survey still valid"), 1),
            (gettext("Copies of ID cards"), 1),
        ]
    }


def test_missing_items_per_county_most_missing_first_on_the_register_only(town, city_user):
    data = compute("missing_items", city_user)
    # h3 (exited) and h4 (pending) miss the plan and the address but are not on the register.
    assert [c.key for c in data.columns] == ["plan", "phone", "survey", "doc_id_copy"]
    assert cells(data, area(NANHU).pk) == {"plan": 2, "phone": 1, "survey": 0, "doc_id_copy": 1}
    assert cells(data, area(XIUZHOU).pk) == {"plan": 1, "phone": 1, "survey": 1, "doc_id_copy": 0}
    assert cells(data, None) == {"plan": 3, "phone": 2, "survey": 1, "doc_id_copy": 1}
    assert data.columns[0].label == gettext("Assistance plan")
    assert data.chart["labels"] == [r.label for r in data.body_rows]
    nanhu, xiuzhou = (data.chart["labels"].index(area(code).name) for code in (NANHU, XIUZHOU))
    assert [(d["label"], d["data"][nanhu], d["data"][xiuzhou]) for d in data.chart["datasets"]] == [
        (c.label, cells(data, area(NANHU).pk)[c.key], cells(data, area(XIUZHOU).pk)[c.key]) for c in data.columns
    ]
    assert sum(map(sum, (d["data"] for d in data.chart["datasets"]))) == 7  # no other county misses anything


def test_missing_items_of_a_county_per_township_leave_out_items_nobody_there_misses(town):
    county_user = factories.user(Role.COUNTY_CIVIL, NANHU, username="nanhu")
    data = compute("missing_items", county_user)
    assert [c.key for c in data.columns] == ["plan", "phone", "doc_id_copy"]
    assert cells(data, area(T1).pk) == {"plan": 1, "phone": 1, "doc_id_copy": 1}
    assert cells(data, area(T2).pk) == {"plan": 1, "phone": 0, "doc_id_copy": 0}
    assert cells(data, None) == {"plan": 2, "phone": 1, "doc_id_copy": 1}
    assert area(T3).pk not in {r.area_id for r in data.rows}


def test_needs_come_from_each_households_latest_assessment(town, city_user):
    data = compute("needs", city_user)
    # h1's first assessment (living high, medical medium) is superseded; "none" is not a need.
    assert cells(data, area(NANHU).pk) == {"living_medium": 1, "employment_low": 1, "medical_high": 1, "living_high": 0}
    assert cells(data, area(XIUZHOU).pk) == {
        "living_medium": 0,
        "employment_low": 0,
        "medical_high": 0,
        "living_high": 1,
    }
    assert data.chart["datasets"][0]["data"] == [1, 0, 1]  # high: living, employment, medical


def test_applications_by_status(town, city_user):
    data = compute("applications", city_user)
    none = {
        "draft": 0,
        "submitted": 0,
        "investigating": 0,
        "notice": 0,
        "under_review": 0,
        "approved": 0,
        "rejected": 0,
    }
    assert cells(data, area(NANHU).pk) == {**none, "submitted": 1, "approved": 1}
    assert cells(data, area(XIUZHOU).pk) == {**none, "draft": 1}
    last_year = compute(
        "applications", city_user, period=Period(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31))
    )
    assert cells(last_year, None) == none


def test_township_view_totals_only_its_own_households(town):
    officer = factories.user(Role.TOWNSHIP_OFFICER, T3, username="t3-officer")
    data = compute("households", officer)
    assert cells(data, None)["active_households"] == 2
    # No villages recorded: one "not assigned" row holds them, not linked one level down.
    (row,) = data.body_rows
    assert row.area_id is None and row.link is None
    assert [c.value for c in row.cells][:4] == [0, 0, 2, 3]


def test_assistance_month_by_month_counts_enrolments_in_force_each_month(town, city_user):
    data = compute(
        "assistance_months", city_user, period=Period(datetime.date(2026, 4, 15), datetime.date(2026, 7, 31))
    )
    assert [c.key for c in data.columns] == ["m202604", "m202605", "m202606", "m202607"]
    # 南湖区: h1 dibao 1500 from March, h2 low-income 300 throughout, h2 medical 200 from May,
    # h3's 800 until 30 April, h5's tekun 2000 from February (gradual exit still pays).
    assert cells(data, area(NANHU).pk) == {
        "m202604": Decimal("4600.00"),
        "m202605": Decimal("4000.00"),
        "m202606": Decimal("4000.00"),
        "m202607": Decimal("4000.00"),
    }
    # 秀洲区: h6 1300.50 from July; h7 suspended is left out.
    assert cells(data, area(XIUZHOU).pk) == {
        "m202604": Decimal("0.00"),
        "m202605": Decimal("0.00"),
        "m202606": Decimal("0.00"),
        "m202607": Decimal("1300.50"),
    }
    assert data.chart["datasets"][0]["data"] == [4600.0, 4000.0, 4000.0, 5300.5]

"""The county staffing board against a hand-counted fixture, and its fixed query count."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from jiuzhu.models import Role
from staffing import selectors, services
from tests import factories
from tests.clock import TODAY
from tests.staffing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def nanhu():
    """Five caseworkers in 南湖区 and one in 秀洲区; the expected figures are counted by hand below."""
    cw1 = builders.caseworker(
        "330402007", hire=date(2020, 1, 1), qualification_level="intermediate", qualification_date=date(2021, 1, 1)
    )
    builders.contract(cw1, start=date(2024, 1, 1), end=date(2026, 12, 31))  # ends in 32 days
    builders.appraisal(cw1, 2025)
    cw2 = builders.caseworker("330402008", hire=date(2022, 3, 1))  # R-6 deadline 2027-03-01: 92 days left
    builders.contract(cw2, start=date(2024, 7, 1), end=date(2027, 6, 30))  # 213 days: not flagged
    cw3 = builders.caseworker("330402009", hire=date(2019, 1, 1))  # deadline 2024-01-01: overdue
    builders.appraisal(cw3, 2024, last=True)
    builders.appraisal(cw3, 2025, last=True)  # last place twice in a row: dismissal due
    cw4 = builders.caseworker(
        "330402010",
        hire=date(2026, 2, 1),
        full_time=False,
        qualification_level="assistant",
        qualification_date=date(2025, 1, 1),
    )
    cw5 = builders.caseworker("330402011", hire=date(2020, 1, 1))
    services.caseworker_change_status(actor=builders.admin(), caseworker=cw5, status="left", on=date(2026, 6, 30))
    other = builders.caseworker("330411002", hire=date(2020, 1, 1))
    builders.contract(other, start=date(2024, 1, 1), end=date(2026, 12, 9), org=builders.organization("330411"))
    return {"cw1": cw1, "cw2": cw2, "cw3": cw3, "cw4": cw4, "cw5": cw5, "other": other}


def test_board_figures_match_the_hand_count(nanhu):
    board = selectors.county_board(county=factories.area("330402"), today=TODAY)

    assert len(board.townships) == 11  # 南湖区 runs 11 of its 13 (城南, 长水 are run by the zone)
    assert board.caseworkers_in_post == 4  # cw1-cw4; cw5 left
    assert [f.caseworker for f in board.findings["contract_ending"]] == [nanhu["cw1"]]
    assert board.findings["contract_ending"][0].days_left == 32
    assert {(f.caseworker.pk, f.kind, f.days_left) for f in board.findings["qualification"]} == {
        (nanhu["cw2"].pk, "qualification_due", 92),
        (nanhu["cw3"].pk, "qualification_overdue", (date(2024, 1, 1) - TODAY).days),
    }
    assert [f.caseworker for f in board.findings["appraisal_missing"]] == [nanhu["cw2"]]
    assert [f.caseworker for f in board.findings["dismissal_due"]] == [nanhu["cw3"]]
    gaps = {row.township.code: row.open_gap_since for row in board.gaps}
    assert len(gaps) == 8  # 11 townships minus the 3 with a full-time caseworker in post
    assert gaps["330402010"] == date(2018, 5, 25)  # only a part-time caseworker
    assert gaps["330402011"] == date(2026, 7, 1)  # since the day after cw5 left


def test_board_uses_a_fixed_number_of_queries(nanhu, django_assert_num_queries):
    # townships; caseworkers (+user, township, county, organization); their contracts; their
    # appraisals; policy rows; the county's post history; those caseworkers' contracts (coverage
    # needs one running); service contracts; the last alert run.
    county = factories.area("330402")
    with django_assert_num_queries(9):
        selectors.county_board(county=county, today=TODAY)


def test_board_page_query_count_does_not_grow_with_caseworkers(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    builders.caseworker("330402007")
    with time_machine.travel(TODAY), CaptureQueriesContext(connection) as one:
        assert client.get("/staffing/").status_code == 200
    for _n in range(19):
        cw = builders.caseworker("330402008")
        builders.appraisal(cw, 2025)
        builders.contract(cw, start=date(2024, 1, 1), end=date(2026, 12, 31))
    with time_machine.travel(TODAY), CaptureQueriesContext(connection) as twenty:
        response = client.get("/staffing/")
    assert len(twenty) == len(one)
    assert response.context["board"].caseworkers_in_post == 20


def test_board_page_shows_the_gap_and_the_dismissal(nanhu, login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    with time_machine.travel(TODAY):
        html = client.get("/staffing/").content.decode()
    assert "2018-05-25" in html
    assert nanhu["cw3"].name in html
    assert "解雇" in html or "辞退" in html or "dismissal" in html.lower()


def test_city_user_picks_a_county_and_cannot_pick_outside(login):
    client = login(factories.user(Role.CITY_CIVIL, "330400"))
    with time_machine.travel(TODAY):
        assert client.get("/staffing/?county=330411").context["county"].code == "330411"
        assert client.get("/staffing/?county=999999").status_code == 404


def test_board_is_forbidden_to_caseworkers_and_township_officers(login):
    for role, code in ((Role.CASEWORKER, "330402007"), (Role.TOWNSHIP_OFFICER, "330402007")):
        assert login(factories.user(role, code)).get("/staffing/").status_code == 403

"""One definition of a covered township (S-2.1.1): a full-time caseworker in post with an
employment contract running that day; the rule at its boundaries, then the board, the
dashboard and the funding sheet agreeing on it over random staffing histories."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dashboards.panels import get_panel
from dashboards.scope import DashboardScope, Period
from jiuzhu.models import Role, User
from staffing import rules, selectors
from staffing.models import CaseworkerPost, EmploymentContract, SocialOrganization
from staffing.rules import Post, Span, check_funding, covered_townships, covering_posts, dismissal_due
from tests import factories
from tests.staffing import builders

D = date


def test_a_full_time_post_covers_only_while_a_contract_runs():
    post = Post("T", D(2026, 1, 1), None, True)
    parts = covering_posts(posts=[post], contracts=[Span(D(2026, 3, 1), D(2026, 6, 30))])
    assert parts == [Post("T", D(2026, 3, 1), D(2026, 6, 30), True)]
    assert covered_townships(posts=parts, day=D(2026, 2, 28)) == set()
    assert covered_townships(posts=parts, day=D(2026, 3, 1)) == {"T"}
    assert covered_townships(posts=parts, day=D(2026, 6, 30)) == {"T"}
    assert covered_townships(posts=parts, day=D(2026, 7, 1)) == set()


def test_no_contract_or_a_part_time_post_covers_nothing():
    assert covering_posts(posts=[Post("T", D(2026, 1, 1), None, True)], contracts=[]) == []
    assert covering_posts(posts=[Post("T", D(2026, 1, 1), None, False)], contracts=[Span(D(2020, 1, 1), None)]) == []


def test_overlapping_contracts_count_each_day_once():
    parts = covering_posts(
        posts=[Post("T", D(2026, 1, 1), D(2026, 12, 31), True)],
        contracts=[Span(D(2025, 1, 1), D(2026, 6, 30)), Span(D(2026, 6, 1), None)],
    )
    assert parts == [Post("T", D(2026, 1, 1), D(2026, 12, 31), True)]


def test_a_township_with_no_full_time_caseworker_is_not_met_although_nothing_is_short():
    check = check_funding(required=Decimal("0.00"), transferred=Decimal("0.00"), covered_days=0)
    assert (check.ok, check.no_caseworker, check.shortfall) == (False, True, Decimal("0.00"))
    assert check_funding(required=Decimal("0.00"), transferred=Decimal("0.00")).ok  # no days given: as before


def test_a_dismissal_stays_due_after_a_better_year():
    due = dismissal_due(grades_by_year={2024: "unqualified", 2025: "excellent"}, last_place_years=set())
    assert due is not None and due.year == 2024
    both = dismissal_due(
        grades_by_year={2023: "qualified", 2024: "qualified", 2025: "qualified"}, last_place_years={2023, 2024}
    )
    assert both is not None and both.year == 2024
    assert dismissal_due(grades_by_year={2023: "qualified", 2025: "qualified"}, last_place_years={2023, 2025}) is None


# --------------------------------------------------------------------------- with the database

pytestmark = pytest.mark.django_db
TOWNSHIPS = ("330402007", "330402008")
YEAR_START, YEAR_END = D(2026, 1, 1), D(2026, 12, 31)
days_2026 = st.integers(0, 364).map(lambda n: YEAR_START + timedelta(days=n))


@st.composite
def span(draw):
    start = draw(days_2026)
    end = draw(st.one_of(st.none(), st.integers(0, 200).map(lambda n: start + timedelta(days=n))))
    return start, end


history = st.lists(
    st.fixed_dictionaries(
        {
            # One post each: the services close a caseworker's post before opening the next, so one
            # person never holds two at once (two people at one township do, and both count).
            "posts": st.lists(st.tuples(st.sampled_from(TOWNSHIPS), st.booleans(), span()), min_size=1, max_size=1),
            "contracts": st.lists(span(), max_size=2),
        }
    ),
    min_size=1,
    max_size=3,
)


def _covers(posts, contracts, township, day) -> bool:
    """The brute-force reading of S-2.1.1 for one caseworker on one day."""

    def runs(start, end):
        return start <= day and (end is None or day <= end)

    return any(t == township and full and runs(*s) for t, full, s in posts) and any(runs(*c) for c in contracts)


@pytest.fixture
def people(db):
    # Made once; each example replaces their posts and contracts (and is rolled back).
    return [builders.caseworker(TOWNSHIPS[0], hire=D(2025, 1, 1), employed=False) for _ in range(3)]


@settings(max_examples=12, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(histories=history, checked=st.lists(days_2026, min_size=1, max_size=2))
def test_board_dashboard_and_sheet_agree_on_every_township_and_day(people, histories, checked):
    county = factories.area("330402")
    org = SocialOrganization.objects.first() or builders.organization("330402")
    user = User.objects.filter(username="coverage-county").first() or factories.user(
        Role.COUNTY_CIVIL, "330402", username="coverage-county"
    )
    areas = {code: factories.area(code) for code in TOWNSHIPS}
    with transaction.atomic():
        CaseworkerPost.objects.filter(caseworker__in=people).delete()
        EmploymentContract.objects.filter(caseworker__in=people).delete()
        for cw, h in zip(people, histories):
            for code, full, (start, end) in h["posts"]:
                CaseworkerPost.objects.create(
                    caseworker=cw, township=areas[code], county=county, full_time=full, start_on=start, end_on=end
                )
            for start, end in h["contracts"]:
                EmploymentContract.objects.create(
                    caseworker=cw,
                    organization=org,
                    start=start,
                    end=end,
                    monthly_pay=Decimal("5800"),
                    township_reference_pay=Decimal("5600"),
                )
        truth = {
            (code, day): [_covers(h["posts"], h["contracts"], code, day) for h in histories]
            for code in TOWNSHIPS
            for day in (YEAR_START + timedelta(days=n) for n in range(365))
        }

        # The board's computation (gaps of the covering posts) for every day of the year ...
        posts = list(CaseworkerPost.objects.filter(county=county, full_time=True).select_related("township"))
        parts = [p for _post, p in selectors.covering_posts_of(posts, selectors.contract_spans({c.pk for c in people}))]
        found_gaps = rules.township_gaps(township_codes=TOWNSHIPS, posts=parts, start=YEAR_START, end=YEAR_END)
        for code in TOWNSHIPS:
            for n in range(365):
                day = YEAR_START + timedelta(days=n)
                in_gap = any(g.since <= day and (g.until is None or day <= g.until) for g in found_gaps[code])
                assert in_gap == (not any(truth[(code, day)])), (code, day)
        # ... and the board as shown on the days checked.
        for day in checked:
            board = selectors.county_board(county=county, today=day)
            gap_now = {row.township.code for row in board.townships if row.open_gap_since is not None}
            for code in TOWNSHIPS:
                assert (code in gap_now) == (not any(truth[(code, day)])), (code, day)

        # The dashboard's coverage panel, on the days checked.
        panel = get_panel("staffing")
        for day in checked:
            scope = DashboardScope.for_request(user, today=day)
            data = panel.compute(scope=scope, period=Period.default(day))
            for code in TOWNSHIPS:
                assert data.value(areas[code].pk, "uncovered") == (0 if any(truth[(code, day)]) else 1), (code, day)

        # The funding sheet: each caseworker's covered days, and 无专职社工 when there are none.
        sheet = {r.township.code: r for r in selectors.county_funding(county=county, year=2026).rows}
        for code in TOWNSHIPS:
            days = sum(
                sum(1 for day in range(365) if truth[(code, YEAR_START + timedelta(days=day))][i])
                for i in range(len(histories))
            )
            assert sheet[code].line.days_in_post == days
            assert sheet[code].check.no_caseworker == (days == 0)
        transaction.set_rollback(True)


def test_in_post_without_a_running_contract_is_flagged_and_leaves_a_gap(login):
    never = builders.caseworker("330402007", employed=False)
    ended = builders.caseworker("330402008", employed=False)
    builders.contract(ended, start=D(2023, 1, 1), end=D(2026, 10, 31))
    board = selectors.county_board(county=factories.area("330402"), today=D(2026, 11, 29))
    assert {(f.caseworker.pk, f.key) for f in board.findings["no_contract"]} == {
        (never.pk, "none"),
        (ended.pk, "2026-10-31"),
    }
    gaps = {row.township.code: row.open_gap_since for row in board.gaps}
    assert gaps["330402007"] == D(2018, 5, 25) and gaps["330402008"] == D(2026, 11, 1)
    page = login(factories.user(Role.COUNTY_CIVIL, "330402")).get("/staffing/").content.decode()
    assert page.count('class="no-contract"') == 2


def test_an_expired_service_contract_with_none_running_is_flagged():
    old = builders.service_contract("330402007", start=D(2023, 1, 1), end=D(2025, 12, 31))
    builders.service_contract("330402008", start=D(2023, 1, 1), end=D(2025, 12, 31))
    builders.service_contract("330402008", start=D(2026, 1, 1), end=D(2028, 12, 31))  # renewed: not flagged
    board = selectors.county_board(county=factories.area("330402"), today=D(2026, 11, 29))
    assert [sc.pk for sc in board.service_contracts_expired] == [old.pk]


def test_no_full_time_caseworker_is_a_gap_on_the_funding_page_the_sheet_and_the_city_summary(login):
    import io

    import openpyxl

    builders.caseworker("330402007", hire=D(2024, 1, 1))
    builders.caseworker("330402008", hire=D(2024, 1, 1), employed=False)  # in post, no contract
    county = selectors.county_funding(county=factories.area("330402"), year=2025)
    rows = {r.township.code: r for r in county.rows}
    assert rows["330402007"].check.ok is False and not rows["330402007"].check.no_caseworker  # nothing paid
    assert rows["330402008"].check.no_caseworker and not rows["330402008"].check.ok
    assert county.summary_line().uncovered == len(county.rows) - 1
    client = login(factories.user(Role.CITY_FINANCE, "330400"))
    page = client.get("/staffing/funding/?year=2025&county=330402").content.decode()
    assert "无专职社工" in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/staffing/funding/sheet.xlsx?year=2025").content), data_only=True
    )
    summary, nanhu = book.worksheets[0], next(ws for ws in book.worksheets if ws["A1"].value.find("南湖区") >= 0)
    meets = {nanhu[f"B{r}"].value: nanhu[f"K{r}"].value for r in range(3, nanhu.max_row) if nanhu[f"B{r}"].value}
    assert meets["330402008"] == "无专职社工" and meets["330402007"] == "否"
    assert summary["K2"].value == "无专职社工的镇（街道）数"
    nanhu_row = next(r for r in range(3, summary.max_row) if summary[f"B{r}"].value == "330402")
    assert summary[f"K{nanhu_row}"].value == len(county.rows) - 1 and summary[f"J{nanhu_row}"].value == "否"


def test_a_dismissal_due_stays_on_the_board_until_it_is_recorded():
    from staffing import services

    cw = builders.caseworker("330402007", hire=D(2022, 1, 1))
    builders.appraisal(cw, 2024, "unqualified")
    builders.appraisal(cw, 2025, "excellent")  # a better later year does not undo 2024
    county = factories.area("330402")
    due = selectors.county_board(county=county, today=D(2026, 11, 29)).findings["dismissal_due"]
    assert [(f.caseworker.pk, f.key) for f in due] == [(cw.pk, "2024")]
    services.caseworker_change_status(actor=builders.admin(), caseworker=cw, status="dismissed", on=D(2026, 11, 29))
    assert selectors.county_board(county=county, today=D(2026, 11, 29)).findings["dismissal_due"] == []

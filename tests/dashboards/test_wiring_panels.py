"""The panels on the later models (plans, referrals, reviews, applications, four roles,
staffing), every figure against a hand count on top of the ``town`` fixture."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from caseworkers import services as cw_services
from caseworkers.models import VolunteerAssignment, VolunteerStatus
from households.models import Application, ApplicationStatus, ChangeReport, Plan, PlanStatus, ReviewRun, ReviewTask
from jiuzhu.models import Role
from staffing import selectors as staffing_selectors
from staffing.models import AlertKind, StaffingAlert
from tests import factories
from tests.caseworkers.helpers import active_plan, referral
from tests.clock import TODAY
from tests.dashboards.conftest import NANHU, T1, T2, T3, XIUZHOU
from tests.dashboards.test_pages import area, panel
from tests.staffing import builders

d = datetime.date
DAY = datetime.timedelta(days=1)


@pytest.fixture
def city_user(db):
    return factories.user(Role.CITY_CIVIL, "330400", username="city-wiring")


@pytest.fixture
def wired(town):
    h1, h2, _h3, h4, h5, h6, _h7 = town["h"]
    cw1 = factories.user(Role.CASEWORKER, T1, username="cw-t1")
    cw1b = factories.user(Role.CASEWORKER, T1, username="cw-t1b")
    cw3 = factories.user(Role.CASEWORKER, T3, username="cw-t3")
    # Plans: h1 (T1) gets an active plan with one action 5 days overdue. Assessed, not
    # exited: h1 (T1), h5 (T2), h6 (T3); h3 (T1) is exited.
    active_plan(h1, cw1, due=TODAY - 5 * DAY, ratings={"living": "high"})
    # Referrals sent this year: T1 three employment (one done, one failed), T3 one medical.
    done, failed = referral(cw1, h1), referral(cw1, h1)
    referral(cw1, h2)
    cw_services.referral_transition(actor=cw1, referral=done, target="accepted", today=TODAY)
    done.refresh_from_db()
    cw_services.referral_transition(actor=cw1, referral=done, target="done", today=TODAY)
    cw_services.referral_transition(actor=cw1, referral=failed, target="failed", reason="名额已满", today=TODAY)
    medical = cw_services.resource_create(
        actor=cw3, area=area(T3), name="医疗救助", kind="government", domain="medical", provider="医保局", contact="1"
    )
    referral(cw3, h6, res=medical)
    # Review tasks: NANHU an exit candidate (open since 11-01, due 11-15: past due) and an
    # inclusion candidate (recorded, due later); XIUZHOU a change report from 11-28. A
    # closed task is not counted.
    ReviewTask.objects.create(household=h1, reason="exit_candidate", created_on=d(2026, 11, 1), due_on=d(2026, 11, 15))
    ReviewTask.objects.create(
        household=h5,
        reason="inclusion_candidate",
        created_on=d(2026, 11, 20),
        due_on=d(2026, 12, 10),
        status="recorded",
    )
    ReviewTask.objects.create(household=h6, reason="change_report", created_on=d(2026, 11, 28), due_on=d(2026, 12, 5))
    ReviewTask.objects.create(
        household=h2, reason="exit_candidate", created_on=d(2026, 1, 5), due_on=d(2026, 2, 1), status="closed"
    )
    # Applications: town has h4 submitted without a receipt date (open, no deadline yet).
    # h1 received 09-01, still submitted: investigation overdue. h5 received 11-27: in time.
    # h6 in notice that should have ended 11-20: notice overdue.
    admin = town["admin"]
    Application.objects.create(
        household=h1, category="dibao", status=ApplicationStatus.SUBMITTED, helped_by=admin, received_on=d(2026, 9, 1)
    )
    Application.objects.create(
        household=h5,
        category="dibao",
        status=ApplicationStatus.INVESTIGATING,
        helped_by=admin,
        received_on=d(2026, 11, 27),
    )
    Application.objects.create(
        household=h6,
        category="dibao",
        status=ApplicationStatus.NOTICE,
        helped_by=admin,
        received_on=d(2026, 10, 1),
        notice_start=d(2026, 11, 13),
        notice_end=d(2026, 11, 20),
    )
    # A change report by cw1 (the informant role).
    ChangeReport.objects.create(
        household=h1, kind="income", date=TODAY, source="本人", description="找到工作", reported_by=cw1
    )
    # Volunteers: T1 one active (3.5 h served, at the training) and one inactive; T3 one (2 h).
    v1 = cw_services.volunteer_create(actor=cw1, name="甲", registered_on=TODAY)
    v2 = cw_services.volunteer_create(actor=cw1, name="乙", registered_on=TODAY)
    type(v2).objects.filter(pk=v2.pk).update(status=VolunteerStatus.INACTIVE)
    v3 = cw_services.volunteer_create(actor=cw3, name="丙", registered_on=TODAY)
    a1 = cw_services.assignment_create(actor=cw1, volunteer=v1, task="陪伴", household=h1)
    a3 = cw_services.assignment_create(actor=cw3, volunteer=v3, task="送餐", household=h6)
    VolunteerAssignment.objects.filter(pk=a1.pk).update(hours=Decimal("3.5"))
    VolunteerAssignment.objects.filter(pk=a3.pk).update(hours=Decimal("2.0"))
    # Training: T1, 2 hours, two caseworkers and one volunteer present.
    cw_services.training_create(
        actor=cw1,
        title="低保政策",
        audience="caseworkers",
        topic="policy",
        held_on=TODAY,
        hours=Decimal("2.0"),
        caseworkers_present=[cw1, cw1b],
        volunteers_present=[v1],
    )
    # Staffing: one caseworker in post at T1, none at T2. Today's findings: the contract
    # ends within 90 days and the R-6 deadline (hired 2021-12-01: 2026-12-01) is near; the
    # 2025 appraisal is entered (so not missing). A stale alert row of the nightly run (an
    # appraisal "missing" since entered) must not be counted: the panel is live.
    staff = builders.caseworker(T1, hire=d(2021, 12, 1))
    builders.contract(staff, start=d(2024, 1, 15), end=d(2027, 1, 15))
    builders.appraisal(staff, 2025)
    builders.service_contract(T2, start=d(2023, 1, 1), end=d(2025, 12, 31))  # ended, none running
    StaffingAlert.objects.create(
        kind=AlertKind.APPRAISAL_MISSING,
        caseworker=staff,
        township_id=staff.township_id,
        county_id=staff.county_id,
        key="2025",
        created_on=TODAY,
    )
    builders.transfer(T1, 2026, "10000.00")
    # The nightly review's log: an older run, then last night's that failed at one step.
    started = datetime.datetime(2026, 11, 28, 17, 30, tzinfo=datetime.UTC)
    ReviewRun.objects.create(
        run_on=d(2026, 11, 28), started_at=started - DAY, status="succeeded", counts={"due": 9, "exit_candidate": 9}
    )
    last_night = ReviewRun.objects.create(
        run_on=TODAY,
        started_at=started,
        status="failed",
        errors="OperationalError: disk full",
        counts={"gradual_exit_ended": 1, "due": 4, "exit_candidate": 2},
    )
    # One of its four due tasks is h6's (T3), since closed (so no open candidate).
    ReviewTask.objects.create(
        household=h6, reason="due", created_on=TODAY, due_on=d(2026, 12, 29), status="closed", run=last_night
    )
    return {**town, "cw1": cw1, "cw3": cw3, "staff": staff}


def test_plans_share_of_assessed_households_with_an_active_plan_and_overdue_actions(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "plans").data
    nanhu, xiuzhou = area(NANHU).pk, area(XIUZHOU).pk
    assert [
        data.value(nanhu, k) for k in ("assessed", "planned", "share", "overdue_households", "overdue_actions")
    ] == [2, 1, Decimal("50.0"), 1, 1]
    assert [data.value(xiuzhou, k) for k in ("assessed", "planned", "share", "overdue_actions")] == [
        1,
        0,
        Decimal("0.0"),
        0,
    ]
    assert [data.value(None, k) for k in ("assessed", "planned", "share")] == [3, 1, Decimal("33.3")]
    # The total links to the plan list, which shows that many active plans.
    link = data.cell(None, "planned").link
    assert link == "/households/plans/?status=active"
    assert Plan.objects.in_scope(city_user).filter(status=PlanStatus.ACTIVE).count() == 1


def test_referrals_sent_done_failed_by_domain(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "referrals").data
    nanhu, xiuzhou = area(NANHU).pk, area(XIUZHOU).pk
    assert [c.key for c in data.columns] == [
        "employment_sent",
        "employment_done",
        "employment_failed",
        "medical_sent",
        "medical_done",
        "medical_failed",
    ]
    assert [
        data.value(nanhu, k) for k in ("employment_sent", "employment_done", "employment_failed", "medical_sent")
    ] == [3, 1, 1, 0]
    assert data.value(xiuzhou, "medical_sent") == 1 and data.value(None, "employment_sent") == 3
    assert len(data.chart["labels"]) == 2  # the two domains present, employment first
    assert data.chart["datasets"][0]["data"] == [3, 1]


def test_open_review_candidates_by_reason_with_the_oldest(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "candidates").data
    nanhu, xiuzhou = area(NANHU).pk, area(XIUZHOU).pk
    assert [data.value(nanhu, k) for k in ("exit_candidate", "inclusion_candidate", "change_report", "past_due")] == [
        1,
        1,
        0,
        1,
    ]
    assert (data.value(nanhu, "oldest"), data.value(nanhu, "age")) == (d(2026, 11, 1), 28)
    assert (data.value(xiuzhou, "change_report"), data.value(xiuzhou, "age")) == (1, 1)
    assert (data.value(None, "oldest"), data.value(None, "age")) == (d(2026, 11, 1), 28)
    assert data.cell(None, "exit_candidate").link == "/households/reviews/"
    # A county drill-down: the townships of 南湖区.
    county = panel(login(city_user).get(f"/dashboards/?area={area(NANHU).pk}"), "candidates").data
    assert county.value(area(T1).pk, "exit_candidate") == 1 and county.value(area(T2).pk, "inclusion_candidate") == 1


def test_open_applications_and_overdue_steps_in_working_days(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "applications_overdue").data
    nanhu, xiuzhou = area(NANHU).pk, area(XIUZHOU).pk
    assert [data.value(nanhu, k) for k in ("open", "overdue", "overdue_investigation", "overdue_notice")] == [
        3,
        1,
        1,
        0,
    ]
    assert [data.value(xiuzhou, k) for k in ("open", "overdue", "overdue_investigation", "overdue_notice")] == [
        1,
        1,
        0,
        1,
    ]
    assert data.value(None, "overdue") == 2
    assert data.cell(None, "overdue").link == "/households/applications/due/"


def test_four_roles_output_per_caseworker_and_month(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "four_roles").data
    by_label = {
        row.label: dict(zip([c.key for c in data.columns], [c.value for c in row.cells], strict=True))
        for row in data.rows
    }
    cw1, cw3 = wired["cw1"], wired["cw3"]
    zero = dict.fromkeys(["surveys", "plans", "referrals", "services", "publicity", "change_reports"], 0)
    assert by_label[f"{cw1.display_name} · 2026-11"] == {
        **zero,
        "plans": 1,
        "referrals": 3,
        "change_reports": 1,
        "total": 5,
    }
    assert by_label[f"{cw3.display_name} · 2026-11"] == {**zero, "referrals": 1, "total": 1}
    assert by_label["合计"] == {**zero, "plans": 1, "referrals": 4, "change_reports": 1, "total": 6}
    # A county user's view of 秀洲区 has only that county's caseworker.
    county = factories.user(Role.COUNTY_CIVIL, XIUZHOU, username="xz-civil")
    rows = panel(login(county).get("/dashboards/"), "four_roles").data.body_rows
    assert [r.label for r in rows] == [f"{cw3.display_name} · 2026-11"]


def test_four_roles_chart_draws_each_caseworker_and_labels_the_rows_by_caseworker(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "four_roles").data
    cw1, cw3 = wired["cw1"], wired["cw3"]
    assert data.row_heading == "社工 · 月份"
    chart = data.chart
    assert sorted(chart["labels"]) == sorted([cw1.display_name, cw3.display_name])
    referrals = next(d for d in chart["datasets"] if d["label"] == "转介")
    drawn = dict(zip(chart["labels"], referrals["data"], strict=True))
    assert drawn == {cw1.display_name: 3, cw3.display_name: 1}


def test_volunteers_and_training_hours(wired, city_user, login):
    response = login(city_user).get("/dashboards/")
    volunteers, training = panel(response, "volunteers").data, panel(response, "training").data
    nanhu, xiuzhou = area(NANHU).pk, area(XIUZHOU).pk
    assert [volunteers.value(nanhu, k) for k in ("registered", "active", "served_hours", "training_hours")] == [
        2,
        1,
        Decimal("3.5"),
        Decimal("2.0"),
    ]
    assert [volunteers.value(xiuzhou, k) for k in ("registered", "active", "served_hours")] == [1, 1, Decimal("2.0")]
    assert volunteers.value(None, "served_hours") == Decimal("5.5")
    assert [training.value(nanhu, k) for k in ("sessions", "held_hours", "caseworker_hours", "volunteer_hours")] == [
        1,
        Decimal("2.0"),
        Decimal("4.0"),
        Decimal("2.0"),
    ]
    assert training.value(xiuzhou, "sessions") == 0


def test_staffing_coverage_alerts_and_funding_for_civil_affairs_and_finance(wired, login):
    civil = factories.user(Role.COUNTY_CIVIL, NANHU, username="nh-civil")
    finance = factories.user(Role.COUNTY_FINANCE, NANHU, username="nh-finance")
    for user in (civil, finance):
        response = login(user).get("/dashboards/")
        coverage, alerts, money = (panel(response, k).data for k in ("staffing", "staffing_alerts", "funding"))
        t1, t2 = area(T1).pk, area(T2).pk
        assert [coverage.value(t1, k) for k in ("townships", "uncovered", "in_post")] == [1, 0, 1]
        assert [coverage.value(t2, k) for k in ("townships", "uncovered", "in_post")] == [1, 1, 0]
        townships = len(coverage.body_rows)
        assert coverage.value(None, "uncovered") == townships - 1 and coverage.value(None, "in_post") == 1
        assert [alerts.value(t1, k) for k in ("contract_ending", "qualification_due", "appraisal_missing")] == [1, 1, 0]
        assert alerts.value(None, "contract_ending") == 1
        assert alerts.value(t2, "service_contract_expired") == 1 and alerts.value(None, "no_contract") == 0
        expected = staffing_selectors.county_funding(county=area(NANHU), year=2026)
        t1_row = next(r for r in expected.rows if r.township.pk == t1)
        assert money.value(t1, "transferred") == Decimal("10000.00") == t1_row.transferred
        assert money.value(t1, "required") == t1_row.line.required
        assert money.value(None, "shortfall") == expected.shortfall
        assert money.value(None, "short_townships") == len(expected.short_rows)
        assert coverage.cell(None, "in_post").link == "/staffing/?county=330402"
        assert money.cell(None, "transferred").link == "/staffing/funding/?year=2026&county=330402"


def test_city_staffing_rows_link_to_each_county_board(wired, city_user, login):
    data = panel(login(city_user).get("/dashboards/"), "staffing").data
    assert data.value(area(NANHU).pk, "in_post") == 1
    assert data.cell(area(NANHU).pk, "in_post").link == "/staffing/?county=330402"


def test_a_township_officer_sees_their_township_only(wired, login):
    officer = factories.user(Role.TOWNSHIP_OFFICER, T3, username="t3-officer")
    response = login(officer).get("/dashboards/")
    assert panel(response, "plans").data.value(None, "assessed") == 1
    assert panel(response, "referrals").data.value(None, "medical_sent") == 1
    assert panel(response, "candidates").data.value(None, "change_report") == 1
    assert panel(response, "volunteers").data.value(None, "registered") == 1
    assert panel(response, "staffing").data.value(None, "townships") == 1


def test_query_count_with_every_new_model_filled_is_the_same(wired, city_user, login, django_assert_num_queries):
    client = login(city_user)
    # As in test_pages' count (41): plans, referrals, candidates, staffing, volunteers and
    # training rows do not add queries; applications stay at three, the summary at eight,
    # the last nightly review at one. Once someone is in post (however many): the live
    # staffing findings go from one query to four (caseworkers, their contracts, their
    # appraisals, the policy rows of their counties), the coverage and the funding check
    # read the contracts of the posts' caseworkers (one each): 46.
    with django_assert_num_queries(46):
        assert client.get("/dashboards/").status_code == 200


@pytest.mark.parametrize(
    "key",
    [
        "plans",
        "referrals",
        "candidates",
        "applications_overdue",
        "four_roles",
        "volunteers",
        "training",
        "staffing",
        "staffing_alerts",
        "funding",
        "review_run",
    ],
)
def test_each_new_panel_exports_to_xlsx_and_serialises_in_the_api(wired, city_user, login, key):
    client = login(city_user)
    response = client.get(f"/dashboards/?export={key}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    payload = client.get(f"/api/dashboard/?panel={key}").json()
    [only] = payload["panels"]
    assert only["key"] == key and only["rows"][-1]["is_total"]


def test_the_last_nightly_review_shows_its_date_status_counts_and_errors(wired, city_user, login):
    response = login(city_user).get("/dashboards/")
    data = panel(response, "review_run").data
    assert [data.value(None, k) for k in ("gradual_exit_ended", "due", "exit_candidate", "inclusion_candidate")] == [
        1,
        4,
        2,
        0,
    ]
    assert "2026-11-29" in data.note and "disk full" in data.note
    html = response.content.decode()
    assert 'id="panel-review_run"' in html and reverse("households:review_run_list") in html
    # Township officers read it too (the run log is theirs), counted in their own area:
    # of the run's four due tasks, one is T3's; none is 南湖区's. Caseworkers do not.
    officer = factories.user(Role.TOWNSHIP_OFFICER, T3, username="t3-officer-run")
    mine = panel(login(officer).get("/dashboards/"), "review_run").data
    assert [mine.value(None, k) for k in ("gradual_exit_ended", "due", "exit_candidate")] == [0, 1, 0]
    assert "disk full" in mine.note
    nanhu = factories.user(Role.COUNTY_CIVIL, NANHU, username="nh-civil-run")
    assert panel(login(nanhu).get("/dashboards/"), "review_run").data.value(None, "due") == 0
    caseworker_keys = [p.key for p in login(wired["cw1"]).get("/dashboards/").context["panels"]]
    assert "review_run" not in caseworker_keys


def test_another_countys_user_cannot_drill_into_these_panels(wired, login):
    county = factories.user(Role.COUNTY_CIVIL, XIUZHOU, username="xz-civil-2")
    assert login(county).get(f"/dashboards/?area={area(NANHU).pk}").status_code == 404
    data = panel(login(county).get("/dashboards/"), "referrals").data
    assert data.value(None, "medical_sent") == 1 and "employment_sent" not in [c.key for c in data.columns]

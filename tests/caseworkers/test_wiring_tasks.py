"""My tasks from the households app (review tasks, overdue application steps) and the
change-report counts of the work summary."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from caseworkers import mytasks
from caseworkers.summary import change_report_counts, work_summary
from households.models import Application, ApplicationStatus, ChangeReport, ReviewTask, granted_household_ids
from jiuzhu.models import Role
from tests.caseworkers.helpers import referral
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)
d = datetime.date


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def _task(household, reason, *, due, assigned_to=None, status="open"):
    return ReviewTask.objects.create(
        household=household,
        reason=reason,
        created_on=TODAY - 3 * DAY,
        due_on=due,
        assigned_to=assigned_to,
        status=status,
    )


def _app(household, status, user, **dates):
    return Application.objects.create(household=household, category="dibao", status=status, helped_by=user, **dates)


def test_a_caseworker_sees_their_open_review_tasks_among_the_others_by_date(make, cw):
    h = make.household("330402007")
    other = make.user(Role.CASEWORKER, "330402007")
    mine = _task(h, "exit_candidate", due=TODAY + DAY, assigned_to=cw)
    _task(h, "change_report", due=TODAY - DAY, assigned_to=other)  # someone else's
    _task(h, "inclusion_candidate", due=TODAY, assigned_to=cw, status="closed")  # finished
    referral(cw, h, follow_up_on=TODAY + 2 * DAY)
    referral(cw, h, sent_on=TODAY - 5 * DAY, follow_up_on=TODAY - 2 * DAY)
    # An overdue application in the township: no step of the caseworker's.
    _app(h, ApplicationStatus.SUBMITTED, cw, received_on=d(2026, 9, 1))

    tasks = mytasks.tasks_for(cw, TODAY)

    assert [(t.kind, t.due) for t in tasks] == [
        ("referral", TODAY - 2 * DAY),
        ("review", TODAY + DAY),
        ("referral", TODAY + 2 * DAY),
    ]
    assert tasks[1].url == reverse("households:review_task_detail", args=[mine.pk])
    assert tasks[1].label.startswith(h.dossier_no)
    assert mytasks.task_count(cw, TODAY) == 3


def test_the_badge_counts_reviews_in_the_same_one_query(make, cw, django_assert_num_queries):
    h = make.household("330402007")
    for reason in ("exit_candidate", "change_report", "verification_expired"):
        _task(h, reason, due=TODAY, assigned_to=cw)
    with django_assert_num_queries(1):
        assert mytasks.task_count(cw, TODAY) == 3


def test_a_township_officer_gets_overdue_steps_and_their_township_reviews(make):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    h = make.household("330402007")
    far = make.household("330411002")
    investigation = _app(h, ApplicationStatus.SUBMITTED, officer, received_on=d(2026, 9, 1))
    _app(h, ApplicationStatus.INVESTIGATING, officer, received_on=TODAY - DAY)  # still in time
    notice = _app(h, ApplicationStatus.NOTICE, officer, received_on=d(2026, 10, 1), notice_end=d(2026, 11, 20))
    _app(
        h,
        ApplicationStatus.UNDER_REVIEW,
        officer,
        received_on=d(2026, 8, 1),
        notice_end=d(2026, 8, 20),
        notice_closed_on=d(2026, 8, 20),
    )  # the county's decision: not the township's
    _app(far, ApplicationStatus.SUBMITTED, officer, received_on=d(2026, 9, 1))  # another county
    review = _task(h, "change_report", due=TODAY, status="recorded")

    tasks = mytasks.tasks_for(officer, TODAY)

    assert [t.kind for t in tasks] == ["application", "application", "review"]
    assert [t.url for t in tasks] == [
        reverse("households:application_detail", args=[investigation.pk]),
        reverse("households:application_detail", args=[notice.pk]),
        reverse("households:review_task_detail", args=[review.pk]),
    ]
    assert tasks[0].label.endswith("乡镇调查核实")
    # The badge leaves the calendar-based source out (it must stay one cheap query).
    assert mytasks.task_count(officer, TODAY) == 1


def test_the_county_gets_its_overdue_decisions_only(make):
    county = make.user(Role.COUNTY_CIVIL, "330402")
    h = make.household("330402007")
    _app(h, ApplicationStatus.SUBMITTED, county, received_on=d(2026, 9, 1))
    decision = _app(
        h,
        ApplicationStatus.UNDER_REVIEW,
        county,
        received_on=d(2026, 8, 1),
        notice_end=d(2026, 8, 20),
        notice_closed_on=d(2026, 8, 20),
    )
    apps = [t for t in mytasks.tasks_for(county, TODAY) if t.kind == "application"]
    assert [t.url for t in apps] == [reverse("households:application_detail", args=[decision.pk])]
    other_county = make.user(Role.COUNTY_CIVIL, "330411")
    assert [t for t in mytasks.tasks_for(other_county, TODAY) if t.kind in ("application", "review")] == []


def test_the_officers_task_list_keeps_its_query_count_with_more_rows(make, login, django_assert_num_queries):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    h = make.household("330402007")
    _app(h, ApplicationStatus.SUBMITTED, officer, received_on=d(2026, 9, 1))
    _task(h, "change_report", due=TODAY)
    client = login(officer)
    client.get(reverse("caseworkers:tasks"))  # warm the session and the menu's task badge
    # session, user, area; the grants; open applications, calendar overrides, policy rows;
    # the counts per kind (one aggregate); the page's keys (one union); the page's review
    # tasks; the page's households; no session write, the menu's task badge read from the cache
    with django_assert_num_queries(11):
        first = client.get(reverse("caseworkers:tasks"))
    for n in range(6):
        other = make.household("330402007")
        _app(other, ApplicationStatus.SUBMITTED, officer, received_on=d(2026, 9, 1 + n))
        _task(other, "exit_candidate", due=TODAY - n * DAY)
    with django_assert_num_queries(11):
        second = client.get(reverse("caseworkers:tasks"))
    assert second.context["page_obj"].total == first.context["page_obj"].total + 12
    assert "我的待办" in second.content.decode()


def test_township_officers_and_county_users_have_the_menu_entry_without_a_badge(make, login):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    html = login(officer).get(reverse("caseworkers:tasks")).content.decode()
    assert f'href="{reverse("caseworkers:tasks")}"' in html
    county = login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse("caseworkers:tasks"))
    assert [i.count for i in county.context["nav_items"] if i.url_name == "caseworkers:tasks"] == [None]


def test_a_township_officers_badge_counts_the_townships_due_reviews_in_one_query(
    make, login, django_assert_num_queries
):
    from caseworkers import nav

    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    h = make.household("330402007")
    _task(h, "change_report", due=TODAY)
    _task(make.household("330402007"), "exit_candidate", due=TODAY + 300 * DAY)  # far off: listed, not counted
    with django_assert_num_queries(1):
        [entry] = [i for i in nav.items(officer) if i.url_name == "caseworkers:tasks"]
    assert entry.count == 1


def test_change_reports_count_per_reporter_and_month_in_one_query(make, cw, django_assert_num_queries):
    h = make.household("330402007")
    far_cw = make.user(Role.CASEWORKER, "330411002")
    for reporter, household in ((cw, h), (cw, h), (far_cw, make.household("330411002"))):
        ChangeReport.objects.create(
            household=household, kind="income", date=TODAY, source="本人", description="x", reported_by=reporter
        )
    october = ChangeReport.objects.create(
        household=h, kind="job", date=d(2026, 10, 3), source="邻居", description="y", reported_by=cw
    )
    ChangeReport.objects.filter(pk=october.pk).update(created_at=datetime.datetime(2026, 10, 3, 2, tzinfo=datetime.UTC))
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    granted_household_ids(officer)  # the grants, fetched once per request user
    with django_assert_num_queries(1):
        counts = change_report_counts(user=officer, start=d(2026, 1, 1), end=d(2027, 1, 1))
    assert counts == {(cw.pk, d(2026, 11, 1)): 2, (cw.pk, d(2026, 10, 1)): 1}
    rows = {
        (r.caseworker.pk, r.month.month): r.counts["change_reports"]
        for r in work_summary(user=officer, start=d(2026, 1, 1), end=d(2027, 1, 1))
    }
    assert rows == {(cw.pk, 11): 2, (cw.pk, 10): 1}


def _temporary_decision(household, user):
    return Application.objects.create(
        household=household,
        category="temporary",
        status=ApplicationStatus.UNDER_REVIEW,
        helped_by=user,
        received_on=d(2026, 8, 1),
        notice_end=d(2026, 8, 20),
        notice_closed_on=d(2026, 8, 20),
    )


def test_an_overdue_temporary_aid_decision_is_on_the_county_and_the_township_lists(make):
    county, officer = make.user(Role.COUNTY_CIVIL, "330402"), make.user(Role.TOWNSHIP_OFFICER, "330402007")
    app = _temporary_decision(make.household("330402007"), county)
    url = reverse("households:application_detail", args=[app.pk])
    for user in (county, officer):
        assert [t.url for t in mytasks.tasks_for(user, TODAY) if t.kind == "application"] == [url]
    other_county = make.user(Role.COUNTY_CIVIL, "330411")
    assert [t for t in mytasks.tasks_for(other_county, TODAY) if t.kind == "application"] == []


def _urgent(household, user, **fields):
    values = {
        "category": "temporary",
        "status": ApplicationStatus.APPROVED,
        "helped_by": user,
        "urgent": True,
        "urgent_reason": "火灾",
        "received_on": d(2026, 11, 2),
        "decided_on": d(2026, 11, 3),
        **fields,
    }
    return Application.objects.create(household=household, **values)


def test_urgent_cases_with_steps_outstanding_are_on_the_township_officers_list_and_badge(make, cw):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    h = make.household("330402007")
    both = _urgent(h, officer)
    notice = _urgent(h, officer, investigation_completed_on=d(2026, 11, 10), decided_on=d(2026, 11, 4))
    _urgent(h, officer, investigation_completed_on=d(2026, 11, 10), notice_closed_on=d(2026, 11, 23))  # complete
    _urgent(h, officer, status=ApplicationStatus.SUBMITTED)  # not decided: in the ordinary steps
    _urgent(make.household("330402008"), officer)  # another township

    urgent = [t for t in mytasks.tasks_for(officer, TODAY) if t.kind == "urgent"]

    assert [t.url for t in urgent] == [
        reverse("households:application_detail", args=[both.pk]),
        reverse("households:application_detail", args=[notice.pk]),
    ]
    assert urgent[0].due == d(2026, 11, 3) and urgent[0].label.endswith("乡镇调查核实、民主评议与公示")
    assert urgent[1].label.endswith(" · 民主评议与公示")
    assert mytasks.task_count(officer, TODAY) == 2
    # The caseworker does not take these steps' lead: neither listed nor counted.
    assert [t for t in mytasks.tasks_for(cw, TODAY) if t.kind == "urgent"] == []
    assert mytasks.task_count(cw, TODAY) == 0


def test_the_officers_task_list_with_urgent_cases_keeps_its_query_count(make, login, django_assert_num_queries):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    h = make.household("330402007")
    _app(h, ApplicationStatus.SUBMITTED, officer, received_on=d(2026, 9, 1))
    _urgent(h, officer)
    client = login(officer)
    client.get(reverse("caseworkers:tasks"))  # warm the session and the menu's task badge
    # as test_the_officers_task_list_keeps_its_query_count_with_more_rows, the page's urgent
    # cases in place of its review tasks
    with django_assert_num_queries(11):
        first = client.get(reverse("caseworkers:tasks"))
    for _ in range(6):
        _urgent(make.household("330402007"), officer)
    with django_assert_num_queries(11):
        second = client.get(reverse("caseworkers:tasks"))
    assert second.context["page_obj"].total == first.context["page_obj"].total + 6


def test_a_follow_up_visit_promised_at_a_survey_is_the_recorders_task_until_a_later_visit(make, login):
    from households.models import Survey

    worker, second = make.user(Role.CASEWORKER, "330402007"), make.user(Role.CASEWORKER, "330402007")
    household = make.household("330402007", members=1)
    client = login(worker)
    url = reverse("households:survey_new", args=[household.pk])
    visit = {
        "present": [worker.pk, second.pk],
        "housing": "own",
        "housing_condition": "fair",
        **{f"member_{m.pk}": "confirmed" for m in household.members.all()},
    }

    refused = client.post(
        url, {**visit, "visited_on": "2026-11-20", "follow_up_on": "2026-11-20"}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert refused.status_code == 400
    assert refused.context["form"].errors["follow_up_on"][0].startswith("计划日期")
    assert not Survey.objects.exists()

    badge_before = mytasks.task_count(worker, d(2026, 11, 29))
    assert client.post(url, {**visit, "visited_on": "2026-11-20", "follow_up_on": "2026-12-01"}).status_code == 302
    follow_ups = [(t.due, t.household_id) for t in mytasks.tasks_for(worker, d(2026, 11, 29)) if t.kind == "survey"]
    assert follow_ups == [(d(2026, 12, 1), household.pk)]
    assert mytasks.task_count(worker, d(2026, 11, 29)) == badge_before + 1  # due within the badge's 7 days
    assert not [t for t in mytasks.tasks_for(second, d(2026, 11, 29)) if t.kind == "survey"]  # the recorder's promise

    assert client.post(url, {**visit, "visited_on": "2026-11-25"}).status_code == 302  # the visit was made
    assert not [t for t in mytasks.tasks_for(worker, d(2026, 11, 29)) if t.kind == "survey"]
    assert mytasks.task_count(worker, d(2026, 11, 29)) == badge_before

"""The review workflow: change reports, recording a review, the township officer's decision."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from households.models import (
    ChangeReport,
    Enrolment,
    EnrolmentStatusChange,
    RecordDecision,
    ReviewRecord,
    ReviewRun,
    ReviewStatus,
    ReviewTask,
)
from households.review import nightly as review_pass
from households.review import services as review_services
from jiuzhu.errors import RuleViolation
from tests.clock import TODAY
from tests.households.review.review_support import enrol, verification

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(make):
    make.policy_row("330400", 2026, "1200.00")
    caseworker = make.user("caseworker", "330402007")
    officer = make.user("township_officer", "330402007")
    stranger = make.user("caseworker", "330411002")
    stranger_officer = make.user("township_officer", "330411002")
    household = make.household("330402007", members=2, status="active")
    household.caseworkers.add(caseworker)
    dibao = enrol(household, "dibao", amount="500.00")
    verification(household, per_capita="1500.00", from_work=True, verified_on=datetime.date(2026, 11, 1))
    review_pass.run_review(run_on=TODAY)
    task = ReviewTask.objects.get(household=household, reason="exit_candidate")
    return {
        "caseworker": caseworker,
        "officer": officer,
        "stranger": stranger,
        "stranger_officer": stranger_officer,
        "household": household,
        "dibao": dibao,
        "task": task,
    }


def test_the_pass_assigns_the_exit_task_to_the_households_caseworker(world):
    assert world["task"].assigned_to == world["caseworker"]
    assert world["task"].gradual_exit_until == datetime.date(2027, 5, 1)


def test_a_change_report_puts_the_household_on_the_review_list_exactly_once(world):
    for _ in range(2):
        review_services.change_report_create(
            actor=world["caseworker"],
            household=world["household"],
            kind="job",
            date=TODAY,
            source="本人",
            description="找到工作",
            today=TODAY,
        )
    assert ChangeReport.objects.filter(household=world["household"]).count() == 2
    assert ReviewTask.objects.filter(household=world["household"], reason="change_report").count() == 1


def test_the_change_report_form_saves_and_another_areas_household_is_refused(world, login, make):
    client = login(world["caseworker"])
    url = reverse("households:change_report_create")
    assert client.get(url + f"?household={world['household'].pk}").status_code == 200
    response = client.post(
        url,
        {
            "dossier_no": world["household"].dossier_no,
            "kind": "illness",
            "date": "2026-11-20",
            "source": "邻居",
            "description": "住院",
        },
    )
    assert response.status_code == 302
    assert ReviewTask.objects.filter(household=world["household"], reason="change_report", status="open").count() == 1
    other = make.household("330411002")
    response = client.post(
        url,
        {
            "dossier_no": other.dossier_no,
            "kind": "illness",
            "date": "2026-11-20",
            "source": "邻居",
            "description": "住院",
        },
    )
    assert response.status_code == 200 and response.context["form"].errors["dossier_no"]
    assert not ChangeReport.objects.filter(household=other).exists()


def test_an_exit_recorded_by_the_caseworker_and_confirmed_by_the_officer_changes_the_enrolment(world, login):
    task = world["task"]
    client = login(world["caseworker"])
    response = client.post(
        reverse("households:review_task_detail", args=[task.pk]),
        {
            "visited_on": "2026-11-28",
            "outcome": "exit",
            "enrolment": world["dibao"].pk,
            "exit_reason": "收入超过标准",
            "version": task.version,
        },
    )
    assert response.status_code == 302
    record = ReviewRecord.objects.get(task=task)
    assert record.decision == RecordDecision.PENDING and record.gradual_exit_until == datetime.date(2027, 5, 1)
    task.refresh_from_db()
    assert task.status == ReviewStatus.RECORDED
    # The caseworker cannot confirm their own proposal.
    assert client.post(reverse("households:review_decide", args=[record.pk]), {"confirm": "1"}).status_code == 403

    officer = login(world["officer"])
    assert officer.get(reverse("households:review_confirm_queue")).status_code == 200
    response = officer.post(
        reverse("households:review_decide", args=[record.pk]), {"confirm": "1", "decision_note": "同意"}
    )
    assert response.status_code == 302
    world["dibao"].refresh_from_db()
    assert world["dibao"].status == "gradual_exit" and world["dibao"].end_on == datetime.date(2027, 5, 1)
    change = EnrolmentStatusChange.objects.get(enrolment=world["dibao"])
    assert (change.from_status, change.to_status, change.by) == ("active", "gradual_exit", world["officer"])
    task.refresh_from_db()
    assert task.status == ReviewStatus.CONFIRMED
    world["household"].refresh_from_db()
    assert world["household"].next_review_on is not None and world["household"].last_visit_on == datetime.date(
        2026, 11, 28
    )


def test_a_review_sent_back_reopens_the_task(world):
    record = review_services.review_record(
        actor=world["caseworker"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入高",
        today=TODAY,
    )
    with pytest.raises(RuleViolation):
        review_services.review_decide(actor=world["officer"], record=record, confirm=False, note="", today=TODAY)
    review_services.review_decide(actor=world["officer"], record=record, confirm=False, note="请补充核对", today=TODAY)
    world["task"].refresh_from_db()
    assert world["task"].status == ReviewStatus.OPEN
    world["dibao"].refresh_from_db()
    assert world["dibao"].status == "active" and not EnrolmentStatusChange.objects.exists()


def test_keep_finishes_the_task_without_confirmation_and_dates_the_next_review(world):
    review_services.review_record(
        actor=world["caseworker"], task=world["task"], visited_on=TODAY, outcome="keep", today=TODAY
    )
    world["task"].refresh_from_db()
    assert world["task"].status == ReviewStatus.CLOSED
    world["household"].refresh_from_db()
    assert world["household"].next_review_on == datetime.date(2027, 11, 29)  # stable income: 12 months


def test_adjusting_the_amount_and_enrolling_in_another_category_write_the_chain(world, make):
    record = review_services.review_record(
        actor=world["caseworker"],
        task=world["task"],
        visited_on=TODAY,
        outcome="adjust_amount",
        enrolment=world["dibao"],
        proposed_amount=Decimal("320.00"),
        today=TODAY,
    )
    review_services.review_decide(actor=world["officer"], record=record, confirm=True, today=TODAY)
    world["dibao"].refresh_from_db()
    assert world["dibao"].monthly_amount == Decimal("320.00")
    assert "320.00" in EnrolmentStatusChange.objects.get(enrolment=world["dibao"]).reason

    other = make.household("330402007", status="active")
    task = review_services.change_report_create(
        actor=world["caseworker"],
        household=other,
        kind="income",
        date=TODAY,
        source="核对",
        description="收入下降",
        today=TODAY,
    )
    task = ReviewTask.objects.get(household=other)
    record = review_services.review_record(
        actor=world["caseworker"],
        task=task,
        visited_on=TODAY,
        outcome="enrol_other",
        proposed_category="low_income",
        proposed_amount=Decimal("100.00"),
        today=TODAY,
    )
    review_services.review_decide(actor=world["officer"], record=record, confirm=True, today=TODAY)
    new = Enrolment.objects.get(household=other)
    assert (new.category, new.status, new.start_on) == ("low_income", "active", TODAY)
    assert EnrolmentStatusChange.objects.get(enrolment=new).to_status == "active"


def test_an_exit_without_a_reason_is_refused_next_to_the_field_and_nothing_is_saved(world, login):
    client = login(world["caseworker"])
    response = client.post(
        reverse("households:review_task_detail", args=[world["task"].pk]),
        {
            "visited_on": "2026-11-28",
            "outcome": "exit",
            "enrolment": world["dibao"].pk,
            "exit_reason": "",
            "version": world["task"].version,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["exit_reason"]
    assert not ReviewRecord.objects.exists()


def test_a_stale_form_is_refused(world):
    with pytest.raises(RuleViolation):
        review_services.review_record(
            actor=world["caseworker"],
            task=world["task"],
            visited_on=TODAY,
            outcome="keep",
            expected_version=world["task"].version + 5,
            today=TODAY,
        )
    assert not ReviewRecord.objects.exists()


def test_another_areas_users_get_404_on_every_review_page(world, login, make):
    record = review_services.review_record(
        actor=world["caseworker"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入高",
        today=TODAY,
    )
    client = login(world["stranger"])
    assert client.get(reverse("households:review_task_detail", args=[world["task"].pk])).status_code == 404
    assert world["task"].household.dossier_no not in client.get(reverse("households:review_task_list")).content.decode()
    assert (
        world["task"].household.dossier_no not in client.get(reverse("households:change_report_list")).content.decode()
    )
    officer = login(world["stranger_officer"])
    assert officer.post(reverse("households:review_decide", args=[record.pk]), {"confirm": "1"}).status_code == 404
    assert world["household"].dossier_no not in officer.get(reverse("households:review_confirm_queue")).content.decode()


def test_caseworkers_may_not_open_the_confirmation_queue_or_the_run_log(world, login):
    client = login(world["caseworker"])
    assert client.get(reverse("households:review_confirm_queue")).status_code == 403
    assert client.get(reverse("households:review_run_list")).status_code == 403
    assert login(world["officer"]).get(reverse("households:review_run_list")).status_code == 200


def test_the_run_review_command_runs_the_pass_for_a_date(world, capsys):
    call_command("run_review", "--date", "2026-11-30")
    run = ReviewRun.objects.latest("started_at")
    assert run.run_on == datetime.date(2026, 11, 30) and run.status == "succeeded"
    assert "succeeded" in capsys.readouterr().out


def test_the_celery_task_runs_the_pass(world):
    from households.tasks import run_review

    result = run_review.delay("2026-11-30").get()
    assert result["status"] == "succeeded" and ReviewRun.objects.filter(run_on="2026-11-30").exists()


def test_the_review_demo_is_deterministic_and_idempotent(make):
    import io
    import random

    from households import demo
    from households.review import demo as review_demo

    for year in (2024, 2025, 2026):
        make.policy_row("330400", year, "1200.00")
    users = {
        name: make.user(role, code, username=name)
        for name, role, code in [("demo-caseworker", "caseworker", "330402007"), ("demo-admin", "admin", None)]
    }
    users.update({name: users["demo-admin"] for name in ("demo-caseworker2", "demo-township", "demo-county")})
    out = io.StringIO()
    demo.seed(rng=random.Random(1), users=users, stdout=out)
    review_demo.seed(rng=random.Random(1), users=users, stdout=out)
    tasks, reports = ReviewTask.objects.count(), ChangeReport.objects.count()
    assert tasks > 0 and reports == 4 and ReviewRun.objects.count() == 1
    review_demo.seed(rng=random.Random(1), users=users, stdout=out)
    assert (ReviewTask.objects.count(), ChangeReport.objects.count(), ReviewRun.objects.count()) == (tasks, reports, 1)


def test_the_task_page_shows_the_form_to_the_caseworker_and_the_queue_shows_the_proposal(world, login):
    client = login(world["caseworker"])
    page = client.get(reverse("households:review_task_detail", args=[world["task"].pk]))
    assert page.status_code == 200 and page.context["form"] is not None
    assert "2027-05-01" in page.content.decode()  # the gradual-exit period's last day (art. 201: 1 Nov not counted)
    review_services.review_record(
        actor=world["caseworker"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入超过标准",
        today=TODAY,
    )
    assert client.get(reverse("households:review_task_detail", args=[world["task"].pk])).context["form"] is None
    queue = login(world["officer"]).get(reverse("households:review_confirm_queue")).content.decode()
    assert world["household"].dossier_no in queue and "收入超过标准" in queue


def test_an_officer_may_not_confirm_a_review_they_recorded_themselves(world, make):
    record = review_services.review_record(
        actor=world["officer"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入高",
        today=TODAY,
    )
    with pytest.raises(RuleViolation) as refused:
        review_services.review_decide(actor=world["officer"], record=record, confirm=True, today=TODAY)
    assert "另一名" in " ".join(refused.value.messages())
    world["dibao"].refresh_from_db()
    record.refresh_from_db()
    assert world["dibao"].status == "active" and record.decision == RecordDecision.PENDING
    # Another officer (or an administrator) confirms it.
    review_services.review_decide(
        actor=make.user("township_officer", "330402007"), record=record, confirm=True, today=TODAY
    )
    world["dibao"].refresh_from_db()
    assert world["dibao"].status == "gradual_exit"


def test_the_officer_finds_the_queue_and_run_log_in_the_menu_and_decides_on_the_task_page(world, login, make):
    review_services.review_record(
        actor=world["caseworker"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入超过标准",
        today=TODAY,
    )
    officer = login(world["officer"])
    page = officer.get(reverse("households:review_task_detail", args=[world["task"].pk]))
    menu = {item.url_name for item in page.context["nav_items"]}
    assert {"households:review_confirm_queue", "households:review_run_list"} <= menu
    html = page.content.decode()
    record = ReviewRecord.objects.get(task=world["task"])
    decide = reverse("households:review_decide", args=[record.pk])
    assert f'action="{decide}"' in html and reverse("households:review_confirm_queue") in html
    response = officer.post(decide, {"confirm": "1", "decision_note": "同意"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == reverse("households:review_confirm_queue")
    world["dibao"].refresh_from_db()
    assert world["dibao"].status == "gradual_exit"
    # The caseworker sees neither entry nor a decision form; county civil affairs see the run log only.
    caseworker_page = login(world["caseworker"]).get(reverse("households:review_task_detail", args=[world["task"].pk]))
    assert {i.url_name for i in caseworker_page.context["nav_items"]}.isdisjoint(
        {"households:review_confirm_queue", "households:review_run_list"}
    )
    assert caseworker_page.context["pending"] is None
    county = login(make.user("county_civil", "330402")).get(reverse("households:review_task_list"))
    county_menu = {i.url_name for i in county.context["nav_items"]}
    assert "households:review_run_list" in county_menu and "households:review_confirm_queue" not in county_menu


def test_the_task_page_tells_the_officer_who_recorded_it_to_ask_another(world, login):
    review_services.review_record(
        actor=world["officer"],
        task=world["task"],
        visited_on=TODAY,
        outcome="exit",
        enrolment=world["dibao"],
        exit_reason="收入高",
        today=TODAY,
    )
    page = login(world["officer"]).get(reverse("households:review_task_detail", args=[world["task"].pk]))
    html = page.content.decode()
    assert "另一名" in html and reverse("households:review_decide", args=[page.context["pending"].pk]) not in html


def test_escalated_tasks_show_to_the_township_officer(world, login):
    review_pass.run_review(run_on=TODAY + datetime.timedelta(days=30))
    world["task"].refresh_from_db()
    assert world["task"].escalated_on is not None
    officer = login(world["officer"])
    queue = officer.get(reverse("households:review_confirm_queue"))
    assert [t.pk for t in queue.context["escalated"]] == [world["task"].pk]
    assert reverse("households:review_task_detail", args=[world["task"].pk]) in queue.content.decode()
    tasks = officer.get(reverse("households:review_task_list"))
    assert world["task"].pk in [t.pk for t in tasks.context["tasks"]]
    # Another township's officer does not see it.
    other = login(world["stranger_officer"]).get(reverse("households:review_confirm_queue"))
    assert list(other.context["escalated"]) == []


def test_a_reported_death_suggests_an_exit_on_the_task_it_opens(world, login, make):
    single = make.household("330402007", members=1, status="active")
    review_services.change_report_create(
        actor=world["caseworker"],
        household=single,
        kind="death",
        date=TODAY,
        source="村委会",
        description="户主去世",
        today=TODAY,
    )
    task = ReviewTask.objects.get(household=single, reason="change_report")
    assert task.suggested_outcome == "exit"
    page = login(world["caseworker"]).get(reverse("households:review_task_detail", args=[task.pk]))
    assert page.context["form"].initial["outcome"] == "exit"
    # In a larger household the others stay assisted: recount the amount instead.
    review_services.change_report_create(
        actor=world["caseworker"],
        household=world["household"],
        kind="death",
        date=TODAY,
        source="村委会",
        description="一名成员去世",
        today=TODAY,
    )
    assert (
        ReviewTask.objects.get(household=world["household"], reason="change_report").suggested_outcome
        == "adjust_amount"
    )
    job = make.household("330402007", members=1, status="active")
    review_services.change_report_create(
        actor=world["caseworker"],
        household=job,
        kind="job",
        date=TODAY,
        source="本人",
        description="找到工作",
        today=TODAY,
    )
    assert ReviewTask.objects.get(household=job, reason="change_report").suggested_outcome == ""


def test_the_nightly_review_is_in_the_beat_schedule():
    from celery.schedules import crontab

    from jiuzhu.celery import app as celery_app

    entry = celery_app.conf.beat_schedule["households-nightly-review"]
    assert entry["task"] == "households.run_review"
    assert entry["schedule"] == crontab(hour=1, minute=30)

import datetime

import pytest

from caseworkers import mytasks, services
from caseworkers.summary import COLUMNS, work_summary
from households.models import Survey
from jiuzhu.models import Role
from tests.caseworkers.helpers import active_plan, referral, resource, service
from tests.clock import TODAY

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_my_tasks_lists_every_source_earliest_first(make, cw):
    h = make.household("330402007")
    active_plan(h, cw, due=TODAY + 5 * DAY, ratings={"living": "high"})
    referral(cw, h, follow_up_on=TODAY + 2 * DAY)
    service(cw, [h], held_on=TODAY - 3 * DAY, follow_up_on=TODAY - DAY)
    v = services.volunteer_create(actor=cw, name="志愿者", registered_on=TODAY)
    services.assignment_create(actor=cw, volunteer=v, task="陪伴", household=h, due_on=TODAY + 3 * DAY)
    # Not mine, or closed: not listed.
    other = make.user(Role.CASEWORKER, "330402007")
    referral(other, h, follow_up_on=TODAY)
    done = referral(cw, h, follow_up_on=TODAY)
    services.referral_transition(actor=cw, referral=done, target="failed", reason="x")

    tasks = mytasks.tasks_for(cw, TODAY)

    assert [t.kind for t in tasks] == ["service", "referral", "volunteer", "plan_action"]
    assert [t.due for t in tasks] == [TODAY - DAY, TODAY + 2 * DAY, TODAY + 3 * DAY, TODAY + 5 * DAY]
    assert tasks[0].overdue(TODAY) and not tasks[1].overdue(TODAY)
    assert mytasks.task_count(cw, TODAY) == 4


def test_my_tasks_one_query_per_source_and_count_in_one_query(make, cw, django_assert_num_queries):
    h = make.household("330402007")
    for _n in range(3):
        referral(cw, h, follow_up_on=TODAY)
        service(cw, [h], follow_up_on=TODAY)
    # one per SQL source the caseworker has (plan actions, referrals, services, volunteers,
    # reviews) and the grants; none for the procedure's steps and urgent cases (not theirs)
    with django_assert_num_queries(len(mytasks.SOURCES) - 1):
        tasks = mytasks.tasks_for(cw, TODAY)
    assert len(tasks) == 6
    with django_assert_num_queries(1):
        assert mytasks.task_count(cw, TODAY) == 6


def test_work_summary_matches_hand_counts(make, cw, django_assert_num_queries):
    h = make.household("330402007")
    second = make.user(Role.CASEWORKER, "330402007")
    Survey.objects.create(
        household=h, visited_on=datetime.date(2026, 10, 5), housing="own", housing_condition="good", recorded_by=cw
    )
    Survey.objects.create(
        household=h, visited_on=datetime.date(2026, 11, 5), housing="own", housing_condition="good", recorded_by=cw
    )
    active_plan(h, cw)
    referral(cw, h)
    referral(cw, h)
    referral(second, h)
    service(cw, [h], held_on=datetime.date(2026, 10, 20))
    services.publicity_create(
        actor=second, held_on=TODAY, topics="低保", place="社区", form="community_talk", head_count=30
    )
    # Elsewhere: not in the township's summary.
    far = make.user(Role.CASEWORKER, "330411002")
    referral(far, make.household("330411002"), res=resource(far, "330411002"))

    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    # 6 GROUP BY queries (one per role count, change reports included) + the caseworkers
    # + the user's guardian grants
    with django_assert_num_queries(8):
        rows = work_summary(user=officer, start=datetime.date(2026, 1, 1), end=datetime.date(2027, 1, 1))
    got = {(r.caseworker.pk, r.month.month): dict(zip(COLUMNS, r.values())) for r in rows}
    zero = dict.fromkeys(COLUMNS, 0)
    assert got == {
        (cw.pk, 10): {**zero, "surveys": 1, "services": 1},
        (cw.pk, 11): {**zero, "surveys": 1, "plans": 1, "referrals": 2},
        (second.pk, 11): {**zero, "referrals": 1, "publicity": 1},
    }
    county = make.user(Role.COUNTY_CIVIL, "330411")
    assert [
        r.caseworker.pk
        for r in work_summary(user=county, start=datetime.date(2026, 1, 1), end=datetime.date(2027, 1, 1))
    ] == [far.pk]


def test_an_active_plans_next_review_is_a_task_of_its_author(make, cw):
    from households.plans import services as plan_services

    h = make.household("330402007")
    plan = active_plan(h, cw, due=None, ratings={"living": "high"})
    plan_services.plan_update(actor=cw, plan=plan, next_review_on=TODAY + 2 * DAY)
    [task] = [t for t in mytasks.tasks_for(cw, TODAY) if t.kind == "plan_review"]
    assert task.due == TODAY + 2 * DAY and h.dossier_no in task.label
    assert mytasks.kind_label("plan_review") == "计划复核到期"
    assert [
        t for t in mytasks.tasks_for(make.user(Role.CASEWORKER, "330402008"), TODAY) if t.kind == "plan_review"
    ] == []
    plan_services.plan_close(actor=cw, plan=plan, outcome="稳定")
    assert [t for t in mytasks.tasks_for(cw, TODAY) if t.kind == "plan_review"] == []


def test_the_badge_counts_only_what_is_overdue_or_due_within_the_window(make, cw, settings):
    h = make.household("330402007")
    settings.JIUZHU_TASK_BADGE_DAYS = 7
    referral(cw, h, sent_on=TODAY - 9 * DAY, follow_up_on=TODAY - DAY)  # overdue
    referral(cw, h, follow_up_on=TODAY + 7 * DAY)  # the window's last day: 以内 includes it
    referral(cw, h, follow_up_on=TODAY + 8 * DAY)
    service(cw, [h], follow_up_on=TODAY + 300 * DAY)
    assert len(mytasks.tasks_for(cw, TODAY)) == 4
    assert mytasks.task_count(cw, TODAY) == 2
    settings.JIUZHU_TASK_BADGE_DAYS = 8
    assert mytasks.task_count(cw, TODAY) == 3

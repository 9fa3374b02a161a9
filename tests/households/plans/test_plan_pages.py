import pytest
from django.urls import reverse

from households.models import Plan, PlanStatus
from jiuzhu.models import Role
from tests.caseworkers.helpers import active_plan, assessment
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def test_caseworker_makes_a_plan_adds_an_action_and_activates_it(make, cw, login):
    h = make.household("330402007")
    a = assessment(h, cw, {"living": "high"})
    client = login(cw)
    response = client.post(reverse("households:plan_new"), {"assessment": a.pk})
    plan = Plan.objects.get()
    assert response.status_code == 302 and response.url == reverse("households:plan_detail", args=[plan.pk])
    client.post(
        reverse("households:plan_action_add", args=[plan.pk]),
        {
            "goal": plan.goals.get().pk,
            "kind": "government",
            "description": "申请临时救助",
            "responsible": cw.pk,
            "due_on": "2026-12-10",
            "resource_name": "临时救助",
        },
    )
    client.post(
        reverse("households:plan_edit", args=[plan.pk]),
        {"agreed_on": "2026-11-29", "agreed_by_name": "户主", "version": 1},
    )
    client.post(reverse("households:plan_activate", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.agreed_on == TODAY
    page = client.get(reverse("households:plan_detail", args=[plan.pk]))
    assert "申请临时救助" in page.content.decode()


def test_activation_refusal_is_shown_in_chinese(make, cw, login):
    h = make.household("330402007")
    a = assessment(h, cw, {"living": "high"})
    client = login(cw)
    client.post(reverse("households:plan_new"), {"assessment": a.pk})
    plan = Plan.objects.get()
    page = client.post(reverse("households:plan_activate", args=[plan.pk]), follow=True)
    assert "计划生效前请登记家庭同意的日期。" in page.content.decode()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.DRAFT


@pytest.mark.parametrize(
    "name",
    [
        "households:plan_detail",
        "households:plan_edit",
        "households:plan_activate",
        "households:plan_action_add",
        "households:plan_review_add",
        "households:plan_close",
    ],
)
def test_another_townships_caseworker_gets_404(make, cw, login, name):
    plan = active_plan(make.household("330402007"), cw)
    other = make.user(Role.CASEWORKER, "330402008")
    client = login(other)
    response = (
        client.get(reverse(name, args=[plan.pk]))
        if name.endswith("detail")
        else client.post(reverse(name, args=[plan.pk]), {"outcome": "x"})
    )
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE


def test_plan_list_scope_township_and_county(make, cw, login):
    own = active_plan(make.household("330402007"), cw)
    elsewhere_cw = make.user(Role.CASEWORKER, "330411002")
    elsewhere = active_plan(make.household("330411002"), elsewhere_cw)
    listed = login(make.user(Role.CASEWORKER, "330402008")).get(reverse("households:plan_list")).context["plans"]
    assert list(listed) == []
    county = login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse("households:plan_list")).context["plans"]
    assert [p.pk for p in county] == [own.pk]
    assert elsewhere.pk not in [p.pk for p in county]


def test_action_step_of_another_township_is_404(make, cw, login):
    plan = active_plan(make.household("330402007"), cw)
    action = plan.actions.first()
    response = login(make.user(Role.CASEWORKER, "330402008")).post(
        reverse("households:plan_action_step", args=[action.pk]), {"status": "done"}
    )
    assert response.status_code == 404


def test_county_user_may_read_but_not_change_a_plan(make, cw, login):
    plan = active_plan(make.household("330402007"), cw)
    client = login(make.user(Role.COUNTY_CIVIL, "330402"))
    assert client.get(reverse("households:plan_detail", args=[plan.pk])).status_code == 200
    assert client.post(reverse("households:plan_close", args=[plan.pk]), {"outcome": "x"}).status_code == 403


def test_plan_list_queries_do_not_grow_with_rows(make, cw, login, django_assert_num_queries):
    client = login(cw)
    active_plan(make.household("330402007"), cw)
    client.get(reverse("households:plan_list"))  # the first view counts the menu's task badge
    # session, user, user's area, the user's guardian grants, paginator count, plans with
    # their household and action counts (no session write; the badge read from the cache)
    with django_assert_num_queries(6):
        client.get(reverse("households:plan_list"))
    for _n in range(19):
        active_plan(make.household("330402007"), cw)
    with django_assert_num_queries(6):
        response = client.get(reverse("households:plan_list"))
    assert len(response.context["plans"]) == 20


def test_dossier_plan_section_uses_fixed_queries(make, cw, django_assert_num_queries):
    from households.plans.selectors import plan_section

    h = make.household("330402007")
    active_plan(h, cw)
    # the user's guardian grants; plans, goals, actions (with responsible)
    with django_assert_num_queries(4):
        [section] = plan_section(household=h, user=cw)
    assert section.template_name == "households/plans/_dossier_plan.html" and section.context["active_plan"] is not None
    other = make.user(Role.CASEWORKER, "330402008")
    assert plan_section(household=h, user=other)[0].context["plans"] == []


def test_action_progress_review_and_closing_through_the_pages(make, cw, login):
    plan = active_plan(make.household("330402007"), cw)
    action = plan.actions.first()
    goal = plan.goals.first()
    client = login(cw)
    client.post(reverse("households:plan_action_step", args=[action.pk]), {"status": "in_progress"})
    client.post(reverse("households:plan_action_step", args=[action.pk]), {"status": "done"})
    action.refresh_from_db()
    assert action.status == "done" and action.done_on is not None
    client.post(
        reverse("households:plan_review_add", args=[plan.pk]),
        {
            "reviewed_on": "2026-11-29",
            "summary": "进展顺利",
            "next_review_on": "2027-02-28",
            f"goal_{goal.pk}": "已落实",
        },
    )
    plan.refresh_from_db()
    assert plan.next_review_on.isoformat() == "2027-02-28"
    assert plan.reviews.get().progress == {str(goal.pk): "已落实"}
    page = client.get(reverse("households:plan_detail", args=[plan.pk])).content.decode()
    # The review shows each goal's text with the progress noted against it.
    assert f"<dt>{goal.text}</dt><dd>已落实</dd>" in page
    client.post(reverse("households:plan_close", args=[plan.pk]), {"outcome": "家庭收入稳定"})
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CLOSED
    page = client.get(reverse("households:plan_detail", args=[plan.pk])).content.decode()
    assert "家庭收入稳定" in page and "添加帮扶措施" not in page  # closed: no more forms


def test_plan_new_from_an_older_assessment_is_refused_on_the_page(make, cw, login):
    import datetime

    h = make.household("330402007")
    old = assessment(h, cw, {"living": "high"}, on=TODAY - datetime.timedelta(days=30))
    assessment(h, cw, {"living": "high"})
    response = login(cw).post(reverse("households:plan_new"), {"assessment": old.pk})
    assert response.status_code == 200 and response.context["form"].errors["assessment"]
    assert not Plan.objects.exists()


def test_plan_new_offers_the_chosen_assessment_only_and_a_short_list_otherwise(
    make, cw, login, django_assert_num_queries
):
    client = login(cw)
    latest = [assessment(make.household("330402007", members=0), cw, {"living": "high"}) for _n in range(22)]
    form = client.get(reverse("households:plan_new"), {"assessment": latest[0].pk}).context["form"]
    assert [value for value, _label in form.fields["assessment"].widget.choices][1:] == [latest[0].pk]
    form = client.get(reverse("households:plan_new")).context["form"]
    assert len(form.fields["assessment"].widget.choices) == 1 + 20


def test_dossier_section_links_a_new_plan_to_the_latest_assessment(make, cw):
    from households.plans.selectors import plan_section

    h = make.household("330402007")
    a = assessment(h, cw)
    h.refresh_from_db()
    context = plan_section(household=h, user=cw)[0].context
    assert context["can_plan"]
    from django.template.loader import render_to_string

    html = render_to_string("households/plans/_section.html", {**context, "household": h})
    assert f"{reverse('households:plan_new')}?assessment={a.pk}" in html
    assert not plan_section(household=h, user=make.user(Role.COUNTY_CIVIL, "330402"))[0].context["can_plan"]


def test_action_step_of_a_closed_plan_is_refused_on_the_page_and_the_api(make, cw, login):
    from rest_framework.test import APIClient

    from households.plans import services as plan_services

    plan = active_plan(make.household("330402007"), cw)
    plan_services.plan_close(actor=cw, plan=plan, outcome="稳定")
    action = plan.actions.first()
    response = login(cw).post(reverse("households:plan_action_step", args=[action.pk]), {"status": "done"}, follow=True)
    assert "不能再修改" in response.content.decode()
    api = APIClient()
    api.force_authenticate(cw)
    response = api.post(
        f"/api/plans/{plan.pk}/action-status/", {"action_id": action.pk, "status": "done"}, format="json"
    )
    assert response.status_code == 400
    action.refresh_from_db()
    assert action.status == "planned"

"""Pages of the procedure: scope (other area → 404), roles (→ 403), the due list, the
printed sheets, and query counts that do not grow with rows."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from households.models import Application, Enrolment, granted_household_ids
from households.procedure.selectors import overdue_application_steps
from tests import factories
from tests.clock import NOW
from tests.households.procedure.procedure_support import D, advance, draft, people

pytestmark = pytest.mark.django_db


@pytest.fixture
def p(time_machine):
    time_machine.move_to(NOW, tick=False)  # the pages' and services' "today"
    factories.policy_row("330402", 2026, "1200.00")
    return people()


def detail(app):
    return reverse("households:application_detail", args=[app.pk])


def step(app, name):
    return reverse("households:application_step", args=[app.pk, name])


def test_caseworker_drafts_and_submits_through_the_pages(p, login):
    household = factories.household(members=2)
    client = login(p.caseworker)
    response = client.post(
        reverse("households:application_create"), {"household": household.pk, "category": "dibao", "note": "因病致贫"}
    )
    app = Application.objects.get()
    assert response.status_code == 302 and response.url == detail(app)
    response = client.get(detail(app))
    assert response.status_code == 200
    assert "提交申请".encode() in response.content or b"submit" in response.content
    response = client.post(step(app, "submit"), {"submit-received_on": "2026-11-02", "submit-version": app.version})
    assert response.status_code == 302
    app.refresh_from_db()
    assert app.status == "submitted" and app.received_on == D(2026, 11, 2)


def test_a_refused_step_shows_the_reason_next_to_the_field_and_saves_nothing(p, login):
    app = advance(p, draft(p), "notice")
    response = login(p.officer).post(
        step(app, "close-notice"), {"close-notice-closed_on": "2026-11-20", "close-notice-version": app.version}
    )
    assert response.status_code == 400
    assert "2026-11-22" in response.content.decode()
    app.refresh_from_db()
    assert app.status == "notice"


def test_wrong_role_gets_403_on_a_step(p, login):
    app = advance(p, draft(p), "under_review")
    response = login(p.caseworker).post(step(app, "decide"), {"decide-decision": "approve"})
    assert response.status_code == 403
    assert not Enrolment.objects.exists()


def test_township_officer_is_offered_the_decision_only_for_temporary_aid(p, login):
    dibao = advance(p, draft(p), "under_review")
    temporary = advance(p, draft(p, category="temporary"), "under_review")
    client = login(p.officer)
    assert 'id="step-decide"' not in client.get(detail(dibao)).content.decode()
    assert 'id="step-decide"' in client.get(detail(temporary)).content.decode()
    assert 'id="step-decide"' in login(p.county).get(detail(dibao)).content.decode()


def test_city_reads_but_cannot_create(p, login):
    app = draft(p)
    client = login(p.city)
    assert client.get(detail(app)).status_code == 200
    assert client.get(reverse("households:application_create")).status_code == 403


@pytest.mark.parametrize("who", ["other_officer", "other_county", "finance"])
def test_other_area_gets_404_on_every_page(p, login, who):
    app = advance(p, draft(p), "approved")
    client = login(getattr(p, who))
    for url in (
        detail(app),
        step(app, "deliver"),
        reverse("households:application_print", args=[app.pk, "notice"]),
        reverse("households:application_print", args=[app.pk, "decision"]),
    ):
        method = client.post if "/step/" in url else client.get
        assert method(url).status_code == 404, url
    listing = client.get(reverse("households:application_list")).content.decode()
    assert app.household.dossier_no not in listing


def test_county_decides_through_the_page_and_one_enrolment_is_created_on_double_post(p, login):
    app = advance(p, draft(p), "under_review")
    client = login(p.county)
    data = {"decide-decision": "approve", "decide-version": app.version}
    assert client.post(step(app, "decide"), data).status_code == 302
    assert client.post(step(app, "decide"), data).status_code == 400  # the same form sent again
    assert Enrolment.objects.filter(household=app.household).count() == 1


def test_notice_sheet_masks_names_and_shows_no_id_numbers(p, login):
    household = factories.household(members=0)
    head = factories.member(household, name="张小明", relation_to_head="head")
    app = advance(p, draft(p, household=household), "notice")
    html = login(p.officer).get(reverse("households:application_print", args=[app.pk, "notice"])).content.decode()
    assert "张**" in html and "张小明" not in html
    assert head.id_number not in html and head.id_number_masked not in html
    assert "2026-11-16" in html and "@page" not in html  # the print stylesheet is a file


def test_decision_and_refusal_notices(p, login):
    approved = advance(p, draft(p), "approved")
    client = login(p.county)
    html = client.get(reverse("households:application_print", args=[approved.pk, "decision"])).content.decode()
    assert approved.decision_no in html and "1600.00" in html and "2026-12-01" in html
    assert client.get(reverse("households:application_print", args=[approved.pk, "refusal"])).status_code == 404
    refused = advance(p, draft(p), "under_review")
    client.post(
        step(refused, "decide"),
        {"decide-decision": "refuse", "decide-reason": "存款超过规定标准", "decide-version": refused.version},
    )
    html = client.get(reverse("households:application_print", args=[refused.pk, "refusal"])).content.decode()
    assert "存款超过规定标准" in html


def test_decision_and_refusal_notices_name_the_authority_and_the_household_s_remedies(p, login):
    client = login(p.county)
    approved = advance(p, draft(p), "approved")
    refused = advance(p, draft(p), "under_review")
    client.post(
        step(refused, "decide"),
        {"decide-decision": "refuse", "decide-reason": "存款超过规定标准", "decide-version": refused.version},
    )
    county = approved.household.county.name

    for app, kind in ((approved, "decision"), (refused, "refusal")):
        html = client.get(reverse("households:application_print", args=[app.pk, kind])).content.decode()
        assert f"决定机关：{county}民政局" in html, kind
        assert f"六十日内依照《中华人民共和国行政复议法》向{county}人民政府申请行政复议" in html, kind
        assert "六个月内依照《中华人民共和国行政诉讼法》向人民法院提起行政诉讼" in html, kind


def test_overdue_steps_list_only_past_deadlines_in_scope(p):
    late = advance(p, draft(p), "investigating")  # received 2026-11-02: investigation due 2026-11-23
    fresh = advance(p, draft(p), "draft")
    fresh = advance(p, fresh, "submitted")
    Application.objects.filter(pk=fresh.pk).update(received_on=D(2026, 11, 20))
    steps = overdue_application_steps(user=p.officer, today=D(2026, 11, 27))
    assert [(s.application.pk, s.step, s.due) for s in steps] == [(late.pk, "investigation", D(2026, 11, 23))]
    assert steps[0].days_left == -4  # 24, 25, 26, 27
    assert overdue_application_steps(user=p.county, today=D(2026, 11, 27))[0].application.pk == late.pk
    assert overdue_application_steps(user=p.other_officer, today=D(2026, 11, 27)) == []
    assert overdue_application_steps(user=p.officer, today=D(2026, 11, 23)) == []  # the due day itself is not late


def test_a_deadline_after_the_last_published_holidays_is_shown_as_provisional(p, login):
    from households.procedure.workdays import LIBRARY_KNOWN_UNTIL

    app = advance(p, draft(p), "submitted")
    received = D(LIBRARY_KNOWN_UNTIL.year, 12, 20)
    Application.objects.filter(pk=app.pk).update(received_on=received)
    response = login(p.officer).get(reverse("households:application_list"))
    assert response.status_code == 200
    shown = next(a for a in response.context["applications"] if a.pk == app.pk)
    assert shown.due.due.year == received.year + 1 and shown.due_provisional
    assert "暂估" in response.content.decode()


def _open_applications(p, n):
    for _i in range(n):
        advance(p, draft(p, household=factories.household(members=1)), "submitted")


@pytest.mark.parametrize("url_name", ["households:application_list", "households:application_due"])
def test_list_pages_take_the_same_queries_for_1_and_20_rows(
    p, login, django_assert_num_queries, django_assert_max_num_queries, url_name
):
    client = login(p.county)
    _open_applications(p, 1)
    client.get(reverse(url_name))  # warm up: session, nav
    with django_assert_max_num_queries(50) as one:
        client.get(reverse(url_name))
    _open_applications(p, 19)
    # session, user, user's area, (list: count,) applications with household/township/county/head,
    # working-day overrides, policy rows, (due page: urgent flagged) — whatever the rows
    with django_assert_num_queries(len(one.captured_queries)):
        response = client.get(reverse(url_name))
    assert response.content.decode().count("/households/applications/") >= 20


def test_overdue_selector_queries_are_constant(p, django_assert_num_queries):
    _open_applications(p, 1)
    granted_household_ids(p.county)  # known once per request: not counted here
    with django_assert_num_queries(3):  # applications, working-day overrides, policy rows
        overdue_application_steps(user=p.county, today=datetime.date(2026, 12, 31))
    _open_applications(p, 19)
    with django_assert_num_queries(3):
        assert len(overdue_application_steps(user=p.county, today=datetime.date(2026, 12, 31))) == 20


def test_the_dossier_links_each_application_and_shows_the_refusal_reason_or_the_deadline(p, login):
    household = factories.household(members=2)
    refused = advance(p, draft(p, household=household, category="low_income"), "under_review")
    from households.procedure import services

    services.application_decide(
        actor=p.county, application=refused, approve=False, on=D(2026, 11, 24), reason="家庭金融资产超过规定标准"
    )
    waiting = advance(p, draft(p, household=household), "submitted")  # received 2026-11-02
    html = login(p.caseworker).get(reverse("households:detail", args=[household.pk])).content.decode()
    section = html[html.index('id="applications"') : html.index('id="documents"')]
    assert f'href="{detail(refused)}"' in section and f'href="{detail(waiting)}"' in section
    assert "家庭金融资产超过规定标准" in section
    assert "乡镇调查核实 · 2026-11" in section and "个工作日" in section  # the investigation's deadline

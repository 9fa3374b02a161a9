"""The household file is complete: every section of the dossier, and of its print, shows
its record; the timeline holds every kind of record with who did it; each kind of record
has its action on the dossier and leads back to it."""

from __future__ import annotations

import lxml.html
import pytest
from django.urls import reverse

from households.review import services as review_services
from households.sections import sections_for
from jiuzhu.models import PolicyParameters, Role
from tests.caseworkers.helpers import active_plan, referral, service
from tests.clock import TODAY
from tests.households.dossier.test_pages import _records

pytestmark = pytest.mark.django_db

# Every section of the dossier, in its order: the page's own and the registered ones. A new
# section fails test_the_dossier_has_exactly_these_sections until it is listed here and
# full_household() gives it a record.
SECTIONS = [
    "summary",
    "members",
    "enrolments",
    "verifications",
    "surveys",
    "assessments",
    "applications",
    "documents",
    "plan",
    "reviews",
    "referrals",
    "services",
    "timeline",
]
VIEWS = ["households:detail", "households:print"]


def full_household(make, *, times=1):
    """A household with a record of every kind the file holds, made by a named caseworker."""
    worker = make.user(Role.CASEWORKER, "330402007", first_name="王社工")
    colleague = make.user(Role.CASEWORKER, "330402007")
    if not PolicyParameters.objects.filter(area__code="330402", year=2026).exists():
        make.policy_row("330402", 2026, "1200.00")
    h = make.household(members=2, registered_on=TODAY)  # every record of the file is dated today
    _records(make, h, worker, colleague, times=times)
    active_plan(h, worker, ratings={"living": "high"})
    for n in range(times):
        review_services.change_report_create(
            actor=worker, household=h, kind="income", date=TODAY, source="本人", description=f"变化{n}"
        )
        referral(worker, h)
        service(worker, [h])
    return h, worker


_rendered: dict[str, str] = {}


def rendered(make, client, view: str) -> str:
    """The page of a full household (made once per view, then read by each section's test)."""
    if view not in _rendered:
        h, worker = full_household(make)
        client.force_login(worker)
        response = client.get(reverse(view, args=[h.pk]))
        assert response.status_code == 200
        _rendered[view] = response.content.decode()
    return _rendered[view]


def section_elements(html: str) -> dict[str, lxml.html.HtmlElement]:
    return {el.get("data-section"): el for el in lxml.html.fromstring(html).xpath("//section[@data-section]")}


@pytest.mark.parametrize("view", VIEWS)
def test_the_dossier_has_exactly_these_sections_in_this_order(make, client, view):
    keys = [
        el.get("data-section")
        for el in lxml.html.fromstring(rendered(make, client, view)).xpath("//section[@data-section]")
    ]
    assert keys == SECTIONS


def test_every_registered_section_is_on_the_list(make):
    h, worker = full_household(make)
    assert {s.key for s in sections_for(household=h, user=worker)} <= set(SECTIONS)


@pytest.mark.parametrize("key", SECTIONS)
@pytest.mark.parametrize("view", VIEWS)
def test_a_section_with_a_record_shows_it(make, client, view, key):
    section = section_elements(rendered(make, client, view))[key]
    text = section.text_content()
    assert not section.xpath(".//*[@data-empty]"), f"{key} says it is empty: {text[:200]}"
    assert "暂无" not in text and "Nothing recorded" not in text


def test_the_print_has_the_dossiers_sections_in_its_order(make, client):
    assert list(section_elements(rendered(make, client, VIEWS[0]))) == list(
        section_elements(rendered(make, client, VIEWS[1]))
    )


def test_referrals_and_services_show_on_the_dossier_and_its_print(make, login):
    h, worker = full_household(make)
    client = login(worker)
    for view in VIEWS:
        sections = section_elements(client.get(reverse(view, args=[h.pk])).content.decode())
        assert "Job fair" in sections["referrals"].text_content()
        assert "60" in sections["services"].text_content()  # minutes of the service record


# Timeline --------------------------------------------------------------------------------
KINDS = {
    "household",
    "member",
    "enrolment",
    "verification",
    "survey",
    "assessment",
    "application",
    "document",
    "plan",
    "change_report",
    "referral",
    "service",
}


def timeline_items(html: str) -> list[lxml.html.HtmlElement]:
    return section_elements(html)["timeline"].xpath(".//li")


def test_the_timeline_holds_every_kind_of_record_dated_with_who_did_it(make, login):
    h, worker = full_household(make)
    items = timeline_items(login(worker).get(reverse("households:detail", args=[h.pk])).content.decode())
    assert {li.get("data-kind") for li in items} == KINDS
    for li in items:
        assert li.xpath("./time")[0].text == TODAY.isoformat()
    by_kind = {li.get("data-kind"): li.text_content() for li in items if li.get("data-kind") != "enrolment"}
    for kind, text in by_kind.items():
        if kind not in ("household", "member"):  # the factories make those without an audited creator
            assert "王社工" in text, (kind, text)
    assert worker.username not in " ".join(by_kind.values())  # names, never login names


def test_the_dossiers_query_count_does_not_grow_with_the_records(make, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = []
    for times in (1, 4):
        h, worker = full_household(make, times=times)
        client = login(worker)
        client.get(reverse("households:detail", args=[h.pk]))  # the session's first opening is audited
        with CaptureQueriesContext(connection) as context:
            html = client.get(reverse("households:detail", args=[h.pk])).content.decode()
        assert html.count('data-kind="referral"') == times
        counts.append(len(context))
    assert counts[0] == counts[1]


# Actions and links -----------------------------------------------------------------------
def test_the_dossier_has_an_action_for_each_kind_of_record_preselecting_the_household(make, login):
    h, worker = full_household(make)
    h.refresh_from_db()
    html = login(worker).get(reverse("households:detail", args=[h.pk])).content.decode()
    for url in (
        reverse("households:survey_new", args=[h.pk]),
        reverse("households:member_add", args=[h.pk]),
        reverse("households:verification_new", args=[h.pk]),
        reverse("households:assessment_new", args=[h.pk]),
        reverse("households:document_upload", args=[h.pk]),
        f"{reverse('households:plan_new')}?assessment={h.latest_assessment_id}",
        f"{reverse('caseworkers:referral_new')}?household={h.pk}",
        f"{reverse('caseworkers:service_new')}?household={h.pk}",
        f"{reverse('households:change_report_create')}?household={h.pk}",
        f"{reverse('households:application_create')}?household={h.pk}",
    ):
        assert f'href="{url}"' in html.replace("&amp;", "&"), url


def test_the_forms_open_with_the_household_chosen(make, login):
    h, worker = full_household(make)
    h.refresh_from_db()
    client = login(worker)
    form = client.get(reverse("households:plan_new"), {"assessment": h.latest_assessment_id}).context["form"]
    assert form.initial["assessment"] == str(h.latest_assessment_id)
    form = client.get(reverse("caseworkers:referral_new"), {"household": h.pk}).context["form"]
    assert form.initial["household"] == h.pk
    form = client.get(reverse("caseworkers:service_new"), {"household": h.pk}).context["form"]
    assert form.initial["households"] == [h.pk]
    form = client.get(reverse("households:change_report_create"), {"household": h.pk}).context["form"]
    assert form.initial["dossier_no"] == h.dossier_no


def test_a_saved_change_report_lands_back_on_the_dossier(make, login):
    h, worker = full_household(make)
    response = login(worker).post(
        reverse("households:change_report_create"),
        {"dossier_no": h.dossier_no, "kind": "illness", "date": "2026-11-20", "source": "邻居", "description": "住院"},
    )
    assert response.status_code == 302 and response.url == reverse("households:detail", args=[h.pk])


def test_a_plan_cannot_start_without_an_assessment_and_the_dossier_says_so(make, login):
    worker = make.user(Role.CASEWORKER, "330402007")
    h = make.household(members=1)
    html = login(worker).get(reverse("households:detail", args=[h.pk])).content.decode()
    assert f"{reverse('households:plan_new')}?assessment" not in html and "请先录入需求评估" in html


def test_referral_and_service_pages_link_back_to_the_household(make, login):
    worker = make.user(Role.CASEWORKER, "330402007")
    h, other = make.household(members=1), make.household(members=1)
    r = referral(worker, h)
    s = service(worker, [h, other], method="group")
    client = login(worker)
    page = client.get(reverse("caseworkers:referral_detail", args=[r.pk])).content.decode()
    assert f'href="{reverse("households:detail", args=[h.pk])}"' in page
    page = client.get(reverse("caseworkers:service_detail", args=[s.pk])).content.decode()
    for household in (h, other):
        assert f'href="{reverse("households:detail", args=[household.pk])}"' in page


def test_county_readers_get_no_new_record_actions(make, login):
    h, _worker = full_household(make)
    html = login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse("households:detail", args=[h.pk])).content.decode()
    assert reverse("caseworkers:referral_new") not in html and reverse("caseworkers:service_new") not in html
    assert f"{reverse('households:plan_new')}?assessment" not in html

"""Dossier pages: scope, roles, forms and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from guardian.shortcuts import assign_perm

from households.dossier import services
from households.models import (
    Application,
    Document,
    Enrolment,
    EnrolmentStatusChange,
    Household,
    Member,
    Relation,
    Survey,
)
from jiuzhu.models import AuditAction, AuditEvent, Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


def _full_household(make, actor, members=2):
    household = make.household(members=members, address="中山路1号", phone="13800000000")
    services.assessment_record(actor=actor, household=household, assessed_on=TODAY, ratings={"living": "medium"})
    services.document_upload(
        actor=actor, household=household, kind="id_copy", upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x")
    )
    return household


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


PAGES = [
    "households:detail",
    "households:edit",
    "households:member_add",
    "households:verification_new",
    "households:assessment_new",
    "households:survey_new",
    "households:document_upload",
]


@pytest.mark.parametrize("name", PAGES)
def test_own_township_caseworker_opens_every_page(make, login, worker, name):
    household = make.household(members=1)
    assert login(worker).get(reverse(name, args=[household.pk])).status_code == 200


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize(
    "role,area",
    [
        (Role.CASEWORKER, "330402008"),
        (Role.COUNTY_CIVIL, "330411"),
        (Role.COUNTY_FINANCE, "330402"),
        (Role.CITY_FINANCE, "330400"),
    ],
)
def test_users_outside_scope_get_404(make, login, name, role, area):
    household = make.household(members=1)
    assert login(make.user(role, area)).get(reverse(name, args=[household.pk])).status_code == 404


@pytest.mark.parametrize("name", PAGES[1:])
def test_county_user_reads_but_may_not_change(make, login, name):
    household = make.household(members=1)
    client = login(make.user(Role.COUNTY_CIVIL, "330402"))
    assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200
    assert client.get(reverse(name, args=[household.pk])).status_code == 403


def test_guardian_grant_opens_exactly_that_household(make, login):
    shared = make.household(members=1)
    other = make.household(members=1)
    outsider = make.user(Role.CASEWORKER, "330411002")
    assign_perm("view_household", outsider, shared)
    client = login(outsider)
    assert client.get(reverse("households:detail", args=[shared.pk])).status_code == 200
    assert client.get(reverse("households:detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("households:edit", args=[shared.pk])).status_code == 403
    listed = client.get(reverse("households:list")).context["households"]
    assert [h.pk for h in listed] == [shared.pk]


def test_list_search_by_full_id_number_dossier_number_and_name(make, login, worker):
    number = make.id_number()
    wanted = make.household(members=0)
    make.member(wanted, id_no=number, name="王小明", relation_to_head=Relation.HEAD)
    make.household(members=2)
    client = login(worker)
    for q in (number, f"{number[:6]} {number[6:14]} {number[14:]}", wanted.dossier_no, "王小明"):
        response = client.post(reverse("households:list"), {"q": q}, follow=True)
        assert [h.pk for h in response.context["households"]] == [wanted.pk], q
        final_url = response.redirect_chain[-1][0]
        assert number not in final_url.replace("%20", "").replace("+", ""), final_url


def test_an_id_number_typed_into_the_list_url_is_replaced_by_its_index(make, login, worker):
    number = make.id_number()
    wanted = make.household(members=0)
    make.member(wanted, id_no=number, relation_to_head=Relation.HEAD)

    response = login(worker).get(reverse("households:list"), {"q": number, "status": ""})

    assert response.status_code == 302
    assert number not in response["Location"] and "idx=" in response["Location"]


def test_list_shows_masked_id_numbers_only(make, login, worker):
    number = make.id_number()
    household = make.household(members=0)
    make.member(household, id_no=number, relation_to_head=Relation.HEAD)
    html = login(worker).get(reverse("households:list")).content.decode()
    assert number not in html and f"{number[:6]}********{number[-4:]}" in html


def test_list_filters_by_completeness_band_and_review_due(make, login, worker):
    low = make.household(members=1)
    due = make.household(members=1)
    Household.objects.filter(pk=due.pk).update(next_review_on=TODAY, completeness=90)
    Household.objects.filter(pk=low.pk).update(completeness=10)
    client = login(worker)
    assert [h.pk for h in client.get(reverse("households:list"), {"completeness": "0-59"}).context["households"]] == [
        low.pk
    ]
    assert due.pk in [h.pk for h in client.get(reverse("households:list"), {"review_due": "on"}).context["households"]]


def test_list_narrows_to_the_county_village_and_overdue_reviews_the_dashboards_link_to(make, login, worker):
    from jiuzhu.models import Area

    overdue = make.household(members=1)
    later = make.household(members=1)
    Household.objects.filter(pk=overdue.pk).update(next_review_on=TODAY - datetime.timedelta(days=1))
    Household.objects.filter(pk=later.pk).update(next_review_on=TODAY)
    village = Area(code="330402007001", name="建设社区", level="village", parent=worker.area)
    village.fill_ancestors()
    village.save()
    Household.objects.filter(pk=later.pk).update(village=village)
    client = login(worker)

    def shown(**params):
        return [h.pk for h in client.get(reverse("households:list"), params).context["households"]]

    assert shown(review_overdue="1") == [overdue.pk]
    assert shown(village=village.pk) == [later.pk]
    assert sorted(shown(county=worker.area.county_id)) == sorted([overdue.pk, later.pk])
    # Another county's id narrows the caseworker's own scope to nothing; it never widens it.
    other = Area.objects.exclude(pk=worker.area.county_id).filter(level="county").first()
    assert shown(county=other.pk) == []


def test_list_query_count_is_the_same_for_1_and_20_households(make, login, worker, django_assert_num_queries):
    client = login(worker)
    make.household(members=2)
    url = reverse("households:list")
    client.get(url)  # warm the session and the menu's task badge (cached per user)
    # session, user, user's area, the user's guardian grants, COUNT of the page, caseworker
    # choices (a township user's township choice is their area: no query), the page's
    # households (its ids a subquery; township, county, village, head joined); no session
    # write, no badge query
    with django_assert_num_queries(7):
        client.get(url)
    for _ in range(19):
        make.household(members=2)
    with django_assert_num_queries(7):
        client.get(url)


def _count(client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        client.get(url)
    return len(context)


def _records(make, household, actor, colleague, times=1):
    for _ in range(times):
        services.assessment_record(actor=actor, household=household, assessed_on=TODAY, ratings={"care": "high"})
        services.verification_record(actor=actor, household=household, verified_on=TODAY, source="township")
        services.document_upload(
            actor=actor, household=household, kind="photo", upload=SimpleUploadedFile("a.png", b"\x89PNG\r\n\x1a\n00")
        )
        services.survey_record(
            actor=actor,
            household=household,
            visited_on=TODAY,
            present=[actor, colleague],
            housing="own",
            housing_condition="fair",
            today=TODAY,
            checks=[{"member": m.pk, "outcome": "confirmed"} for m in household.members.filter(active=True)],
        )
        enrolment = Enrolment.objects.create(
            household=household, category="dibao", start_on=TODAY, monthly_amount="500"
        )
        EnrolmentStatusChange.objects.create(enrolment=enrolment, to_status="active", on=TODAY)
        Application.objects.create(household=household, category="dibao", helped_by=actor)


def test_dossier_query_count_does_not_grow_with_rows(make, login, worker, django_assert_num_queries):
    make.policy_row("330402", 2026, "1200.00")
    colleague = make.user(Role.CASEWORKER, "330402007")
    small = make.household(members=1)
    big = make.household(members=6)
    _records(make, small, worker, colleague)
    _records(make, big, worker, colleague, times=5)
    mover = big.members.filter(relation_to_head=Relation.CHILD).first()
    services.member_move(actor=worker, member=mover, to_household=small, relation_to_head=Relation.CHILD, today=TODAY)
    client = login(worker)
    # Warm the session; each dossier's first opening of a session is audited (one INSERT more,
    # test_opening_a_dossier_is_audited_once_per_session), the counts below are of a return.
    client.get(reverse("households:detail", args=[small.pk]))
    client.get(reverse("households:detail", args=[big.pk]))
    # session, user, area; the user's guardian grants; household; members; enrolments + history;
    # verifications; surveys + present + checks; assessments + needs; documents; caseworkers;
    # plans; the members' moves (in and out, one query); the policy (completeness reads the
    # prefetched rows); applications, the working-day overrides and policy rows for their
    # deadlines (3: procedure_selectors.household_applications); change reports, review tasks
    # (plan goals and actions: only with an active plan); the caseworkers' sections
    # (referrals, services); who created the household and its members (the timeline's
    # names, from the audit trail); the last changes, the users they name (no session
    # write; the menu's task badge cached by the first view)
    with django_assert_num_queries(29):
        client.get(reverse("households:detail", args=[small.pk]))
    with django_assert_num_queries(29):
        client.get(reverse("households:detail", args=[big.pk]))


def test_dossier_completeness_from_prefetched_rows_matches_the_stored_computation(make, worker):
    from households.dossier import selectors

    make.policy_row("330402", 2026, "1200.00")
    colleague = make.user(Role.CASEWORKER, "330402007")
    household = make.household(members=3, address="中山路1号", phone="13800000000")
    _records(make, household, worker, colleague, times=2)
    Member.objects.filter(pk=household.members.order_by("id").last().pk).update(active=False, health="disability")
    Enrolment.objects.filter(household=household).update(status="gradual_exit")
    loaded = selectors.household_dossier(user=worker, pk=household.pk)
    assert services.dossier_facts_prefetched(loaded) == services.dossier_facts(Household.objects.get(pk=household.pk))
    assert services.dossier_facts_prefetched(loaded)[0].latest_survey_on == TODAY
    fresh = make.household(members=0)
    empty = selectors.household_dossier(user=worker, pk=fresh.pk)
    assert services.dossier_facts_prefetched(empty) == services.dossier_facts(fresh)


def test_dossier_lists_missing_items_and_audit_trail(make, login, worker):
    household = make.household(members=1)
    html = login(worker).get(reverse("households:detail", args=[household.pk])).content.decode()
    assert 'id="missing"' in html and 'id="audit"' in html and 'id="timeline"' in html


def test_show_full_id_number_is_audited_and_post_only(make, login, worker):
    number = make.id_number()
    household = make.household(members=0)
    member = make.member(household, id_no=number, relation_to_head=Relation.HEAD)
    client = login(worker)
    url = reverse("households:member_id_number", args=[household.pk, member.pk])
    assert client.get(url).status_code == 405
    asked = client.post(url)
    assert number not in asked.content.decode() and "用途" in asked.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()
    unchosen = client.post(url, {"asked": "1"})
    assert number not in unchosen.content.decode() and unchosen.context["form"].errors["purpose"]
    response = client.post(url, {"asked": "1", "purpose": "application"})
    assert number in response.content.decode()
    [event] = AuditEvent.objects.filter(action=AuditAction.VIEW, target_id=str(member.pk))
    assert "办理申请或决定" in event.summary


def test_a_full_id_number_for_another_purpose_needs_its_details(make, login, worker):
    number = make.id_number()
    household = make.household(members=0)
    member = make.member(household, id_no=number, relation_to_head=Relation.HEAD)
    url = reverse("households:member_id_number", args=[household.pk, member.pk])
    client = login(worker)
    refused = client.post(url, {"asked": "1", "purpose": "other", "detail": " "})
    assert number not in refused.content.decode() and refused.context["form"].errors["detail"]
    shown = client.post(url, {"asked": "1", "purpose": "other", "detail": "医院核对住院人员"})
    assert number in shown.content.decode()
    assert AuditEvent.objects.get(action=AuditAction.VIEW).summary.endswith("医院核对住院人员")


def test_member_form_shows_the_id_reason_next_to_the_field(make, login, worker):
    household = make.household(members=0)
    response = login(worker).post(
        reverse("households:member_add", args=[household.pk]),
        {
            "name": "张三",
            "id_number": "12345",
            "relation_to_head": "head",
            "labour_ability": "full",
            "health": "healthy",
            "school_stage": "none",
            "monthly_income": "0",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"]
    assert not Member.objects.filter(household=household).exists()


def test_stale_household_edit_through_the_page_is_refused(make, login, worker):
    household = make.household(members=1)
    client = login(worker)
    data = {
        "address": "甲",
        "phone": "",
        "risk_level": "low",
        "income_stable": "on",
        "notes": "",
        "version": household.version,
    }
    assert client.post(reverse("households:edit", args=[household.pk]), data).status_code == 302
    response = client.post(reverse("households:edit", args=[household.pk]), {**data, "address": "乙"})
    assert response.status_code == 200 and response.context["form"].errors
    assert Household.objects.get(pk=household.pk).address == "甲"


def test_survey_page_saves_whole_survey(make, login, worker):
    household = make.household(members=2)
    second = make.user(Role.CASEWORKER, "330402007")
    data = {
        "visited_on": "2026-11-20",
        "present": [worker.pk, second.pk],
        "housing": "own",
        "housing_condition": "fair",
        **{f"member_{m.pk}": "confirmed" for m in household.members.all()},
    }
    response = login(worker).post(reverse("households:survey_new", args=[household.pk]), data)
    assert response.status_code == 302 and "survey_saved=1" in response["Location"]
    assert Survey.objects.get(household=household).member_checks.count() == 2


def test_survey_page_with_a_missing_member_choice_saves_nothing_and_marks_the_member(make, login, worker):
    household = make.household(members=2)
    second = make.user(Role.CASEWORKER, "330402007")
    first_member = household.members.first()
    data = {
        "visited_on": "2026-11-20",
        "present": [worker.pk, second.pk],
        "housing": "own",
        "housing_condition": "fair",
        f"member_{first_member.pk}": "confirmed",
    }
    response = login(worker).post(reverse("households:survey_new", args=[household.pk]), data)
    assert response.status_code == 400
    assert not Survey.objects.exists()
    errors = response.context["form"].errors
    assert any(key.startswith("member_") for key in errors)


def test_document_download_is_an_attachment_with_nosniff_and_scoped(make, login, worker):
    household = make.household(members=1)
    document = services.document_upload(
        actor=worker, household=household, kind="id_copy", upload=SimpleUploadedFile("<b>.pdf", b"%PDF-1.4 hello")
    )
    url = reverse("households:document", args=[household.pk, document.pk])
    response = login(worker).get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert login(make.user(Role.CASEWORKER, "330402008")).get(url).status_code == 404


def test_upload_page_refuses_html_named_pdf(make, login, worker):
    household = make.household(members=1)
    response = login(worker).post(
        reverse("households:document_upload", args=[household.pk]),
        {"kind": "id_copy", "file": SimpleUploadedFile("x.pdf", b"<html><script>x</script></html>", "application/pdf")},
    )
    assert response.status_code == 200 and response.context["form"].errors["file"]
    assert not Document.objects.exists()


def test_create_household_then_member(make, login, worker):
    client = login(worker)
    response = client.post(
        reverse("households:create"),
        {
            "township": worker.area_id,
            "address": "禾兴路8号",
            "phone": "13900000000",
            "risk_level": "low",
            "income_stable": "on",
            "registered_on": "2026-11-01",
            "notes": "",
        },
    )
    assert response.status_code == 302
    household = Household.objects.get(address="禾兴路8号")
    assert household.dossier_no.startswith("330402007-")


def test_a_phone_typed_with_spaces_and_full_width_digits_is_stored_in_its_normal_form(make, login, worker):
    response = login(worker).post(
        reverse("households:create"),
        {
            "township": worker.area_id,
            "address": "禾兴路9号",
            "phone": "（０５７３）8201 2345",
            "risk_level": "low",
            "income_stable": "on",
            "registered_on": "2026-11-01",
            "notes": "",
        },
    )
    assert response.status_code == 302
    assert Household.objects.get(address="禾兴路9号").phone == "0573-82012345"


def test_a_wrong_phone_number_is_refused_with_the_reason_and_nothing_is_saved(make, login, worker):
    response = login(worker).post(
        reverse("households:create"),
        {
            "township": worker.area_id,
            "address": "禾兴路10号",
            "phone": "1381234567",
            "risk_level": "low",
            "income_stable": "on",
            "registered_on": "2026-11-01",
            "notes": "",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["phone"] == ["手机号码应为 11 位，输入的是 10 位。"]
    assert not Household.objects.filter(address="禾兴路10号").exists()


@pytest.mark.parametrize(
    ("name", "method"), [("households:list", "get"), ("households:export", "post"), ("households:import", "get")]
)
def test_finance_users_are_refused_the_household_pages(make, login, name, method):
    for role, area in [(Role.COUNTY_FINANCE, "330402"), (Role.CITY_FINANCE, "330400")]:
        assert getattr(login(make.user(role, area)), method)(reverse(name)).status_code == 403


def test_verification_page_without_a_policy_row_explains_and_saves_nothing(make, login, worker):
    household = make.household(members=1)
    response = login(worker).post(
        reverse("households:verification_new", args=[household.pk]),
        {
            "verified_on": "2026-11-20",
            "source": "township",
            **{
                f: "0"
                for f in (
                    "income_wages",
                    "income_business",
                    "income_property",
                    "income_transfer",
                    "income_support",
                    "income_other",
                    "deposits",
                    "securities",
                    "real_estate_count",
                    "vehicles",
                    "registered_businesses",
                    "expense_medical",
                    "expense_education",
                )
            },
        },
    )
    assert response.status_code == 200
    assert "低保" in " ".join(response.context["form"].non_field_errors())
    assert not household.verifications.exists()


def test_member_move_page_moves_and_keeps_history(make, login, worker):
    source = make.household(members=2)
    target = make.household(members=1)
    child = source.members.get(relation_to_head=Relation.CHILD)
    response = login(worker).post(
        reverse("households:member_move", args=[source.pk, child.pk]),
        {"to_dossier_no": target.dossier_no, "relation_to_head": "child", "reason": "婚嫁", "version": child.version},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert not child.active
    html = login(worker).get(reverse("households:detail", args=[source.pk])).content.decode()
    assert target.dossier_no in html
    html = login(worker).get(reverse("households:detail", args=[target.pk])).content.decode()
    members_section = html.split('id="members"')[1].split("</section>")[0]
    assert source.dossier_no in members_section  # "moved in from <source>" under the member


def test_member_move_to_another_township_household_is_refused(make, login, worker):
    source = make.household(members=2)
    other = make.household("330402008", members=1)
    child = source.members.get(relation_to_head=Relation.CHILD)
    response = login(worker).post(
        reverse("households:member_move", args=[source.pk, child.pk]),
        {"to_dossier_no": other.dossier_no, "relation_to_head": "child", "version": child.version},
    )
    assert response.status_code == 200 and response.context["form"].errors["to_dossier_no"]


def test_stale_edit_message_is_chinese(make, login, worker):
    household = make.household(members=1)
    client = login(worker)
    data = {
        "address": "甲",
        "phone": "",
        "risk_level": "low",
        "income_stable": "on",
        "notes": "",
        "version": household.version,
    }
    client.post(reverse("households:edit", args=[household.pk]), data)
    response = client.post(reverse("households:edit", args=[household.pk]), {**data, "address": "乙"})
    assert "其他人已保存" in response.content.decode()

"""Every page: the owner sees it, another township's caseworker gets 404 (details) or an
empty list, the county sees its county; lists use the same number of queries for 1 and 20 rows."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from caseworkers import services
from caseworkers.models import Referral, ReferralStatus, ServiceRecord
from jiuzhu.models import Role
from tests.caseworkers.helpers import referral, resource, service
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


def build(kind, cw, make):
    h = make.household("330402007")
    if kind == "resource":
        return resource(cw)
    if kind == "referral":
        return referral(cw, h)
    if kind == "service":
        return service(cw, [h], follow_up_on=TODAY)
    if kind == "publicity":
        return services.publicity_create(
            actor=cw,
            held_on=TODAY,
            topics="低保政策",
            place="社区",
            form="community_talk",
            households=[h],
            head_count=20,
        )
    if kind == "feedback":
        return services.feedback_create(actor=cw, kind="problem", title="问题", body="说明")
    if kind == "volunteer":
        return services.volunteer_create(actor=cw, name="志愿者", registered_on=TODAY)
    if kind == "training":
        return services.training_create(
            actor=cw,
            title="培训",
            audience="caseworkers",
            topic="policy",
            held_on=TODAY,
            hours=Decimal(2),
            caseworkers_present=[cw],
        )
    if kind == "case":
        return services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    raise AssertionError(kind)


KINDS = ["resource", "referral", "service", "publicity", "feedback", "volunteer", "training", "case"]
LIST = {
    "resource": "resource_list",
    "referral": "referral_list",
    "service": "service_list",
    "publicity": "publicity_list",
    "feedback": "feedback_list",
    "volunteer": "volunteer_list",
    "training": "training_list",
    "case": "case_list",
}


def detail(kind):
    return f"caseworkers:{kind}_detail"


@pytest.mark.parametrize("kind", KINDS)
def test_owner_and_county_see_it_other_township_gets_404(make, cw, login, kind):
    obj = build(kind, cw, make)
    url = reverse(detail(kind), args=[obj.pk])
    assert login(cw).get(url).status_code == 200
    assert login(make.user(Role.COUNTY_CIVIL, "330402")).get(url).status_code == 200
    other = make.user(Role.CASEWORKER, "330402008")
    assert login(other).get(url).status_code == 404
    listed = login(other).get(reverse(f"caseworkers:{LIST[kind]}")).context["rows"]
    assert listed == []
    assert login(make.user(Role.COUNTY_CIVIL, "330411")).get(url).status_code == 404


@pytest.mark.parametrize("kind", KINDS)
def test_lists_use_the_same_queries_for_1_and_20_rows(make, cw, login, kind, django_assert_num_queries):
    client = login(cw)
    build(kind, cw, make)
    url = reverse(f"caseworkers:{LIST[kind]}")
    client.get(url)  # the first view counts the menu's task badge; later ones read it cached
    # session, user, user's area, paginator count, the page's rows (joined and annotated);
    # no session write, no badge query; the training list also sums the caseworker's own
    # training record (one aggregate).
    expected = 6 if kind == "training" else 5
    with django_assert_num_queries(expected):
        client.get(url)
    for _n in range(19):
        build(kind, cw, make)
    with django_assert_num_queries(expected):
        response = client.get(url)
    assert len(response.context["rows"]) == 20


def test_caseworker_records_a_referral_and_moves_it_on_a_phone_form(make, cw, login):
    h = make.household("330402007")
    res = resource(cw)
    client = login(cw)
    response = client.post(
        reverse("caseworkers:referral_new"),
        {"household": h.pk, "resource": res.pk, "sent_on": "2026-11-29", "follow_up_on": "2026-12-05"},
    )
    r = Referral.objects.get()
    assert response.status_code == 302
    client.post(reverse("caseworkers:referral_step", args=[r.pk]) + "?to=accepted")
    client.post(reverse("caseworkers:referral_step", args=[r.pk]) + "?to=done")
    assert Referral.objects.get().status == ReferralStatus.DONE


def test_referral_form_refuses_another_townships_household(make, cw, login):
    foreign = make.household("330402008")
    response = login(cw).post(
        reverse("caseworkers:referral_new"),
        {"household": foreign.pk, "resource": resource(cw).pk, "sent_on": "2026-11-29"},
    )
    assert response.status_code == 200 and response.context["form"].errors["household"]
    assert not Referral.objects.exists()


def test_referral_step_of_another_township_is_404(make, cw, login):
    r = referral(cw, make.household("330402007"))
    response = login(make.user(Role.CASEWORKER, "330402008")).post(
        reverse("caseworkers:referral_step", args=[r.pk]) + "?to=accepted"
    )
    assert response.status_code == 404
    assert Referral.objects.get().status == ReferralStatus.SENT


def test_group_service_links_many_households(make, cw, login):
    a, b = make.household("330402007"), make.household("330402007")
    login(cw).post(
        reverse("caseworkers:service_new"),
        {
            "method": "group",
            "service_area": "integration",
            "held_on": "2026-11-29",
            "minutes": 90,
            "households": [a.pk, b.pk],
            "content": "小组活动",
            "follow_up_on": "2026-12-20",
        },
    )
    assert set(ServiceRecord.objects.get().households.all()) == {a, b}


def test_county_user_cannot_record_field_work(make, login):
    assert login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse("caseworkers:referral_new")).status_code == 403


def test_county_approves_a_case_and_a_stranger_then_reads_it(make, cw, login):
    case = services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    login(cw).post(reverse("caseworkers:case_step", args=[case.pk]) + "?to=submitted")
    # Another county may not approve it.
    assert (
        login(make.user(Role.COUNTY_CIVIL, "330411"))
        .post(reverse("caseworkers:case_step", args=[case.pk]) + "?to=approved")
        .status_code
        == 404
    )
    login(make.user(Role.COUNTY_CIVIL, "330402")).post(
        reverse("caseworkers:case_step", args=[case.pk]) + "?to=approved"
    )
    assert (
        login(make.user(Role.CASEWORKER, "330411002"))
        .get(reverse("caseworkers:case_detail", args=[case.pk]))
        .status_code
        == 200
    )


def test_my_tasks_page_and_nav_count(make, cw, login):
    h = make.household("330402007")
    referral(cw, h, sent_on=TODAY - datetime.timedelta(days=9), follow_up_on=TODAY - datetime.timedelta(days=2))
    response = login(cw).get(reverse("caseworkers:tasks"))
    assert response.status_code == 200 and len(response.context["page_obj"].items) == 1
    assert "转介跟进" in response.content.decode() and "已逾期" in response.content.decode()
    assert [i.count for i in response.context["nav_items"] if i.url_name == "caseworkers:tasks"] == [1]
    assert login(make.user(Role.CASEWORKER, "330402008")).get(reverse("caseworkers:tasks")).context["groups"] == []


def test_work_summary_page_for_the_township_officer(make, cw, login):
    referral(cw, make.household("330402007"))
    response = login(make.user(Role.TOWNSHIP_OFFICER, "330402007")).get(reverse("caseworkers:summary") + "?year=2026")
    assert [r.caseworker.pk for r in response.context["rows"]] == [cw.pk]
    other = login(make.user(Role.TOWNSHIP_OFFICER, "330402008")).get(reverse("caseworkers:summary") + "?year=2026")
    assert other.context["rows"] == []


@pytest.mark.parametrize(
    "name",
    [
        "resource_new",
        "referral_new",
        "service_new",
        "publicity_new",
        "feedback_new",
        "volunteer_new",
        "organization_new",
        "training_new",
        "case_new",
    ],
)
def test_every_new_form_opens_for_a_caseworker(cw, login, name):
    response = login(cw).get(reverse(f"caseworkers:{name}"))
    assert response.status_code == 200 and response.context["form"] is not None


def test_publicity_feedback_volunteer_training_and_case_through_the_forms(make, cw, login):
    from caseworkers.models import (
        PolicyFeedback,
        PublicityActivity,
        Training,
        TypicalCase,
        Volunteer,
    )

    h = make.household("330402007")
    client = login(cw)
    client.post(
        reverse("caseworkers:publicity_new"),
        {
            "held_on": "2026-11-20",
            "form": "leaflets",
            "topics": "低保",
            "place": "菜场",
            "households": [h.pk],
            "head_count": 12,
        },
    )
    client.post(
        reverse("caseworkers:feedback_new"),
        {"kind": "good_practice", "sent_to": "county", "title": "做法", "body": "说明"},
    )
    client.post(
        reverse("caseworkers:volunteer_new"), {"name": "周敏", "registered_on": "2026-01-01", "status": "active"}
    )
    v = Volunteer.objects.get()
    client.post(
        reverse("caseworkers:training_new"),
        {
            "title": "培训",
            "audience": "volunteers",
            "topic": "practice",
            "held_on": "2026-11-20",
            "hours": "3",
            "volunteers_present": [v.pk],
        },
    )
    client.post(
        reverse("caseworkers:case_new"), {"title": "案例", "domain": "living", "body": "匿名", "anonymised": "on"}
    )
    client.post(
        reverse("caseworkers:volunteer_detail", args=[v.pk]),
        {"task": "陪伴", "household": h.pk, "due_on": "2026-12-01"},
    )
    assert PublicityActivity.objects.get().households.get() == h
    assert PolicyFeedback.objects.get().status == "sent"
    assert Training.objects.get().volunteers_present.get() == v
    assert Volunteer.objects.get().training_hours == Decimal(3)
    assert TypicalCase.objects.get().status == "submitted"
    assert v.assignments.get().task == "陪伴"
    county = login(make.user(Role.COUNTY_CIVIL, "330402"))
    fb = PolicyFeedback.objects.get()
    county.post(reverse("caseworkers:feedback_respond", args=[fb.pk]), {"response": "采纳"})
    assert PolicyFeedback.objects.get().response == "采纳"


def test_posted_steps_on_another_areas_records_are_404(make, cw, login):
    from caseworkers.models import PolicyFeedback

    h = make.household("330402007")
    s = service(cw, [h], follow_up_on=TODAY)
    fb = services.feedback_create(actor=cw, kind="problem", title="t", body="b")
    v = services.volunteer_create(actor=cw, name="志愿者", registered_on=TODAY)
    a = services.assignment_create(actor=cw, volunteer=v, task="陪伴", household=h)
    other = login(make.user(Role.CASEWORKER, "330402008"))
    assert other.post(reverse("caseworkers:service_followed_up", args=[s.pk])).status_code == 404
    assert other.post(reverse("caseworkers:assignment_done", args=[a.pk]), {"hours": "2"}).status_code == 404
    assert (
        other.post(reverse("caseworkers:volunteer_detail", args=[v.pk]), {"task": "x", "household": h.pk}).status_code
        == 404
    )
    other_county = login(make.user(Role.COUNTY_CIVIL, "330411"))
    assert (
        other_county.post(reverse("caseworkers:feedback_respond", args=[fb.pk]), {"response": "x"}).status_code == 404
    )
    assert PolicyFeedback.objects.get().status == "sent"
    assert not ServiceRecord.objects.get().followed_up


def test_plan_cannot_be_made_from_another_townships_assessment(make, cw, login):
    from households.models import Plan
    from tests.caseworkers.helpers import assessment

    foreign = assessment(make.household("330402008"), cw)
    response = login(cw).post(reverse("households:plan_new"), {"assessment": foreign.pk})
    assert response.status_code == 200 and response.context["form"].errors["assessment"]
    assert not Plan.objects.exists()


def test_caseworker_sees_own_training_record(make, cw, login):
    build("training", cw, make)
    build("training", cw, make)
    response = login(cw).get(reverse("caseworkers:training_list"))
    assert response.context["note"] == "我的培训记录：共 2 次，4 学时。"


def test_the_author_edits_a_returned_case_and_resubmits_it(make, cw, login):
    case = services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    client = login(cw)
    client.post(reverse("caseworkers:case_step", args=[case.pk]) + "?to=submitted")
    login(make.user(Role.COUNTY_CIVIL, "330402")).post(
        reverse("caseworkers:case_step", args=[case.pk]) + "?to=returned", {"reason": "请补充成效"}
    )
    client = login(cw)
    assert client.get(reverse("caseworkers:case_edit", args=[case.pk])).status_code == 200
    response = client.post(
        reverse("caseworkers:case_edit", args=[case.pk]),
        {"title": "案例", "domain": "living", "body": "匿名，补充：已稳定就业"},
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.body.endswith("已稳定就业") and case.status == "returned"
    client.post(reverse("caseworkers:case_step", args=[case.pk]) + "?to=submitted")
    case.refresh_from_db()
    assert case.status == "submitted"
    # Submitted: no more edits.
    client.post(reverse("caseworkers:case_edit", args=[case.pk]), {"title": "改", "domain": "living", "body": "改"})
    case.refresh_from_db()
    assert case.title == "案例"


def test_case_edit_refuses_an_id_number_or_a_phone_in_the_text(make, cw, login):
    case = services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    response = login(cw).post(
        reverse("caseworkers:case_edit", args=[case.pk]),
        {"title": "案例", "domain": "living", "body": "户主电话13812345678"},
    )
    assert response.status_code == 200
    assert "手机号码" in str(response.context["form"].errors["body"])
    case.refresh_from_db()
    assert case.body == "匿名"


def test_case_edit_is_the_authors_only(make, cw, login):
    case = services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    url = reverse("caseworkers:case_edit", args=[case.pk])
    assert login(make.user(Role.CASEWORKER, "330402007")).get(url).status_code == 404
    assert login(make.user(Role.CASEWORKER, "330402008")).get(url).status_code == 404
    assert login(make.user(Role.COUNTY_CIVIL, "330402")).get(url).status_code == 403


def test_case_edit_page_queries(make, cw, login, django_assert_num_queries):
    case = services.case_create(actor=cw, title="案例", domain="living", body="匿名")
    client = login(cw)
    client.get(reverse("caseworkers:case_edit", args=[case.pk]))
    # session, user, area, the case (no session write; the menu's badge cached by the first view)
    with django_assert_num_queries(4):
        assert client.get(reverse("caseworkers:case_edit", args=[case.pk])).status_code == 200


def test_work_summary_labels_every_cell_and_shows_the_caseworkers_training(make, cw, login, django_assert_num_queries):
    referral(cw, make.household("330402007"))
    services.training_create(
        actor=cw,
        title="培训",
        audience="caseworkers",
        topic="policy",
        held_on=TODAY,
        hours=Decimal("2.5"),
        caseworkers_present=[cw],
    )
    services.training_create(
        actor=cw,
        title="去年",
        audience="caseworkers",
        topic="policy",
        held_on=datetime.date(2025, 5, 1),
        hours=Decimal(3),
        caseworkers_present=[cw],
    )
    client = login(make.user(Role.TOWNSHIP_OFFICER, "330402007"))
    response = client.get(reverse("caseworkers:summary") + "?year=2026")
    assert response.context["training"] == [(cw, {"sessions": 1, "hours": Decimal("2.5")})]
    html = response.content.decode()
    assert 'data-label="转介"' in html and 'data-label="合计"' in html and "培训记录" in html
    assert '<td class="num">' not in html  # every number cell names its column on a phone

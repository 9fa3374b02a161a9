"""The duplicate check answers within the asker's scope: a file they may see is named; any
other is only "registered elsewhere", with the county to ask, and the look-up is audited on
the holder's household. The form, the API and the import answer alike."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from households.dossier import services
from households.models import Member, Relation
from households.roster import imports
from households.roster.imports import Row
from jiuzhu.errors import RuleViolation
from jiuzhu.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db
ELSEWHERE = "此人已在其他地方的家庭中登记，不在您的辖区内。请向掌握该档案的嘉善县民政部门询问。"


@pytest.fixture
def far_away(make):
    """A person on assistance in 嘉善县 (another county than the caseworker's 南湖区)."""
    return make.household("330421001", members=1).head


@pytest.fixture
def caseworker(make):
    return make.user(Role.CASEWORKER, "330402007")


def denied():
    return AuditEvent.objects.filter(action=AuditAction.DENIED, target_type="households.member")


def test_a_person_outside_the_scope_is_only_said_to_be_registered_elsewhere_and_audited(make, caseworker, far_away):
    household = make.household("330402007", members=0)
    number = far_away.id_number
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        services.member_add(
            actor=caseworker, household=household, name="张三", id_number=number, relation_to_head=Relation.HEAD
        )
    assert refused.value.messages() == [ELSEWHERE]
    assert far_away.household.dossier_no not in str(refused.value)
    event = denied().get()
    assert (event.actor, event.household_id, event.target_id, event.area_code) == (
        caseworker,
        far_away.household_id,
        str(far_away.pk),
        "330421",
    )
    assert not Member.objects.filter(household=household).exists()


def test_changing_a_members_id_number_to_one_held_elsewhere_is_refused_alike(make, caseworker, far_away):
    member = make.household("330402007", members=1).head
    with translation.override("zh-hans"), pytest.raises(RuleViolation) as refused:
        services.member_update(
            actor=caseworker, member=member, expected_version=member.version, id_number=far_away.id_number
        )
    assert refused.value.messages() == [ELSEWHERE] and denied().count() == 1


def test_a_person_in_the_scope_is_named_by_dossier_and_not_audited_as_denied(make, caseworker):
    near = make.household("330402007", members=1)
    household = make.household("330402007", members=0)
    with pytest.raises(RuleViolation) as refused:
        services.member_add(
            actor=caseworker,
            household=household,
            name="张三",
            id_number=near.head.id_number,
            relation_to_head=Relation.HEAD,
        )
    assert near.dossier_no in str(refused.value)
    assert not denied().exists()


def test_the_api_answers_400_without_the_dossier_and_the_audit_row_stays(make, caseworker, far_away):
    household = make.household("330402007", members=0)
    client = APIClient()
    client.force_authenticate(caseworker)
    response = client.post(
        "/api/members/",
        {"household": household.pk, "name": "张三", "id_number": far_away.id_number, "relation_to_head": "head"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert far_away.household.dossier_no not in response.content.decode()
    assert ELSEWHERE in response.content.decode()
    assert denied().count() == 1


def test_the_form_answers_alike(make, caseworker, far_away, login):
    household = make.household("330402007", members=0)
    response = login(caseworker).post(
        reverse("households:member_add", args=[household.pk]),
        {
            "name": "张三",
            "id_number": far_away.id_number,
            "relation_to_head": "head",
            "labour_ability": "full",
            "health": "healthy",
            "school_stage": "none",
            "monthly_income": "0",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    page = response.content.decode()
    assert ELSEWHERE in page and far_away.household.dossier_no not in page
    assert denied().count() == 1


def test_the_import_names_no_dossier_outside_the_scope_and_audits_the_look_up(make, far_away):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    row = Row(
        2,
        {
            "户编号": "A1",
            "乡镇街道代码": "330402007",
            "姓名": "张三",
            "身份证号码": far_away.id_number,
            "与户主关系": "户主",
        },
    )
    with translation.override("zh-hans"):
        plan = imports.validate([row], user=officer)
    assert plan.errors == [(2, ELSEWHERE)]
    assert denied().get().household_id == far_away.household_id

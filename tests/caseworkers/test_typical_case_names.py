"""A typical case is anonymised: the linked household's names and address are refused, by name."""

import pytest
from django.urls import reverse

from caseworkers import rules, services
from caseworkers.models import TypicalCase
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def cw(make):
    return make.user(Role.CASEWORKER, "330402007")


@pytest.fixture
def home(make):
    h = make.household("330402007", members=0, address="幸福路8号")
    make.member(h, name="王建国", relation_to_head="head")
    make.member(h, name="王小红", relation_to_head="child")
    return h


def test_words_in_text_names_each_word_found():
    check = rules.words_in_text(("王建国一家住在幸福路8号",), ["王建国", "王小红", "幸福路8号"])

    assert not check.ok and dict(check.reasons[0].params)["words"] == "幸福路8号、王建国"
    assert rules.words_in_text(("一户困难家庭",), ["王建国"]).ok


def test_a_case_naming_the_households_members_or_address_is_refused(cw, home):
    with pytest.raises(RuleViolation) as refused:
        services.case_create(
            actor=cw, title="就业帮扶", domain="employment", household=home, body="王小红住在幸福路8号，经帮扶就业。"
        )

    assert "王小红" in str(refused.value.messages) and "幸福路8号" in str(refused.value.messages)
    assert "王建国" not in str(refused.value.messages)
    assert not TypicalCase.objects.exists()
    assert services.case_create(
        actor=cw, title="就业帮扶", domain="employment", household=home, body="一户家庭经帮扶就业。"
    )


def test_editing_a_case_into_naming_the_household_is_refused(cw, home):
    case = services.case_create(actor=cw, title="就业帮扶", domain="employment", household=home, body="匿名")

    with pytest.raises(RuleViolation):
        services.case_update(actor=cw, case=case, body="户主王建国经帮扶就业")


def test_the_form_says_which_words_to_remove(cw, home, login):
    response = login(cw).post(
        reverse("caseworkers:case_new"),
        {"title": "就业帮扶", "domain": "employment", "household": home.dossier_no, "body": "王建国经帮扶就业"},
    )

    assert response.status_code == 200
    assert "请从文中删除以下内容（典型案例须匿名）：王建国。" in response.content.decode()
    assert not TypicalCase.objects.exists()

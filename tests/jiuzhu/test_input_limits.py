"""Every typed text has one length that the form, the API, the import and the database agree
on, each refusing with a specific Chinese message; names refuse invisible and direction
characters and are stored NFKC; a JSON body nested a thousand deep is a 400."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import translation
from rest_framework.test import APIClient

from households.models import Household, Member
from households.roster import imports
from households.roster.imports import Row
from jiuzhu.fields import NOTE_MAX_LENGTH
from jiuzhu.models import Role
from jiuzhu.parsers import too_deep
from jiuzhu.text import normalise_name, refused_characters

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007")


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_names_refuse_invisible_and_direction_characters_and_are_normalised():
    assert refused_characters("张\u200b三\u202e\u200b") == ["U+200B", "U+202E"]
    assert refused_characters("阿依古丽·买买提") == []
    assert normalise_name(" ＺＨＡＮＧ\u3000 三 ") == "ZHANG 三"


@pytest.mark.parametrize("name", ["张\u202e三", "张\u200b三", "\ufeff李四"])
def test_the_api_refuses_a_name_with_a_hidden_character(make, worker, name):
    household = make.household(members=0)
    response = api(worker).post(
        "/api/members/",
        {"household": household.pk, "name": name, "id_number": make.id_number(), "relation_to_head": "head"},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "姓名含有不可见字符或文字方向控制字符" in response.json()["name"][0]
    assert not Member.objects.exists()


def test_a_name_is_stored_in_its_normal_form(make, worker):
    household = make.household(members=0)
    response = api(worker).post(
        "/api/members/",
        {
            "household": household.pk,
            "name": "ＺＨＡＮＧ　 三",
            "id_number": make.id_number(),
            "relation_to_head": "head",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert Member.objects.get().name == "ZHANG 三"


def test_the_form_refuses_a_hidden_character_in_a_name(make, worker, login):
    from django.urls import reverse

    household = make.household(members=0)
    response = login(worker).post(
        reverse("households:member_add", args=[household.pk]),
        {
            "name": "张\u202e三",
            "id_number": make.id_number(),
            "relation_to_head": "head",
            "labour_ability": "full",
            "health": "healthy",
            "school_stage": "none",
            "monthly_income": "0",
        },
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert "姓名含有不可见字符或文字方向控制字符（U+202E）" in response.content.decode()
    assert not Member.objects.exists()


def test_a_million_character_note_is_refused_by_the_api_and_changes_nothing(make, worker):
    household = make.household(members=0)
    response = api(worker).patch(
        f"/api/households/{household.pk}/",
        {"notes": "记" * 1_000_000, "version": household.version},
        format="json",
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert f"{NOTE_MAX_LENGTH}" in response.json()["notes"][0] and "字符" in response.json()["notes"][0]
    assert Household.objects.get(pk=household.pk).notes == ""


def test_the_form_field_and_the_database_share_the_notes_limit(make):
    household = make.household(members=0)
    assert Household._meta.get_field("notes").formfield().max_length == NOTE_MAX_LENGTH
    Household.objects.filter(pk=household.pk).update(notes="x" * NOTE_MAX_LENGTH)
    with pytest.raises(IntegrityError), transaction.atomic():
        Household.objects.filter(pk=household.pk).update(notes="x" * (NOTE_MAX_LENGTH + 1))


def test_the_import_refuses_a_text_longer_than_its_column_and_a_hidden_character(make):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    rows = [
        Row(
            2,
            {
                "户编号": "A1",
                "乡镇街道代码": "330402007",
                "地址": "路" * 10_000,
                "姓名": "张三",
                "身份证号码": make.id_number(),
                "与户主关系": "户主",
            },
        ),
        Row(
            3,
            {
                "户编号": "A2",
                "乡镇街道代码": "330402007",
                "姓名": "李\u200b四",
                "身份证号码": make.id_number(),
                "与户主关系": "户主",
            },
        ),
    ]
    with translation.override("zh-hans"):
        plan = imports.validate(rows, user=officer)
    assert plan.errors == [
        (2, "地址有 10000 个字符，最多允许 200 个"),
        (3, "姓名含有不可见字符或文字方向控制字符（U+200B），请删除后重新输入。"),
    ]
    assert not plan.households


def test_json_nested_a_thousand_deep_is_a_400_in_chinese(worker):
    body = "[" * 1000 + "]" * 1000
    response = api(worker).generic(
        "POST", "/api/members/", body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON 请求体嵌套超过 32 层。"
    deep = {"a": [{"b": 1}]}
    assert not too_deep(deep, 3) and too_deep(deep, 2)


@pytest.mark.parametrize(
    ("module", "form", "field"),
    [
        ("households.plans.api", "PlanCreateSerializer", "summary"),
        ("households.plans.api", "PlanUpdateSerializer", "summary"),
        ("households.plans.api", "ReviewCreateSerializer", "summary"),
        ("households.plans.api", "CloseSerializer", "outcome"),
        ("households.review.forms", "ReviewRecordForm", "note"),
        ("households.review.api", "RecordInputSerializer", "note"),
        ("households.plans.forms", "PlanNewForm", "summary"),
        ("households.plans.forms", "ReviewForm", "summary"),
        ("households.review.forms", "ChangeReportForm", "description"),
        ("households.dossier.forms", "AssessmentForm", "summary"),
    ],
)
def test_forms_and_serializers_that_are_no_model_form_stop_at_the_same_length(module, form, field):
    import importlib

    cls = getattr(importlib.import_module(module), form)
    declared = cls._declared_fields if hasattr(cls, "_declared_fields") else cls.base_fields
    assert declared[field].max_length == NOTE_MAX_LENGTH

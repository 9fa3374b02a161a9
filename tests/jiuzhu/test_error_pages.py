"""Error pages in Chinese; the API answers errors as JSON, in Chinese, per field."""

from __future__ import annotations

import pytest
from django.template import loader
from django.test import RequestFactory, override_settings
from django.views.defaults import server_error

from jiuzhu import views
from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


@override_settings(DEBUG=False)
def test_an_unknown_page_answers_a_chinese_404_page(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
    assert "页面不存在" in response.content.decode()


@override_settings(DEBUG=False)
def test_an_unknown_api_path_answers_json_in_chinese(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.get("/api/no-such-endpoint/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


@override_settings(DEBUG=False)
def test_a_refused_page_answers_a_chinese_403_page(make, login):
    client = login(make.user(Role.COUNTY_FINANCE, "330402"))  # finance roles see no household files

    response = client.get("/households/")

    assert response.status_code == 403
    assert "无权" in response.content.decode()


def test_a_refusal_under_the_api_answers_json_in_chinese():
    from django.utils import translation

    with translation.override("zh-hans"):
        response = views.permission_denied(RequestFactory().get("/api/anything/"))

    assert response.status_code == 403
    assert response["Content-Type"] == "application/json"
    assert "您没有执行该操作的权限" in response.content.decode()


def test_the_500_page_renders_without_a_request_or_static_files():
    source = loader.get_template("500.html").template.source
    assert "{% static" not in source and "{% url" not in source and "{% extends" not in source

    response = server_error(RequestFactory().get("/households/"))

    assert response.status_code == 500
    assert "服务器出错" in response.content.decode()


def test_a_malformed_json_body_gets_a_chinese_message(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.post("/api/households/", "{not json", content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 400
    assert response.json() == {"detail": "请求内容不是格式正确的 JSON。"}


def test_an_empty_or_wrongly_typed_household_gets_chinese_messages_per_field(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    empty = client.post("/api/households/", {}, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en")
    wrong = client.post(
        "/api/households/",
        {"township": "建设街道", "registered_on": "yesterday", "income_stable": "perhaps"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert empty.status_code == wrong.status_code == 400
    assert empty.json()["township"] == ["该字段是必填项。"]
    errors = wrong.json()
    assert set(errors) >= {"township", "registered_on", "income_stable"}
    for field in ("township", "registered_on", "income_stable"):
        message = errors[field][0]
        assert any("\u4e00" <= ch <= "\u9fff" for ch in message), (field, message)
        assert not any(word in message for word in ("Incorrect", "valid", "must", "Date has")), (field, message)


@override_settings(DEBUG=False)
def test_a_server_error_under_the_api_answers_json_in_chinese(make, login, monkeypatch):
    from households.dossier import api

    def broken(self, request, *args, **kwargs):
        raise RuntimeError("the database said something technical")

    monkeypatch.setattr(api.HouseholdViewSet, "list", broken)
    client = login(make.user(Role.CASEWORKER, "330402007"))
    client.raise_request_exception = False

    response = client.get("/api/households/")

    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "服务器出错。请重试；如再次出错，请告知系统管理员。"}


def test_a_server_error_on_a_page_still_answers_the_chinese_page():
    response = views.server_error(RequestFactory().get("/households/"))

    assert response.status_code == 500 and "服务器出错" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")


@override_settings(DEBUG=True)
def test_with_debug_on_an_unknown_page_answers_the_chinese_404_without_the_url_list(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.get("/no-such-page/")

    html = response.content.decode()
    assert response.status_code == 404 and "页面不存在" in html
    assert "URLconf" not in html and "&lt;int:pk&gt;" not in html  # the pattern list


@override_settings(DEBUG=True)
def test_with_debug_on_a_record_out_of_reach_answers_the_chinese_404(make, login):
    from django.urls import reverse

    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.get(reverse("households:detail", args=[999999]))

    assert response.status_code == 404 and "页面不存在" in response.content.decode()
    assert "Raised by" not in response.content.decode()


@override_settings(DEBUG=True)
def test_with_debug_on_an_unknown_path_without_its_slash_still_redirects(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    assert client.get("/households").status_code == 301


@override_settings(DEBUG=True, JIUZHU_DEBUG_URL_LIST=True)
def test_a_developer_may_ask_for_djangos_url_list(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    assert "URLconf" in client.get("/no-such-page/").content.decode()

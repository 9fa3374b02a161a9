"""A county officer adds a caseworker and makes their login in the same step: no superuser,
no raw area ID. The login belongs to the chosen township, its one-time password is shown once
and works; a taken login name or none at all is refused in Chinese and saves nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest

from jiuzhu.models import AuditEvent, Role, User
from staffing.models import Caseworker
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db


def _form(**changes) -> dict:
    data = {
        "name": "王丽",
        "township": factories.area("330402007").pk,
        "organization": builders.organization("330402").pk,
        "hire_date": "2024-01-01",
        "full_time": "on",
        "education": "bachelor",
        "full_time_education": "on",
        "work_years": "3",
        "qualification_level": "none",
        "id_number": factories.id_number(born=date(1992, 3, 4)),
        "hukou_in_jiaxing": "on",
    }
    return {**data, **changes}


def test_a_county_officer_makes_the_caseworkers_login_with_the_profile(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post("/staffing/caseworkers/new/", _form(new_username="wangli"), follow=True)
    cw = Caseworker.objects.get()
    assert cw.user.username == "wangli" and cw.user.role == Role.CASEWORKER
    assert cw.user.area.code == "330402007" and cw.user.first_name == "王丽"
    [shown] = [str(m) for m in response.context["messages"] if "wangli" in str(m)]
    password = re.search(r"初始密码：(\S+)", shown).group(1)
    assert cw.user.check_password(password)
    assert AuditEvent.objects.filter(target_type="jiuzhu.user", target_id=str(cw.user.pk), action="create").exists()
    again = client.get(f"/staffing/caseworkers/{cw.pk}/").content.decode()
    assert password not in again  # shown once


def test_the_login_list_names_people_and_townships_not_area_ids(login):
    factories.user(Role.CASEWORKER, "330402007", username="lisi", first_name="李四")
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    choices = [
        label for _value, label in client.get("/staffing/caseworkers/new/").context["form"].fields["user"].choices
    ]
    assert "李四（lisi · 建设街道）" in choices


def test_a_taken_login_name_is_refused_and_nothing_is_saved(login):
    factories.user(Role.CASEWORKER, "330411002", username="wangli")
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post("/staffing/caseworkers/new/", _form(new_username="WangLi"))
    assert response.status_code == 200
    assert "已被使用" in " ".join(response.context["form"].errors["new_username"])
    assert not Caseworker.objects.exists() and User.objects.filter(username__iexact="wangli").count() == 1


def test_neither_a_login_nor_a_new_login_name_is_refused(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post("/staffing/caseworkers/new/", _form())
    assert response.status_code == 200 and "新登录名" in " ".join(response.context["form"].errors["user"])
    assert not Caseworker.objects.exists()


def test_a_bad_id_number_leaves_no_login_behind(login):
    client = login(factories.user(Role.COUNTY_CIVIL, "330402"))
    response = client.post("/staffing/caseworkers/new/", _form(new_username="wangli", id_number="330402199203041234"))
    assert response.status_code == 200 and response.context["form"].errors["id_number"]
    assert not User.objects.filter(username="wangli").exists()

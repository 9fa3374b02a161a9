"""People are shown by their names, never by their login names."""

import pytest

from jiuzhu.models import Role

pytestmark = pytest.mark.django_db


def test_a_user_reads_as_their_name_and_falls_back_to_the_login(make):
    named = make.user(Role.CASEWORKER, username="zhangsan", first_name="张三")
    unnamed = make.user(Role.CASEWORKER, username="lisi")

    assert str(named) == "张三" and str(unnamed) == "lisi"


def test_a_select_of_people_lists_names_not_logins(make):
    from django import forms

    from jiuzhu.models import User

    make.user(Role.CASEWORKER, username="wangwu", first_name="王五")
    field = forms.ModelChoiceField(User.objects.filter(username="wangwu"))

    assert [label for _value, label in field.choices][1:] == ["王五"]

"""A policy row may be stricter than the seed (and a county's than the city's), never weaker."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from jiuzhu.models import PolicyParameters, Role
from jiuzhu.policy import DEFAULTS, weaker_figures
from tests.jiuzhu.test_admin_audit import change_in_admin


def test_the_seed_figures_themselves_pass_and_stricter_ones_too():
    seed = {
        name: DEFAULTS[name]
        for name in (
            "caseworker_funding_floor",
            "min_contract_years",
            "recruit_max_age",
            "recruit_max_age_relaxed",
            "qualification_deadline_years",
        )
    }
    assert weaker_figures(seed) == {}
    stricter = {
        "caseworker_funding_floor": Decimal("60000"),
        "min_contract_years": 5,
        "recruit_max_age": 30,
        "recruit_max_age_relaxed": 35,
        "qualification_deadline_years": 3,
    }
    assert weaker_figures(stricter) == {}


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("caseworker_funding_floor", Decimal("49999.99")),
        ("min_contract_years", 2),
        ("recruit_max_age", 36),
        ("recruit_max_age_relaxed", 39),
        ("qualification_deadline_years", 6),
        ("recruit_min_work_years", Decimal("1.5")),
    ],
)
def test_one_step_weaker_than_the_seed_is_refused(name, value):
    assert set(weaker_figures({name: value})) == {name}


def test_a_county_is_held_to_a_stricter_city_row():
    city = {"caseworker_funding_floor": Decimal("60000"), "recruit_max_age": 32}
    found = weaker_figures(
        {"caseworker_funding_floor": Decimal("55000"), "recruit_max_age": 32}, city=city, city_year=2026
    )
    assert set(found) == {"caseworker_funding_floor"} and "2026" in str(found["caseworker_funding_floor"])


@pytest.mark.django_db
def test_a_weak_county_row_is_refused_in_chinese(make):
    make.policy_row("330400", 2026, "1200.00")
    row = PolicyParameters(
        area=make.area("330402"),
        year=2026,
        dibao_standard=Decimal("1256.00"),
        caseworker_funding_floor=Decimal("30000.00"),
        min_contract_years=1,
        recruit_max_age=50,
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    messages = error.value.message_dict
    assert set(messages) == {"caseworker_funding_floor", "min_contract_years", "recruit_max_age"}
    assert "不得低于 50000.00" in messages["caseworker_funding_floor"][0]
    assert "嘉政民救〔2018〕45号" in messages["min_contract_years"][0]
    assert "不得高于 35" in messages["recruit_max_age"][0]


@pytest.mark.django_db
def test_a_county_row_weaker_than_the_city_row_is_refused(make):
    make.policy_row("330400", 2025, "1200.00", caseworker_funding_floor=Decimal("60000.00"))
    row = PolicyParameters(
        area=make.area("330402"),
        year=2026,
        dibao_standard=Decimal("1256.00"),
        caseworker_funding_floor=Decimal("55000.00"),
    )
    with pytest.raises(ValidationError) as error:
        row.full_clean()
    assert "全市 2025 年度参数" in error.value.message_dict["caseworker_funding_floor"][0]


@pytest.mark.django_db
def test_a_new_row_in_the_admin_starts_as_a_copy_of_the_city_row_and_a_weak_one_is_refused(make, client):
    make.policy_row("330400", 2026, "1200.00", caseworker_funding_floor=Decimal("60000.00"), recruit_max_age=33)
    client.force_login(make.user(Role.ADMIN, None, username="root-floors"))
    form = client.get("/admin/jiuzhu/policyparameters/add/").context["adminform"].form
    assert form.initial["caseworker_funding_floor"] == Decimal("60000.00") and form.initial["recruit_max_age"] == 33
    assert form.initial["dibao_standard"] == Decimal("1200.00")
    response = change_in_admin(
        client,
        "/admin/jiuzhu/policyparameters/add/",
        area=str(make.area("330402").pk),
        year="2026",
        caseworker_funding_floor="55000.00",
    )  # above the seed, below the city
    assert response.status_code == 200 and "不得低于 60000.00" in response.content.decode()
    assert not PolicyParameters.objects.filter(area__code="330402").exists()
    response = change_in_admin(
        client,
        "/admin/jiuzhu/policyparameters/add/",
        area=str(make.area("330402").pk),
        year="2026",
        caseworker_funding_floor="65000.00",
    )
    assert response.status_code == 302
    assert PolicyParameters.objects.get(area__code="330402").recruit_max_age == 33

"""Villages and communities: loaded with their township, all or nothing; demo ones for the demo townships."""

from __future__ import annotations

import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from households.models import Household
from jiuzhu.areas import COLUMNS, load_townships
from jiuzhu.errors import RuleViolation
from jiuzhu.models import Area, AreaLevel, Role

pytestmark = pytest.mark.django_db
JIANSHE = {
    "township_code": "330402007",
    "township_name": "建设街道",
    "kind": "街道",
    "county_code": "330402",
    "county_name": "南湖区",
    "functional_zone": "",
}
GANGQU = {
    "township_code": "330482101",
    "township_name": "乍浦镇",
    "kind": "镇",
    "county_code": "330482",
    "county_name": "平湖市",
    "functional_zone": "嘉兴港区",
}


def write_csv(path, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=[*COLUMNS, "village_code", "village_name"])
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_load_areas_creates_villages_under_their_township(tmp_path):
    sheet = write_csv(
        tmp_path / "areas.csv",
        [
            {**JIANSHE, "village_code": "330402007001", "village_name": "紫阳社区"},
            {**JIANSHE, "village_code": "330402007201", "village_name": "新丰村"},
            {**GANGQU, "village_code": "330482101001", "village_name": "乍浦社区"},
        ],
    )

    call_command("load_areas", str(sheet), stdout=io.StringIO())

    ziyang = Area.objects.get(code="330402007001")
    assert (ziyang.name, ziyang.kind, ziyang.level) == ("紫阳社区", "社区", AreaLevel.VILLAGE)
    assert (ziyang.parent.code, ziyang.township.code, ziyang.county.code, ziyang.city.code) == (
        "330402007",
        "330402007",
        "330402",
        "330400",
    )
    assert Area.objects.get(code="330402007201").kind == "村"
    # A township run by a functional zone: its villages are run by the zone too.
    assert Area.objects.get(code="330482101001").county.code == "330472"


def test_a_second_load_renames_a_village_and_changes_nothing_else():
    load_townships([{**JIANSHE, "village_code": "330402007001", "village_name": "紫阳社区"}])

    result = load_townships([{**JIANSHE, "village_code": "330402007001", "village_name": "紫阳新村社区"}])

    assert Area.objects.get(code="330402007001").name == "紫阳新村社区"
    assert result.created == 0 and result.updated == 1


@pytest.mark.parametrize(
    ("village_code", "village_name", "message"),
    [
        ("33040200701", "紫阳社区", "村（社区）代码 33040200701 应为 12 位数字"),
        ("330402008001", "紫阳社区", "村（社区）代码 330402008001 不以所属镇（街道）代码 330402007 开头"),
        ("330402007001", "", "村（社区）须同时填写代码和名称"),
        ("", "紫阳社区", "村（社区）须同时填写代码和名称"),
    ],
)
def test_a_bad_village_row_is_refused_in_chinese_and_nothing_is_written(village_code, village_name, message):
    rows = [
        {**JIANSHE, "village_code": "330402007002", "village_name": "梅湾社区"},
        {**JIANSHE, "village_code": village_code, "village_name": village_name},
    ]

    with pytest.raises(RuleViolation) as error:
        load_townships(rows)

    assert error.value.messages() == [f"第 3 行：{message}。"]
    assert not Area.objects.filter(level=AreaLevel.VILLAGE).exists()


def test_a_village_code_twice_or_a_township_named_two_ways_is_refused(tmp_path):
    sheet = write_csv(
        tmp_path / "areas.csv",
        [
            {**JIANSHE, "village_code": "330402007001", "village_name": "紫阳社区"},
            {**JIANSHE, "village_code": "330402007001", "village_name": "梅湾社区"},
            {**JIANSHE, "township_name": "建设镇", "village_code": "330402007003", "village_name": "南溪社区"},
        ],
    )

    with pytest.raises(CommandError) as error:
        call_command("load_areas", str(sheet), stdout=io.StringIO())

    assert str(error.value).splitlines() == [
        "第 3 行：村（社区）代码 330402007001 重复。",
        "第 4 行：镇（街道）330402007 的名称、所属县或功能区与前面的行不一致。",
    ]
    assert not Area.objects.filter(level=AreaLevel.VILLAGE).exists()


def test_seed_demo_gives_the_demo_townships_villages_and_their_households_one(settings, make, login):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())

    for township in ("330402007", "330411002"):
        villages = Area.objects.filter(level=AreaLevel.VILLAGE, township__code=township)
        assert villages.count() == 3
        households = Household.objects.filter(township__code=township)
        assert households.exists() and not households.filter(village__isnull=True).exists()
    client = login(make.user(Role.CASEWORKER, "330402007"))
    form = client.get("/households/new/").content.decode()
    assert "紫阳社区" in form and "东升社区" not in form

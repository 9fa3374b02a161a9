"""Areas, policy parameters, optimistic locking, API errors, demo data, static files."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from openpyxl import Workbook

from households.models import Household
from jiuzhu.concurrency import save_versioned
from jiuzhu.errors import StaleEdit
from jiuzhu.models import Area, AreaLevel, PolicyParameters, Role, User

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db


def test_the_shipped_tree_has_the_city_nine_county_level_units_and_72_townships():
    assert Area.objects.filter(level=AreaLevel.CITY).count() == 1
    counties = set(Area.objects.counties().values_list("name", flat=True))
    assert counties == {
        "南湖区",
        "秀洲区",
        "嘉善县",
        "海盐县",
        "海宁市",
        "平湖市",
        "桐乡市",
        "嘉兴经济技术开发区",
        "嘉兴港区",
    }
    assert Area.objects.townships().count() == 72
    assert Area.objects.get(code="330482101").county.name == "嘉兴港区"


def test_load_areas_from_xlsx_updates_names_and_refuses_bad_rows(tmp_path):
    good = tmp_path / "good.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["township_code", "township_name", "kind", "county_code", "county_name", "functional_zone"])
    sheet.append(["330402007", "建设街道（新）", "街道", "330402", "南湖区", ""])
    book.save(good)

    call_command("load_areas", str(good))

    assert Area.objects.get(code="330402007").name == "建设街道（新）"
    bad = tmp_path / "bad.xlsx"
    sheet.append(["33040299", "坏数据", "镇", "330402", "南湖区", ""])
    sheet.append(["330411999", "错县", "镇", "330402", "南湖区", ""])
    book.save(bad)
    with pytest.raises(CommandError) as error:
        call_command("load_areas", str(bad))
    assert "第 3 行" in str(error.value) and "第 4 行" in str(error.value)
    assert not Area.objects.filter(name="错县").exists()


def test_policy_for_a_county_prefers_its_own_row_then_the_city_then_earlier_years(make):
    nanhu = Area.objects.get(code="330402")
    make.policy_row("330400", 2025, "1200.00")
    make.policy_row("330400", 2026, "1300.00")
    make.policy_row("330402", 2026, "1350.00")

    assert PolicyParameters.objects.for_county(nanhu, 2026).dibao_standard == Decimal("1350.00")
    assert PolicyParameters.objects.for_county(Area.objects.get(code="330411"), 2026).dibao_standard == Decimal(
        "1300.00"
    )
    assert PolicyParameters.objects.for_county(nanhu, 2027).dibao_standard == Decimal("1350.00")
    assert PolicyParameters.objects.for_county(nanhu, 2025).dibao_standard == Decimal("1200.00")
    assert PolicyParameters.objects.for_county(nanhu, 2024) is None


def test_policy_row_becomes_the_rules_policy(make):
    policy = make.policy_row("330400", 2026, "1300.00", caseworker_funding_floor=Decimal("60000")).as_policy()

    assert policy.dibao_standard == Decimal("1300.00")
    assert policy.caseworker_funding_floor == Decimal("60000")
    assert policy.low_income_line == Decimal("1950.00")


def test_a_stale_edit_is_refused_and_changes_nothing(make):
    household = make.household("330402007")
    first = Household.objects.get(pk=household.pk)
    second = Household.objects.get(pk=household.pk)

    first.address = "甲"
    save_versioned(first, expected_version=first.version, fields=["address"])
    second.address = "乙"
    with pytest.raises(StaleEdit) as error:
        save_versioned(second, expected_version=second.version, fields=["address"])

    assert "其他人已保存" in error.value.messages()[0]
    household.refresh_from_db()
    assert (household.address, household.version) == ("甲", 2)


def test_api_errors_are_json_with_chinese_messages(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    response = client.get("/api/households/999999/")

    assert response.status_code == 404
    assert response.json()["detail"] == "未找到。"


def test_seed_demo_is_idempotent_and_creates_every_role(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    counts = (User.objects.count(), Household.objects.count())

    call_command("seed_demo")

    assert (User.objects.count(), Household.objects.count()) == counts
    assert set(User.objects.values_list("role", flat=True)) == set(Role.values)
    assert User.objects.get(username="demo-caseworker").check_password("jiuzhu-demo-2026")


def test_seed_demo_refuses_without_debug(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError):
        call_command("seed_demo")


EXTERNAL = re.compile(
    r"""(?:src|href)\s*=\s*["'](?:https?:)?//|@import\s+url\(["']?(?:https?:)?//|url\(["']?https?://""", re.I
)


def test_no_template_or_static_file_references_an_external_host():
    files = [
        p
        for folder in ("templates", "static", "households", "caseworkers", "staffing", "jiuzhu")
        for p in (ROOT / folder).rglob("*")
        if p.suffix in {".html", ".css", ".js"}
    ]
    assert files, "no templates found: the test would prove nothing"
    offenders = [
        str(p.relative_to(ROOT))
        for p in files
        if "vendor" not in p.parts and EXTERNAL.search(p.read_text(encoding="utf-8", errors="ignore"))
    ]

    assert offenders == []


def test_api_docs_and_schema_load_with_local_assets(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    schema = client.get("/api/schema/")
    docs = client.get("/api/docs/").content.decode()

    assert schema.status_code == 200 and b"/api/households/" in schema.content
    assert "/static/drf_spectacular_sidecar/" in docs
    assert not EXTERNAL.search(docs)


def test_pages_are_chinese_whatever_the_browser_asks_unless_the_user_chose(make, login):
    client = login(make.user(Role.CASEWORKER, "330402007"))

    english_browser = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    chosen = client.get("/").content.decode()

    assert "首页" in english_browser and 'lang="zh-hans"' in english_browser
    assert 'lang="en"' in chosen and "Home" in chosen


def test_rundev_names_every_demo_login():
    from jiuzhu.management.commands.rundev import demo_logins_line
    from jiuzhu.management.commands.seed_demo import DEMO_USERS

    line = demo_logins_line()

    assert all(re.search(rf"\b{re.escape(username)}\b(?!\d)", line) for username, *_rest in DEMO_USERS)
    assert "demo-caseworker2" in line

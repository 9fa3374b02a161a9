"""The import template: a valid example, text-formatted ID and phone columns, and a clear reason for numeric IDs."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

from households import rules
from households.roster import imports
from jiuzhu.models import Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_example_id_number_passes_the_check_digit():
    example = dict(zip(imports.COLUMNS, imports.EXAMPLE, strict=True))
    assert rules.check_id_number(example["身份证号码"], today=TODAY).valid


def test_the_example_row_of_the_downloaded_template_imports_cleanly(make):
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    rows = imports.read_rows(io.BytesIO(_saved(imports.template_workbook())))
    plan = imports.validate(rows, user=officer, today=TODAY)
    assert plan.errors == [] and plan.new_members == 1


def test_the_id_and_phone_columns_are_formatted_as_text():
    sheet = load_workbook(io.BytesIO(_saved(imports.template_workbook()))).active
    for name in ("身份证号码", "联系电话"):
        letter = "ABCDEFGHIJ"[imports.COLUMNS.index(name)]
        assert sheet[f"{letter}2"].number_format == "@" and sheet[f"{letter}500"].number_format == "@"
        assert isinstance(sheet[f"{letter}2"].value, str)
    assert sheet["A2"].number_format == "General"


def test_an_id_number_stored_as_a_number_is_explained_in_chinese(make, settings):
    from django.utils import translation

    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    workbook = Workbook()
    workbook.active.append(imports.COLUMNS)
    workbook.active.append(
        ["A1", "330402007", "中山路1号", 13800000000, "张三", 330402198005170015, "户主", "有", "健康", "0"]
    )
    rows = imports.read_rows(io.BytesIO(_saved(workbook)))
    with translation.override("zh-hans"):
        plan = imports.validate(rows, user=officer, today=TODAY)
    assert len(plan.errors) == 1 and plan.errors[0][0] == 2
    assert "Excel" in plan.errors[0][1] and "文本" in plan.errors[0][1] and "重新" in plan.errors[0][1]

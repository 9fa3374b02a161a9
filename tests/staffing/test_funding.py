"""Funding per county and year (floor × caseworker-years) and the transfer-payment workbook read back."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command

from jiuzhu.models import Area
from staffing import exports, selectors, services
from tests import factories
from tests.staffing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded_2025():
    """2025 (365 days), floor 50,000.00 from the city's row.

    建设街道: a full year (365 d) + a hire on 2025-07-01 (184 d) → 549 d → 1.504110 caseworker-years
    → 75,205.50; paid 75,000.00 → short 205.50.
    解放街道: left on 2025-03-31 (90 d) → 0.246575 → 12,328.75; paid 12,328.77 → ok. A part-time caseworker
    does not count.
    """
    factories.policy_row("330400", 2025, "1256.00")
    builders.caseworker("330402007", hire=date(2024, 1, 1), name="甲")
    builders.caseworker("330402007", hire=date(2025, 7, 1), name="乙")
    left = builders.caseworker("330402008", hire=date(2023, 1, 1), name="丙")
    services.caseworker_change_status(actor=builders.admin(), caseworker=left, status="left", on=date(2025, 3, 31))
    builders.caseworker("330402008", hire=date(2023, 1, 1), name="丁", full_time=False)
    builders.caseworker("330411002", hire=date(2024, 1, 1), name="戊")  # another county
    builders.transfer("330402007", 2025, "50000.00")
    builders.transfer("330402007", 2025, "25000.00")
    builders.transfer("330402008", 2025, "12328.77")
    builders.transfer("330402008", 2024, "99999.00")  # another year


def test_shortfall_per_township_to_the_cent(funded_2025):
    figures = selectors.county_funding(county=factories.area("330402"), year=2025)
    rows = {r.township.code: r for r in figures.rows}

    assert figures.floor == Decimal("50000.00")
    assert len(rows) == 11
    jianshe = rows["330402007"]
    assert (jianshe.line.days_in_post, jianshe.line.required, jianshe.transferred) == (
        549,
        Decimal("75205.48"),
        Decimal("75000.00"),
    )  # 50000 × 549/365, rounded once
    assert jianshe.check.shortfall == Decimal("205.48")
    assert jianshe.caseworkers == ["甲", "乙"]
    jiefang = rows["330402008"]
    assert (jiefang.line.days_in_post, jiefang.line.required, jiefang.check.ok) == (90, Decimal("12328.77"), True)
    assert jiefang.caseworkers == ["丙"]
    assert figures.shortfall == Decimal("205.48")
    assert figures.required == Decimal("87534.25")


def test_county_policy_row_sets_the_floor(funded_2025):
    factories.policy_row("330411", 2025, "1256.00", caseworker_funding_floor=Decimal("60000.00"))
    xiuzhou = selectors.county_funding(county=factories.area("330411"), year=2025)
    row = next(r for r in xiuzhou.rows if r.township.code == "330411002")
    assert xiuzhou.floor == Decimal("60000.00")
    assert row.line.required == Decimal("60000.00")
    assert row.check.shortfall == Decimal("60000.00")


def test_funding_for_every_county_takes_five_queries(funded_2025, django_assert_num_queries):
    counties = list(Area.objects.counties().order_by("code"))
    # townships; caseworkers overlapping the year (+township); their employment contracts (a
    # township-day counts only with one running); transfer sums by township; policy rows.
    with django_assert_num_queries(5):
        figures = selectors.funding(counties=counties, year=2025)
    assert sum(len(f.rows) for f in figures) == 72


def _book(data: bytes, data_only: bool = False):
    return openpyxl.load_workbook(io.BytesIO(data), data_only=data_only)


def test_county_sheet_reads_back_with_numbers_formulas_and_cached_totals(funded_2025):
    data = exports.transfer_workbook(counties=[factories.area("330402")], year=2025, generated_on=date(2026, 1, 5))
    book, values = _book(data), _book(data, data_only=True)

    assert book.sheetnames == ["南湖区2025"]
    ws, wv = book["南湖区2025"], values["南湖区2025"]
    assert "2025年度 南湖区" in ws["A1"].value
    assert ws["B3"].value == "330402007" and ws["C3"].value == "建设街道"
    assert ws["D3"].value == "甲(365天)、乙(184天)"
    assert ws["F3"].value == 1.50411 and ws["F3"].number_format == "0.000000"
    assert ws["E3"].value == 549
    assert ws["G3"].value == 50000.0 and ws["G3"].number_format == "#,##0.00"
    assert ws["H3"].value == "=ROUND(G3*E3/365,2)" and ws["H3"].number_format == "#,##0.00"
    assert wv["H3"].value == pytest.approx(75205.48)
    assert ws["I3"].value == pytest.approx(75000.00)
    assert ws["J3"].value == "=MAX(0,H3-I3)"
    assert wv["J3"].value == pytest.approx(205.48)
    assert wv["K3"].value == "否"
    assert wv["K4"].value == "是"  # 解放街道 paid exactly the requirement
    total = 3 + 11
    assert ws[f"A{total}"].value == "合计"
    assert ws[f"H{total}"].value == "=SUM(H3:H13)"
    assert wv[f"H{total}"].value == pytest.approx(87534.25)
    assert wv[f"I{total}"].value == pytest.approx(87328.77)
    assert wv[f"J{total}"].value == pytest.approx(205.48)
    assert "折合人年＝在岗天数÷365（闰年366，按日计算）" in ws[f"A{total + 1}"].value
    assert ws[f"J{total}"].number_format == "#,##0.00"


def test_city_workbook_has_a_summary_then_a_sheet_per_county(funded_2025):
    counties = list(Area.objects.counties().filter(active=True).order_by("code"))
    city = Area.objects.get(code="330400")
    data = exports.transfer_workbook(counties=counties, year=2025, generated_on=date(2026, 1, 5), city=city)
    book, values = _book(data), _book(data, data_only=True)

    assert book.sheetnames[0] == "嘉兴市2025"
    assert book.sheetnames[1:] == [f"{c.name}2025" for c in counties]
    summary = values["嘉兴市2025"]
    nanhu_row = next(r for r in range(3, 3 + len(counties)) if summary[f"B{r}"].value == "330402")
    assert summary[f"I{nanhu_row}"].value == pytest.approx(205.48)
    total = 3 + len(counties)
    assert summary[f"D{total}"].value == 72
    assert summary[f"E{total}"].value == 4  # 甲, 乙, 丙 (left in March) and 戊: full-time, in post in 2025
    assert book["嘉兴市2025"][f"G{total}"].value == f"=SUM(G3:G{total - 1})"


def test_export_command_writes_the_county_sheet(funded_2025, tmp_path):
    target = tmp_path / "nanhu.xlsx"
    call_command("export_transfers", "--county", "330402", "--year", "2025", "-o", str(target))
    values = openpyxl.load_workbook(target, data_only=True)["南湖区2025"]
    assert values["J14"].value == pytest.approx(205.48)


def test_export_command_all_writes_the_city_workbook(funded_2025, tmp_path):
    target = tmp_path / "city.xlsx"
    call_command("export_transfers", "--all", "--year", "2025", "-o", str(target))
    assert openpyxl.load_workbook(target).sheetnames[0] == "嘉兴市2025"

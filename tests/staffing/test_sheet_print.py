"""The transfer sheets print ready to sign and stamp: headers whole, pages numbered, a font
Chinese Office and WPS have, the stamp line, and 预计 while the year is not over."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from staffing.sheets import FONT_NAME, HEADER_HEIGHT, SummaryLine, write_summary_sheet
from staffing.templatetags.staffing_tags import yuan
from tests.staffing.test_sheets import county_book, new_workbook, reload


def _texts(ws) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if isinstance(c.value, str)]


def test_the_county_sheet_prints_with_whole_headers_page_numbers_and_the_stamp_line():
    ws = reload(county_book(), data_only=True).worksheets[0]
    assert ws.row_dimensions[2].height == HEADER_HEIGHT and ws["G2"].alignment.wrap_text
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.orientation == "landscape"
    assert {ws[c].font.name for c in ("A1", "G2", "C3", "H4", "A6")} == {FONT_NAME}
    assert any(t.startswith("制表单位（盖章）：") for t in _texts(ws))
    assert any(t == "负责人签字：" for t in _texts(ws))


def test_a_year_not_over_is_an_estimate_and_a_past_year_is_not():
    past = reload(county_book(year=2026, generated_on=date(2027, 1, 5)), data_only=True).worksheets[0]
    assert "预计" not in past["A1"].value and not any("预计至年底" in t for t in _texts(past))
    now = reload(county_book(year=2026, generated_on=date(2026, 11, 29)), data_only=True).worksheets[0]
    assert now["A1"].value.endswith("（预计）")
    assert any("截至2026-11-29" in t and "预计至年底" in t for t in _texts(now))


def test_the_city_summary_prints_the_same_way():
    wb = new_workbook()
    row = SummaryLine(
        "330402",
        "南湖区",
        11,
        10,
        Decimal("9.5"),
        Decimal("475000.00"),
        Decimal("470000.00"),
        Decimal("5000.00"),
        uncovered=1,
    )
    write_summary_sheet(
        workbook=wb, city_name="嘉兴市", year=2026, rows=[row], unit="嘉兴市财政局", generated_on=date(2026, 11, 29)
    )
    ws = reload(wb, data_only=True).worksheets[0]
    assert ws.row_dimensions[2].height == HEADER_HEIGHT and "&P" in ws.oddFooter.center.text
    assert ws["A1"].value.endswith("（预计）") and ws["C3"].font.name == FONT_NAME
    assert ws["J3"].value == "否" and ws["K3"].value == 1


def test_amounts_on_the_funding_page_have_thousands_separators():
    assert yuan(Decimal("180000")) == "180,000.00" and yuan(Decimal("25136.6")) == "25,136.60"
    assert yuan(None) == ""

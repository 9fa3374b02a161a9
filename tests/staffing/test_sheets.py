"""County transfer-payment and city summary workbooks: layout, formulas, cached values, safety."""

from __future__ import annotations

import io
import zipfile
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from staffing.rules import Post, required_transfer
from staffing.sheets import (
    LABELS,
    SheetLine,
    SummaryLine,
    basis_note,
    safe_text,
    save_workbook,
    workbook_bytes,
    write_summary_sheet,
    write_transfer_sheet,
)

REPO = Path(__file__).resolve().parents[2]
FLOOR = Decimal("50000.00")
GENERATED = date(2027, 1, 5)

LINES = [
    SheetLine(
        "330402007",
        "建设街道",
        ["张三", "王五"],
        730,
        Decimal("2.0000"),
        Decimal("100000.00"),
        Decimal("100000.00"),
    ),
    SheetLine(
        "330402008",
        "解放街道",
        ["李四"],
        184,
        Decimal("0.504110"),
        Decimal("25205.48"),
        Decimal("25205.47"),
    ),
    SheetLine(
        "330402009",
        "新嘉街道",
        ["赵六"],
        365,
        Decimal("1.0000"),
        Decimal("50000.00"),
        Decimal("60000.00"),
    ),
]


def new_workbook() -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    return wb


def county_book(lines=LINES, **kwargs) -> Workbook:
    wb = new_workbook()
    args = {
        "workbook": wb,
        "county_name": "南湖区",
        "year": 2026,
        "lines": lines,
        "floor": FLOOR,
        "unit": "南湖区民政局",
        "generated_on": GENERATED,
    }
    args.update(kwargs)
    write_transfer_sheet(**args)
    return wb


def reload(wb: Workbook, *, data_only: bool):
    return openpyxl.load_workbook(io.BytesIO(workbook_bytes(wb)), data_only=data_only)


def money(value) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_title_and_chinese_headers():
    ws = reload(county_book(), data_only=False).worksheets[0]
    assert ws["A1"].value == "2026年度 南湖区 社会救助专职社工转移支付核对表"
    assert [c.value for c in ws[2]] == [
        "序号",
        "镇（街道）代码",
        "镇（街道）",
        "在岗社工",
        "在岗天数",
        "折合人年",
        "保障标准（元/人年）",
        "应转移支付（元）",
        "实际转移支付（元）",
        "差额（元）",
        "是否达标",
    ]
    assert "A1:K1" in {str(r) for r in ws.merged_cells.ranges}


def test_title_suffix_can_be_changed():
    ws = county_book(title_suffix="核对表（补报）").worksheets[0]
    assert ws["A1"].value == "2026年度 南湖区 核对表（补报）"


def test_one_row_per_township_with_numeric_money_cells():
    ws = reload(county_book(), data_only=False).worksheets[0]
    row = [c.value for c in ws[4]]
    assert row[:9] == [
        2,
        "330402008",
        "解放街道",
        "李四",
        184,
        0.50411,
        50000,
        "=ROUND(G4*E4/365,2)",
        25205.47,
    ]
    assert ws["C5"].value == "新嘉街道" and ws["A6"].value == "合计"
    for col in "GHIJ":
        assert ws[f"{col}4"].number_format == "#,##0.00"
    for col in "HIJ":
        assert ws[f"{col}6"].number_format == "#,##0.00"
    assert isinstance(ws["I4"].value, float)
    assert ws["D3"].value == "张三、王五"


def test_required_is_the_floor_times_the_days_over_the_year_rounded_once():
    formulas = reload(county_book(), data_only=False).worksheets[0]
    values = reload(county_book(), data_only=True).worksheets[0]
    assert formulas["F4"].number_format == "0.000000"  # 0.504110 printed in full
    for r in (3, 4, 5):
        assert formulas[f"H{r}"].value == f"=ROUND(G{r}*E{r}/365,2)"
        days = Decimal(values[f"E{r}"].value)
        exact = Decimal(str(values[f"G{r}"].value)) * days / 365
        assert money(values[f"H{r}"].value) == exact.quantize(Decimal("0.01"), ROUND_HALF_UP)
    # 50000 × 184 / 365 = 25205.479 → 25205.48, not 50000 × 0.504110 = 25205.50 (two roundings).
    assert money(values["H4"].value) == Decimal("25205.48")


def test_a_line_whose_required_does_not_multiply_out_is_refused():
    wrong = SheetLine("330402008", "解放街道", ["李四"], 184, Decimal("0.504110"), Decimal("25205.50"), Decimal("0"))
    with pytest.raises(ValueError, match="25205.48"):
        county_book(lines=[wrong])


def test_caseworkers_are_shown_with_their_days_in_post():
    line = SheetLine(
        "330402007",
        "建设街道",
        ["王丽", "张三"],
        465,
        Decimal("1.273973"),
        Decimal("63698.63"),
        Decimal("0"),
        caseworker_days=[100, 365],
    )
    ws = reload(county_book(lines=[line]), data_only=False).worksheets[0]
    assert ws["D3"].value == "王丽(100天)、张三(365天)"


def test_basis_note_under_the_totals_states_how_caseworker_years_are_counted():
    ws = reload(county_book(), data_only=False).worksheets[0]
    note = ws["A7"].value
    assert "折合人年＝在岗天数÷365（闰年366，按日计算）" in note
    assert (
        "显示保留6位小数" in note and "应转移支付＝保障标准×在岗天数÷365（闰年366），只在最后四舍五入到分一次" in note
    )
    assert note == basis_note("days")
    assert "A7:K7" in {str(r) for r in ws.merged_cells.ranges}
    assert "在岗月数÷12" in basis_note("months")


def test_totals_are_sum_formulas():
    ws = reload(county_book(), data_only=False).worksheets[0]
    assert ws["E6"].value == "=SUM(E3:E5)"
    assert ws["F6"].value == "=SUM(F3:F5)"
    assert ws["H6"].value == "=SUM(H3:H5)"
    assert ws["I6"].value == "=SUM(I3:I5)"
    assert ws["J6"].value == "=SUM(J3:J5)"
    assert ws["J4"].value == "=MAX(0,H4-I4)"
    assert ws["K4"].value == '=IF(E4=0,"无专职社工",IF(I4>=H4,"是","否"))'
    assert ws["K6"].value == '=IF(OR(J6>0,COUNTIF(E3:E5,0)>0),"否","是")'


def test_formula_cached_values_are_correct():
    ws = reload(county_book(), data_only=True).worksheets[0]
    assert ws["E6"].value == 730 + 184 + 365
    assert money(ws["H6"].value) == Decimal("175205.48")
    assert money(ws["I6"].value) == Decimal("185205.47")
    # Shortfalls: 0, 0.01 (one cent short), 0 (overpaid township does not offset).
    assert [money(ws[f"J{r}"].value) for r in (3, 4, 5)] == [
        Decimal("0.00"),
        Decimal("0.01"),
        Decimal("0.00"),
    ]
    assert money(ws["J6"].value) == Decimal("0.01")
    assert [ws[f"K{r}"].value for r in (3, 4, 5, 6)] == ["是", "否", "是", "否"]
    assert ws["F6"].value == pytest.approx(3.50411)


def test_pay_equal_to_requirement_meets_the_floor():
    ws = reload(county_book(lines=LINES[:1]), data_only=True).worksheets[0]
    assert ws["J3"].value == 0 and ws["K3"].value == "是" and ws["K4"].value == "是"


def test_formula_cells_without_cache_in_plain_openpyxl_save_are_filled_by_workbook_bytes():
    wb = county_book()
    plain = io.BytesIO()
    wb.save(plain)
    assert openpyxl.load_workbook(plain, data_only=True).worksheets[0]["H6"].value is None
    assert reload(wb, data_only=True).worksheets[0]["H6"].value is not None


def test_cell_edited_after_writing_gets_no_stale_cached_value():
    wb = county_book()
    wb.worksheets[0]["H6"] = "=SUM(H3:H4)"
    ws = reload(wb, data_only=True).worksheets[0]
    assert ws["H6"].value is None
    assert money(ws["I6"].value) == Decimal("185205.47")


@pytest.mark.parametrize(
    "evil",
    ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(1)", '=HYPERLINK("http://x","x")'],
)
def test_user_text_starting_like_a_formula_is_stored_as_escaped_text(evil):
    lines = [
        SheetLine(
            evil,
            evil,
            [evil, "张三"],
            1,
            Decimal("0.002740"),
            Decimal("136.99"),
            Decimal(0),
        )
    ]
    for data_only in (False, True):
        ws = reload(county_book(lines=lines, county_name="南湖区"), data_only=data_only).worksheets[0]
        for coordinate in ("B3", "C3", "D3"):
            assert ws[coordinate].data_type == "s"
            assert ws[coordinate].value.startswith("'" + evil)


def test_safe_text_leaves_ordinary_text_alone():
    assert safe_text("南湖街道") == "南湖街道"
    assert safe_text("a=b") == "a=b"
    assert safe_text("=1") == "'=1"
    assert safe_text("#N/A") == "#N/A"


def test_error_code_like_name_stays_text():
    lines = [SheetLine("1", "#N/A", [], 0, Decimal(0), Decimal(0), Decimal(0))]
    ws = reload(county_book(lines=lines), data_only=False).worksheets[0]
    assert ws["C3"].data_type == "s" and ws["C3"].value == "#N/A"


def test_footer_lines():
    ws = reload(county_book(), data_only=True).worksheets[0]
    texts = [c.value for c in ws[9] if c.value]
    assert texts == [
        "制表单位（盖章）：南湖区民政局",
        "制表日期：2027-01-05",
        "负责人签字：",
        "经办人签字：",
    ]


def test_print_setup_is_landscape_fit_to_width_with_repeated_header():
    ws = reload(county_book(), data_only=False).worksheets[0]
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.print_title_rows == "$2:$2"


def test_empty_county_has_zero_totals():
    ws = reload(county_book(lines=[]), data_only=True).worksheets[0]
    assert ws["A3"].value == "合计"
    assert ws["H3"].value == 0 and ws["K3"].value == "是"


def test_each_call_appends_a_sheet_with_a_unique_title():
    wb = county_book()
    write_transfer_sheet(
        workbook=wb,
        county_name="南湖区",
        year=2026,
        lines=LINES,
        floor=FLOOR,
        unit="u",
        generated_on=GENERATED,
    )
    write_transfer_sheet(
        workbook=wb,
        county_name="秀洲区",
        year=2026,
        lines=LINES[:1],
        floor=FLOOR,
        unit="u",
        generated_on=GENERATED,
    )
    assert wb.sheetnames == ["南湖区2026", "南湖区2026(2)", "秀洲区2026"]
    book = reload(wb, data_only=True)
    assert money(book["南湖区2026(2)"]["H6"].value) == Decimal("175205.48")
    assert money(book["秀洲区2026"]["H4"].value) == Decimal("100000.00")


def test_sheet_title_drops_characters_excel_forbids():
    wb = county_book(county_name="'南湖/区[测试]'")
    assert wb.sheetnames == ["南湖_区_测试_'2026"]
    assert wb.worksheets[0]["A1"].value == "2026年度 '南湖/区[测试]' 社会救助专职社工转移支付核对表"


def test_required_from_rules_flows_into_the_sheet():
    line = required_transfer(posts_in_year=[Post("T", date(2024, 7, 1), None, True)], year=2024, floor=FLOOR)
    sheet_line = SheetLine(
        "330402007",
        "建设街道",
        ["张三"],
        line.days_in_post,
        line.caseworker_years,
        line.required,
        Decimal("25136.61"),
        exact_years=line.exact_years,
    )
    ws = reload(county_book(lines=[sheet_line], year=2024), data_only=True).worksheets[0]
    assert money(ws["H3"].value) == Decimal("25136.61") and ws["K3"].value == "是"
    assert ws["F3"].value == 0.502732


def test_save_workbook_to_path_and_file(tmp_path):
    wb = county_book()
    path = tmp_path / "transfer.xlsx"
    save_workbook(wb, path)
    buffer = io.BytesIO()
    save_workbook(wb, buffer)
    for target in (path, io.BytesIO(buffer.getvalue())):
        cached = openpyxl.load_workbook(target, data_only=True).worksheets[0]["H6"].value
        assert money(cached) == Decimal("175205.48")


def test_saved_package_keeps_full_calculation_on_load():
    data = workbook_bytes(county_book())
    assert b'fullCalcOnLoad="1"' in zipfile.ZipFile(io.BytesIO(data)).read("xl/workbook.xml")


def test_labels_are_all_in_one_dict():
    assert LABELS["shortfall"] == "差额（元）" and LABELS["total"] == "合计"


# --------------------------------------------------------------------------- city summary


def test_summary_line_adds_township_shortfalls_without_offsetting():
    summary = SummaryLine.from_lines(county_code="330402", county_name="南湖区", lines=LINES)
    assert summary.townships == 3 and summary.caseworkers == 4
    assert summary.required == Decimal("175205.48") and summary.transferred == Decimal("185205.47")
    assert summary.shortfall == Decimal("0.01")
    assert summary.caseworker_years == Decimal("3.504110")


def test_summary_sheet_has_one_row_per_county_and_cached_sum_totals():
    wb = new_workbook()
    rows = [
        SummaryLine.from_lines(county_code="330402", county_name="南湖区", lines=LINES),
        SummaryLine.from_lines(county_code="330411", county_name="秀洲区", lines=LINES[:1]),
    ]
    write_summary_sheet(
        workbook=wb,
        city_name="嘉兴市",
        year=2026,
        rows=rows,
        unit="嘉兴市民政局",
        generated_on=GENERATED,
    )
    formulas = reload(wb, data_only=False).worksheets[0]
    values = reload(wb, data_only=True).worksheets[0]
    assert formulas["A1"].value == "2026年度 嘉兴市 社会救助专职社工转移支付汇总表"
    assert [c.value for c in formulas[2]][:3] == [
        "序号",
        "县（市、区）代码",
        "县（市、区）",
    ]
    assert [formulas[f"C{r}"].value for r in (3, 4)] == ["南湖区", "秀洲区"]
    assert formulas["G5"].value == "=SUM(G3:G4)"
    assert money(values["G5"].value) == Decimal("275205.48")
    assert values["D5"].value == 4 and values["E5"].value == 6
    assert money(values["I5"].value) == Decimal("0.01")
    assert [values[f"J{r}"].value for r in (3, 4, 5)] == ["否", "是", "否"]
    assert formulas["G3"].number_format == "#,##0.00"
    assert [c.value for c in values[7] if c.value][:2] == [
        "制表单位（盖章）：嘉兴市民政局",
        "制表日期：2027-01-05",
    ]
    assert formulas.page_setup.orientation == "landscape"


money_cents = st.integers(0, 10_000_000).map(lambda c: Decimal(c) / 100)


@settings(max_examples=25, deadline=None)
@given(
    rows=st.lists(st.tuples(st.integers(0, 366), money_cents, money_cents), min_size=1, max_size=6),
)
def test_cached_totals_equal_decimal_sums(rows):
    lines = []
    for i, (days, floor, transferred) in enumerate(rows):
        line = required_transfer(
            posts_in_year=[Post("T", date(2024, 1, 1), date(2024, 1, 1) + timedelta(days=days - 1), True)]
            if days
            else [],
            year=2024,
            floor=FLOOR,
        )
        lines.append(
            SheetLine(
                f"T{i}",
                f"镇{i}",
                ["张"],
                days,
                line.caseworker_years,
                line.required,
                transferred,
                exact_years=line.exact_years,
            )
        )
    ws = reload(county_book(lines=lines), data_only=True).worksheets[0]
    total = 3 + len(lines)
    assert money(ws[f"H{total}"].value) == sum(line.required for line in lines)
    assert money(ws[f"I{total}"].value) == sum(t for _, _, t in rows)
    assert money(ws[f"J{total}"].value) == sum(max(Decimal(0), line.required - line.transferred) for line in lines)
    assert ws[f"E{total}"].value == sum(d for d, _, _ in rows)

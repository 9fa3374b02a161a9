"""XLSX of the dashboard: one workbook for the whole view (a sheet per panel) or one panel.

Each sheet is ready to print and sign: a Chinese sheet name, the panel's title, area and
period above the table, units in the headings, widths that fit, numbers as numbers
(money with thousands separators and 2 decimals), A4 landscape fitted to the page width,
the heading row repeated on every page and page numbers in the footer. The tables are a
few hundred rows at most (the panels cap them), so openpyxl's normal mode is used.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from dashboards.scope import DashboardScope, Period
from dashboards.selectors import ComputedPanel
from jiuzhu.spreadsheets import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FONT_NAME = "宋体"  # present in Chinese Office and WPS alike
HEADING_ROW = 4
NUMBER_FORMATS = {"money": "#,##0.00", "percent": "0.0", "date": "yyyy-mm-dd", "int": "#,##0", "days": "0"}
SHEET_NAME_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})

safe_text = safe_cell


def _unit(column_format: str) -> str:
    return {"money": _("(yuan)"), "percent": _("(%)"), "days": _("(days)")}.get(column_format, "")


def _sheet_name(book: Workbook, title: str) -> str:
    """Excel's rules: at most 31 characters, none of []:*?/\\, unique in the workbook."""
    base = (title.translate(SHEET_NAME_FORBIDDEN).strip() or "Sheet")[:31]
    name, n = base, 2
    while name in book.sheetnames:
        suffix = f"({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


def _width(texts) -> float:
    # A CJK character is about two Latin ones wide in Excel's units.
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(t)) for t in texts if t is not None), default=8)
    return min(max(longest + 2, 8), 48)


def _value(value, column_format: str):
    if isinstance(value, Decimal) and column_format != "money":
        return float(value)
    return safe_text(value) if isinstance(value, str) else value


def _print_setup(ws: Worksheet, last_row: int, last_column: str) -> None:
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = f"{HEADING_ROW}:{HEADING_ROW}"
    ws.print_area = f"A1:{last_column}{last_row}"
    ws.print_options.horizontalCentered = True
    for footer in (ws.oddFooter, ws.evenFooter):
        footer.center.text = "第 &P 页，共 &N 页"
        footer.center.font = FONT_NAME


def _write_panel(book: Workbook, computed: ComputedPanel, *, scope: DashboardScope, period: Period) -> None:
    data = computed.data
    title = str(computed.title)
    ws = book.create_sheet(title=_sheet_name(book, title))
    plain, bold, thin = Font(name=FONT_NAME), Font(name=FONT_NAME, bold=True), Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    # A heading "group：measure" breaks after the colon, never inside a bracket (a lone "）"
    # on the second line is what a printed sheet must not show).
    headings = [data.row_heading or _("Area")] + [
        f"{c.label}{_unit(c.format)}".replace("：", "：\n", 1) for c in data.columns
    ]
    last_column = get_column_letter(len(headings))

    ws["A1"] = title
    ws["A1"].font = Font(name=FONT_NAME, size=14, bold=True)
    ws.merge_cells(f"A1:{last_column}1")
    ws.row_dimensions[1].height = 24
    ws["A2"] = f"{_('Area')}：{scope.area.name}    {_('Period')}：{period.start:%Y-%m-%d} 至 {period.end:%Y-%m-%d}"
    ws["A2"].font = plain
    ws.merge_cells(f"A2:{last_column}2")
    for col, heading in enumerate(headings, start=1):
        cell = ws.cell(row=HEADING_ROW, column=col, value=heading)
        cell.font, cell.border = bold, box
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    row_number = HEADING_ROW
    for row in data.rows:
        row_number += 1
        label = ws.cell(row=row_number, column=1, value=safe_text(row.label))
        label.font, label.border = (bold if row.is_total else plain), box
        for col, (column, cell) in enumerate(zip(data.columns, row.cells, strict=True), start=2):
            out = ws.cell(row=row_number, column=col, value=_value(cell.value, column.format))
            out.font, out.border = (bold if row.is_total else plain), box
            out.number_format = NUMBER_FORMATS.get(column.format, "General")
    ws.freeze_panes = f"B{HEADING_ROW + 1}"
    ws.column_dimensions["A"].width = _width([headings[0], *(r.label for r in data.rows)])
    for col, heading in enumerate(headings[1:], start=2):
        numbers = [
            f"{c.value:,.2f}" if isinstance(c.value, (int, float, Decimal)) else c.value
            for c in (r.cells[col - 2] for r in data.rows)
        ]
        lines = heading.split("\n")
        # One line per part when it fits in 24; a longer part wraps in two halves.
        fitted = max(_width([part]) if _width([part]) <= 24 else _width([part]) / 2 + 2 for part in lines)
        ws.column_dimensions[get_column_letter(col)].width = max(_width(numbers), fitted, 10)
    heading_lines = max(
        (len(h.split("\n")) + sum(_width([p]) > 24 for p in h.split("\n")) for h in headings), default=1
    )
    ws.row_dimensions[HEADING_ROW].height = 16 * max(heading_lines, 2)
    if data.note:
        row_number += 2
        ws.cell(row=row_number, column=1, value=safe_text(str(data.note))).font = plain
        ws.merge_cells(f"A{row_number}:{last_column}{row_number}")
        ws.cell(row=row_number, column=1).alignment = Alignment(wrap_text=True, vertical="top")
        across = sum(ws.column_dimensions[get_column_letter(c)].width or 8 for c in range(1, len(headings) + 1))
        ws.row_dimensions[row_number].height = 16 * (1 + int(_width([data.note]) // max(across - 2, 10)))
    _print_setup(ws, row_number, last_column)


def dashboard_xlsx(panels: list[ComputedPanel], *, scope: DashboardScope, period: Period) -> bytes:
    """One workbook, a sheet per panel in the page's order."""
    book = Workbook()
    book.remove(book.active)
    for computed in panels:
        _write_panel(book, computed, scope=scope, period=period)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def panel_xlsx(computed: ComputedPanel, *, scope: DashboardScope, period: Period) -> bytes:
    return dashboard_xlsx([computed], scope=scope, period=period)

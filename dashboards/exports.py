"""XLSX export of one panel's table (openpyxl write_only: rows stream, nothing held)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from dashboards.scope import DashboardScope, Period
from dashboards.selectors import ComputedPanel
from jiuzhu.spreadsheets import safe_cell

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


safe_text = safe_cell


def _cell(sheet, value, number_format: str | None = None):
    if isinstance(value, str):
        value = safe_text(value)
    cell = WriteOnlyCell(sheet, value=value)
    if number_format:
        cell.number_format = number_format
    return cell


NUMBER_FORMATS = {"money": "#,##0.00", "percent": "0.0", "date": "yyyy-mm-dd", "int": "0", "days": "0"}


def panel_xlsx(computed: ComputedPanel, *, scope: DashboardScope, period: Period) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=computed.key[:31])
    data = computed.data
    sheet.append([_cell(sheet, computed.title)])
    sheet.append(
        [
            _cell(sheet, _("Area")),
            _cell(sheet, scope.area.name),
            _cell(sheet, _("Period")),
            _cell(sheet, f"{period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}"),
        ]
    )
    sheet.append([])
    sheet.append([_cell(sheet, _("Area"))] + [_cell(sheet, str(c.label)) for c in data.columns])
    for row in data.rows:
        cells = [_cell(sheet, row.label)]
        for column, cell in zip(data.columns, row.cells, strict=True):
            value = cell.value
            if isinstance(value, Decimal):
                value = float(value) if column.format != "money" else value
            cells.append(_cell(sheet, value, NUMBER_FORMATS.get(column.format)))
        sheet.append(cells)
    if data.note:
        sheet.append([])
        sheet.append([_cell(sheet, data.note)])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()

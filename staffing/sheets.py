"""County and city transfer-payment workbooks (S-2.1.4) as pure functions over plain data.

No Django: the caller loads the figures (``staffing.rules.required_transfer``) and
passes them in; these functions only lay them out for printing. The Chinese
strings are the printed form the finance office reads, so they live here as
data, all in ``LABELS``.

Formulas and cached values: totals and shortfalls are written as formulas so
the sheet stays live when edited, but openpyxl writes formula cells with an
empty cached value (``<v></v>``), so a reader that does not recalculate (a
viewer, ``openpyxl.load_workbook(data_only=True)``, a previewer) would see
nothing. Each writer therefore records the value each formula evaluates to,
and ``workbook_bytes``/``save_workbook`` write the file with openpyxl and then
put those values into the ``<v>`` elements of the saved worksheet XML. A
recorded value is written only while the cell still holds the very formula it
was recorded for, so a caller that edits a cell afterwards gets an uncached
(never a wrong) value. The workbook also keeps ``fullCalcOnLoad`` so Excel and
WPS recalculate on opening. Save with these functions, not ``Workbook.save``.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from os import PathLike
from posixpath import join, normpath
from typing import BinaryIO
from weakref import WeakKeyDictionary
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.workbook import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from jiuzhu.policy import exact, round_money
from jiuzhu.spreadsheets import safe_cell
from staffing import rules

LABELS: dict[str, str] = {
    "transfer_title": "{year}年度 {county} {suffix}",
    "transfer_suffix": "社会救助专职社工转移支付核对表",
    "summary_title": "{year}年度 {city} {suffix}",
    "summary_suffix": "社会救助专职社工转移支付汇总表",
    "no": "序号",
    "township_code": "镇（街道）代码",
    "township": "镇（街道）",
    "caseworkers": "在岗社工",
    "days": "在岗天数",
    "caseworker_years": "折合人年",
    "floor": "保障标准（元/人年）",
    "required": "应转移支付（元）",
    "transferred": "实际转移支付（元）",
    "shortfall": "差额（元）",
    "meets": "是否达标",
    "county_code": "县（市、区）代码",
    "county": "县（市、区）",
    "townships": "镇（街道）数",
    "caseworker_count": "在岗社工数",
    "total": "合计",
    "yes": "是",
    "no_": "否",
    "no_caseworker": "无专职社工",
    "uncovered_townships": "无专职社工的镇（街道）数",
    "names_separator": "、",
    "caseworker_days": "{name}({days}天)",
    "basis_days": "说明：折合人年＝在岗天数÷{common}（闰年{leap}，按日计算），显示保留{places}位小数；"
    "应转移支付＝保障标准×在岗天数÷{common}（闰年{leap}），只在最后四舍五入到分一次。",
    "basis_months": "说明：折合人年＝在岗月数÷12（当月15日在岗计1个月），显示保留{places}位小数；"
    "应转移支付＝保障标准×在岗月数÷12，只在最后四舍五入到分一次。",
    "unit": "制表单位（盖章）：{unit}",
    "estimate": "（预计）",
    "estimate_note": "注：{year}年度尚未结束，在岗天数按截至{date}的在岗情况预计至年底，以年终核定数为准。",
    "page_footer": "第 &P 页，共 &N 页",
    "date": "制表日期：{date}",
    "head_signature": "负责人签字：",
    "clerk_signature": "经办人签字：",
}

YUAN_FORMAT = "#,##0.00"
# A font every Chinese Office and WPS installation has (the default Calibri has no CJK glyphs:
# Excel substitutes one, WPS another, and the printed widths differ).
FONT_NAME = "宋体"
HEADER_HEIGHT = 42  # points: three lines of the wrapped headers (e.g. 保障标准（元/人年）)
YEARS_FORMAT = "0." + "0" * rules.YEARS_PLACES
YEARS_QUANTUM = Decimal(1).scaleb(-rules.YEARS_PLACES)
DAYS_FORMAT = "#,##0"
CENT = Decimal("0.01")

_CACHED: WeakKeyDictionary[Worksheet, dict[str, tuple[str, object]]] = WeakKeyDictionary()


@dataclass(frozen=True)
class SheetLine:
    """One township's row: who was in post, for how long, what was due and paid."""

    township_code: str
    township_name: str
    caseworkers: list[str]
    days_in_post: int
    caseworker_years: Decimal
    required: Decimal
    transferred: Decimal
    caseworker_days: list[int] | None = None
    """Each caseworker's days in post at this township, in the order of ``caseworkers``."""
    exact_years: Fraction | None = None
    """The unrounded caseworker-years (``rules.FundingLine.exact_years``); None: on the days
    basis, days in post / days in the sheet's year; else ``caseworker_years`` as given."""

    def years_fraction(self, *, year: int, basis: str = "days") -> Fraction:
        """The caseworker-years the requirement is computed from (never the printed figure)."""
        if self.exact_years is not None:
            return self.exact_years
        if basis == "days":
            return Fraction(int(self.days_in_post), rules.days_in_year(year))
        return exact(self.caseworker_years)

    @property
    def caseworker_text(self) -> str:
        """Column D: "王丽(100天)、李四(365天)" (names alone when the days are not given)."""
        if self.caseworker_days is None:
            return LABELS["names_separator"].join(self.caseworkers)
        return LABELS["names_separator"].join(
            LABELS["caseworker_days"].format(name=name, days=days)
            for name, days in zip(self.caseworkers, self.caseworker_days, strict=True)
        )

    @property
    def printed_years(self) -> Decimal:
        return Decimal(self.caseworker_years).quantize(YEARS_QUANTUM, ROUND_HALF_UP)

    @property
    def shortfall(self) -> Decimal:
        return max(Decimal(0), Decimal(self.required) - Decimal(self.transferred)).quantize(CENT, ROUND_HALF_UP)


@dataclass(frozen=True)
class SummaryLine:
    """One county's row in the city workbook; ``shortfall`` is the sum of its townships' shortfalls."""

    county_code: str
    county_name: str
    townships: int
    caseworkers: int
    caseworker_years: Decimal
    required: Decimal
    transferred: Decimal
    shortfall: Decimal
    uncovered: int = 0
    """Townships with no full-time caseworker in the year (a gap, though nothing is short)."""

    @classmethod
    def from_lines(cls, *, county_code: str, county_name: str, lines: list[SheetLine]) -> SummaryLine:
        """Add up a county's township lines (an overpaid township does not offset an underpaid one)."""
        return cls(
            county_code=county_code,
            county_name=county_name,
            townships=len(lines),
            caseworkers=sum(len(line.caseworkers) for line in lines),
            caseworker_years=sum((Decimal(line.caseworker_years) for line in lines), Decimal(0)),
            required=sum((Decimal(line.required) for line in lines), Decimal(0)),
            transferred=sum((Decimal(line.transferred) for line in lines), Decimal(0)),
            shortfall=sum((line.shortfall for line in lines), Decimal(0)),
            uncovered=sum(1 for line in lines if int(line.days_in_post) == 0),
        )


# --------------------------------------------------------------------------- cell helpers


def safe_text(value: object) -> str:
    """Return user text that a spreadsheet will never read as a formula.

    Text starting with = + - @ (or a tab / line break) gets a leading apostrophe,
    the OWASP CSV-injection defence; it is also written as a string cell.
    """
    return safe_cell("" if value is None else str(value))


def _put_text(ws: Worksheet, coordinate: str, value: object) -> None:
    cell = ws[coordinate]
    cell.value = safe_text(value)
    cell.data_type = "s"  # never a formula, whatever the content


def _put_money(ws: Worksheet, coordinate: str, value: Decimal) -> None:
    cell = ws[coordinate]
    cell.value = float(Decimal(value).quantize(CENT, ROUND_HALF_UP))
    cell.number_format = YUAN_FORMAT


def _put_formula(
    ws: Worksheet,
    coordinate: str,
    formula: str,
    cached: object,
    number_format: str | None = None,
) -> None:
    cell = ws[coordinate]
    cell.value = formula
    if number_format:
        cell.number_format = number_format
    if isinstance(cached, Decimal):
        cached = float(cached)
    _CACHED.setdefault(ws, {})[coordinate] = (formula, cached)


def _sheet_title(workbook: Workbook, wanted: str) -> str:
    # Excel: at most 31 characters, none of []:*?/\ and no apostrophe at either end.
    title = re.sub(r"[\[\]:*?/\\]", "_", wanted)[:31].strip("'") or "Sheet"
    existing = set(workbook.sheetnames)
    candidate, n = title, 2
    while candidate in existing:
        suffix = f"({n})"
        candidate, n = title[: 31 - len(suffix)] + suffix, n + 1
    return candidate


def _new_sheet(workbook: Workbook, name: str) -> Worksheet:
    return workbook.create_sheet(title=_sheet_title(workbook, name))


def _layout(ws: Worksheet, *, title: str, headers: list[str], widths: list[int]) -> None:
    thin = Side(style="thin")
    ncols = len(headers)
    _put_text(ws, "A1", title)
    ws["A1"].font = Font(name=FONT_NAME, size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=ncols)
    ws.row_dimensions[1].height = 28
    for col, (header, width) in enumerate(zip(headers, widths), start=1):
        cell = ws.cell(row=2, column=col, value=header)
        cell.font = Font(name=FONT_NAME, bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
        ws.column_dimensions[get_column_letter(col)].width = width
    # Wrapped headers need the height: Excel and WPS do not grow a row that has a height of
    # none set when the file is opened, and the printed header would be cut to one line.
    ws.row_dimensions[2].height = HEADER_HEIGHT
    ws.freeze_panes = "A3"
    # Print: landscape A4, every column on one page width, header row on every page.
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "2:2"
    ws.print_options.horizontalCentered = True
    # Page numbers on every printed page (a signed, stamped set must be complete).
    ws.oddFooter.center.text = LABELS["page_footer"]
    ws.oddFooter.center.font = FONT_NAME
    ws.evenFooter.center.text = LABELS["page_footer"]
    ws.evenFooter.center.font = FONT_NAME


def _borders(ws: Worksheet, *, first_row: int, last_row: int, ncols: int) -> None:
    thin = Side(style="thin")
    for row in ws.iter_rows(min_row=first_row, max_row=last_row, max_col=ncols):
        for cell in row:
            cell.border = Border(left=thin, right=thin, top=thin, bottom=thin)
            cell.font = Font(name=FONT_NAME, bold=cell.font.bold)


def _footer(ws: Worksheet, *, row: int, unit: str, generated_on: date, ncols: int) -> None:
    quarter = max(1, (ncols + 3) // 4)  # spread the four lines across the width
    texts = [
        LABELS["unit"].format(unit=unit),
        LABELS["date"].format(date=generated_on.isoformat()),
        LABELS["head_signature"],
        LABELS["clerk_signature"],
    ]
    for i, text in enumerate(texts):
        coordinate = f"{get_column_letter(1 + i * quarter)}{row}"
        _put_text(ws, coordinate, text)
        ws[coordinate].font = Font(name=FONT_NAME)


def is_estimate(year: int, generated_on: date) -> bool:
    """A sheet of a year not yet over counts the posts still open through 31 December: 预计."""
    return generated_on < date(year, 12, 31)


def _title(label: str, *, year: int, generated_on: date, **parts: str) -> str:
    title = LABELS[label].format(year=year, **parts)
    return title + LABELS["estimate"] if is_estimate(year, generated_on) else title


def _estimate_note(ws: Worksheet, *, row: int, year: int, generated_on: date, last_column: str) -> None:
    if not is_estimate(year, generated_on):
        return
    coordinate = f"A{row}"
    _put_text(ws, coordinate, LABELS["estimate_note"].format(year=year, date=generated_on.isoformat()))
    ws.merge_cells(f"A{row}:{last_column}{row}")
    ws[coordinate].font = Font(name=FONT_NAME)
    ws[coordinate].alignment = Alignment(wrap_text=True, vertical="center")


def _yes_no(ok: bool) -> str:
    return LABELS["yes"] if ok else LABELS["no_"]


def _meets(line: SheetLine) -> str:
    """是否达标 of one township: 无专职社工 when no day was covered (never 是 because 0 ≥ 0)."""
    if int(line.days_in_post) == 0:
        return LABELS["no_caseworker"]
    return _yes_no(line.shortfall == 0)


# --------------------------------------------------------------------------- county sheet


TRANSFER_COLUMNS = (
    "no",
    "township_code",
    "township",
    "caseworkers",
    "days",
    "caseworker_years",
    "floor",
    "required",
    "transferred",
    "shortfall",
    "meets",
)
TRANSFER_WIDTHS = [6, 13, 16, 28, 10, 10, 21, 16, 16, 14, 12]  # 保障标准（元/人年） on one line


def basis_note(basis: str = "days") -> str:
    """The printed line saying how caseworker-years and the requirement were computed (from the rules)."""
    if basis not in rules.FUNDING_BASES:
        raise ValueError(f"unknown basis {basis!r}; expected one of {rules.FUNDING_BASES}")
    return LABELS[f"basis_{basis}"].format(
        common=rules.COMMON_YEAR_DAYS, leap=rules.LEAP_YEAR_DAYS, places=rules.YEARS_PLACES
    )


def check_line(line: SheetLine, floor: Decimal, *, year: int, basis: str = "days") -> None:
    """Refuse a line whose required amount is not floor × its exact caseworker-years, rounded once."""
    years = line.years_fraction(year=year, basis=basis)
    expected = round_money(exact(floor) * years)
    if Decimal(line.required).quantize(CENT, ROUND_HALF_UP) != expected:
        raise ValueError(f"{line.township_code}: required {line.required} is not {floor} × {years} = {expected}")


def _required_formula(row: int, line: SheetLine, *, year: int, basis: str) -> str:
    """H: the requirement from the days (E) or months, not from the printed years (F)."""
    years = line.years_fraction(year=year, basis=basis)
    if basis == "days" and years == Fraction(int(line.days_in_post), rules.days_in_year(year)):
        return f"=ROUND(G{row}*E{row}/{rules.days_in_year(year)},2)"
    return f"=ROUND(G{row}*{years.numerator}/{years.denominator},2)"


def write_transfer_sheet(
    *,
    workbook: Workbook,
    county_name: str,
    year: int,
    lines: list[SheetLine],
    floor: Decimal,
    unit: str,
    generated_on: date,
    title_suffix: str = LABELS["transfer_suffix"],
    basis: str = "days",
) -> Worksheet:
    """Append one county's transfer-payment check sheet to ``workbook`` and return it.

    Columns A-K: 序号, code, township, caseworkers with their days ("王丽(100天)"),
    days (E), caseworker-years (F, ``rules.YEARS_PLACES`` decimals), floor (G),
    required (H = ROUND(G×E/days in the year, 2) on the days basis: computed from the
    exact days, not from the printed F, and it must equal the amount passed in: see
    ``check_line``), transferred (I), shortfall (J = MAX(0, H-I)), 是否达标
    (K = 无专职社工 when E is 0, else IF(I>=H, 是, 否)). A totals row sums E, F, H, I and J with ``=SUM()``; under
    it a note states the basis (``basis_note``). Formulas carry cached values once
    saved with ``workbook_bytes``/``save_workbook``.
    """
    for line in lines:
        check_line(line, floor, year=year, basis=basis)
    ws = _new_sheet(workbook, f"{county_name}{year}")
    title = _title("transfer_title", year=year, generated_on=generated_on, county=county_name, suffix=title_suffix)
    _layout(
        ws,
        title=title,
        headers=[LABELS[c] for c in TRANSFER_COLUMNS],
        widths=TRANSFER_WIDTHS,
    )

    first = 3
    for i, line in enumerate(lines):
        r = first + i
        ws[f"A{r}"] = i + 1
        _put_text(ws, f"B{r}", line.township_code)
        _put_text(ws, f"C{r}", line.township_name)
        _put_text(ws, f"D{r}", line.caseworker_text)
        ws[f"D{r}"].alignment = Alignment(wrap_text=True, vertical="center")
        ws[f"E{r}"] = int(line.days_in_post)
        ws[f"E{r}"].number_format = DAYS_FORMAT
        ws[f"F{r}"] = float(line.printed_years)
        ws[f"F{r}"].number_format = YEARS_FORMAT
        _put_money(ws, f"G{r}", floor)
        _put_formula(
            ws, f"H{r}", _required_formula(r, line, year=year, basis=basis), Decimal(line.required), YUAN_FORMAT
        )
        _put_money(ws, f"I{r}", line.transferred)
        _put_formula(ws, f"J{r}", f"=MAX(0,H{r}-I{r})", line.shortfall, YUAN_FORMAT)
        _put_formula(
            ws,
            f"K{r}",
            f'=IF(E{r}=0,"{LABELS["no_caseworker"]}",IF(I{r}>=H{r},"{LABELS["yes"]}","{LABELS["no_"]}"))',
            _meets(line),
        )

    last = first + len(lines) - 1
    total = last + 1
    _put_text(ws, f"A{total}", LABELS["total"])
    ws.merge_cells(f"A{total}:D{total}")
    ws[f"A{total}"].font = Font(bold=True)
    ws[f"A{total}"].alignment = Alignment(horizontal="center")
    sums = {
        "E": (Decimal(sum(int(line.days_in_post) for line in lines)), DAYS_FORMAT),
        "F": (
            sum((line.printed_years for line in lines), Decimal(0)),
            YEARS_FORMAT,
        ),
        "H": (sum((Decimal(line.required) for line in lines), Decimal(0)), YUAN_FORMAT),
        "I": (
            sum((Decimal(line.transferred) for line in lines), Decimal(0)),
            YUAN_FORMAT,
        ),
        "J": (sum((line.shortfall for line in lines), Decimal(0)), YUAN_FORMAT),
    }
    for col, (value, fmt) in sums.items():
        formula = f"=SUM({col}{first}:{col}{last})" if lines else "=0"
        cached: object = int(value) if col == "E" else value
        _put_formula(ws, f"{col}{total}", formula, cached, fmt)
    # Not met when anything is short or any township had no full-time caseworker (a gap).
    all_met = sums["J"][0] == 0 and all(line.days_in_post > 0 for line in lines)
    meets_formula = (
        f'=IF(OR(J{total}>0,COUNTIF(E{first}:E{last},0)>0),"{LABELS["no_"]}","{LABELS["yes"]}")'
        if lines
        else f'="{LABELS["yes"]}"'
    )
    _put_formula(ws, f"K{total}", meets_formula, _yes_no(all_met))
    _borders(ws, first_row=first, last_row=total, ncols=len(TRANSFER_COLUMNS))
    note = total + 1
    _put_text(ws, f"A{note}", basis_note(basis))
    ws.merge_cells(f"A{note}:K{note}")
    ws[f"A{note}"].alignment = Alignment(wrap_text=True, vertical="center")
    ws[f"A{note}"].font = Font(name=FONT_NAME)
    _estimate_note(ws, row=note + 1, year=year, generated_on=generated_on, last_column="K")
    _footer(
        ws,
        row=total + 3 + int(is_estimate(year, generated_on)),
        unit=unit,
        generated_on=generated_on,
        ncols=len(TRANSFER_COLUMNS),
    )
    return ws


# --------------------------------------------------------------------------- city summary sheet


SUMMARY_COLUMNS = (
    "no",
    "county_code",
    "county",
    "townships",
    "caseworker_count",
    "caseworker_years",
    "required",
    "transferred",
    "shortfall",
    "meets",
    "uncovered_townships",
)
SUMMARY_WIDTHS = [6, 13, 16, 12, 12, 10, 16, 16, 14, 9, 12]


def write_summary_sheet(
    *,
    workbook: Workbook,
    city_name: str,
    year: int,
    rows: list[SummaryLine],
    unit: str,
    generated_on: date,
    title_suffix: str = LABELS["summary_suffix"],
) -> Worksheet:
    """Append the city summary (one row per county, with a SUM totals row) to ``workbook`` and return it.

    Columns: 序号, county code, county, townships (D), caseworkers (E),
    caseworker-years (F), required (G), transferred (H), shortfall (I, the sum of
    township shortfalls, a value), 是否达标 (J: 否 when short or a township had no
    full-time caseworker), townships with no full-time caseworker (K).
    """
    ws = _new_sheet(workbook, f"{city_name}{year}")
    title = _title("summary_title", year=year, generated_on=generated_on, city=city_name, suffix=title_suffix)
    _layout(
        ws,
        title=title,
        headers=[LABELS[c] for c in SUMMARY_COLUMNS],
        widths=SUMMARY_WIDTHS,
    )
    first = 3
    for i, row in enumerate(rows):
        r = first + i
        ws[f"A{r}"] = i + 1
        _put_text(ws, f"B{r}", row.county_code)
        _put_text(ws, f"C{r}", row.county_name)
        ws[f"D{r}"] = int(row.townships)
        ws[f"E{r}"] = int(row.caseworkers)
        ws[f"F{r}"] = float(row.caseworker_years)
        ws[f"F{r}"].number_format = YEARS_FORMAT
        _put_money(ws, f"G{r}", row.required)
        _put_money(ws, f"H{r}", row.transferred)
        _put_money(ws, f"I{r}", row.shortfall)
        _put_text(ws, f"J{r}", _yes_no(Decimal(row.shortfall) <= 0 and not row.uncovered))
        ws[f"K{r}"] = int(row.uncovered)
    last = first + len(rows) - 1
    total = last + 1
    _put_text(ws, f"A{total}", LABELS["total"])
    ws.merge_cells(f"A{total}:C{total}")
    ws[f"A{total}"].font = Font(bold=True)
    ws[f"A{total}"].alignment = Alignment(horizontal="center")
    sums: dict[str, tuple[object, str | None]] = {
        "D": (sum(int(r.townships) for r in rows), None),
        "E": (sum(int(r.caseworkers) for r in rows), None),
        "F": (
            sum((Decimal(r.caseworker_years) for r in rows), Decimal(0)),
            YEARS_FORMAT,
        ),
        "G": (sum((Decimal(r.required) for r in rows), Decimal(0)), YUAN_FORMAT),
        "H": (sum((Decimal(r.transferred) for r in rows), Decimal(0)), YUAN_FORMAT),
        "I": (sum((Decimal(r.shortfall) for r in rows), Decimal(0)), YUAN_FORMAT),
        "K": (sum(int(r.uncovered) for r in rows), None),
    }
    for col, (value, fmt) in sums.items():
        formula = f"=SUM({col}{first}:{col}{last})" if rows else "=0"
        _put_formula(ws, f"{col}{total}", formula, value, fmt)
    _put_formula(
        ws,
        f"J{total}",
        f'=IF(OR(I{total}>0,K{total}>0),"{LABELS["no_"]}","{LABELS["yes"]}")',
        _yes_no(sums["I"][0] == 0 and sums["K"][0] == 0),
    )
    _borders(ws, first_row=first, last_row=total, ncols=len(SUMMARY_COLUMNS))
    _estimate_note(
        ws, row=total + 1, year=year, generated_on=generated_on, last_column=get_column_letter(len(SUMMARY_COLUMNS))
    )
    _footer(
        ws,
        row=total + 2 + int(is_estimate(year, generated_on)),
        unit=unit,
        generated_on=generated_on,
        ncols=len(SUMMARY_COLUMNS),
    )
    return ws


# --------------------------------------------------------------------------- saving with cached values

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Map each sheet title to its worksheet part inside the saved package."""
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {}
    for rel in rels.iter(f"{{{_PKG_REL_NS}}}Relationship"):
        target = rel.attrib["Target"]
        targets[rel.attrib["Id"]] = target.lstrip("/") if target.startswith("/") else normpath(join("xl", target))
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    return {
        sheet.attrib["name"]: targets[sheet.attrib[f"{{{_REL_NS}}}id"]] for sheet in book.iter(f"{{{_MAIN_NS}}}sheet")
    }


def _xml_value(value: object) -> tuple[str | None, str]:
    """Return the cell type attribute and the <v> text for a cached value."""
    if isinstance(value, bool):
        return "b", "1" if value else "0"
    if isinstance(value, (int, float)):
        return None, repr(value) if isinstance(value, float) else str(value)
    return "str", escape(str(value))


def _fill_one(xml: str, coordinate: str, value: object) -> str:
    """Put ``value`` into the empty <v> of formula cell ``coordinate``."""
    pattern = re.compile(rf'<c r="{coordinate}"(?P<attrs>(?: [^>]*?)?)>(?P<f><f>[^<]*</f>)<v\s*(?:/>|>\s*</v>)</c>')
    match = pattern.search(xml)
    if match is None:
        raise RuntimeError(f"could not write the cached value of formula cell {coordinate}")
    cell_type, text = _xml_value(value)
    attrs = re.sub(r' t="[^"]*"', "", match.group("attrs"))
    if cell_type:
        attrs += f' t="{cell_type}"'
    cell = f'<c r="{coordinate}"{attrs}>{match.group("f")}<v>{text}</v></c>'
    return xml[: match.start()] + cell + xml[match.end() :]


def _fill_cached(xml: str, cached: dict[str, object]) -> str:
    for coordinate, value in cached.items():
        xml = _fill_one(xml, coordinate, value)
    return xml


def workbook_bytes(workbook: Workbook) -> bytes:
    """Save ``workbook`` as .xlsx bytes, with the cached values of the formulas written here."""
    raw = io.BytesIO()
    workbook.save(raw)
    pending: dict[str, dict[str, object]] = {}
    for ws in workbook.worksheets:
        recorded = _CACHED.get(ws, {})
        live = {coord: value for coord, (formula, value) in recorded.items() if ws[coord].value == formula}
        if live:
            pending[ws.title] = live
    if not pending:
        return raw.getvalue()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(raw) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        parts = _sheet_parts(src)
        patched = {parts[title]: values for title, values in pending.items()}
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename in patched:
                data = _fill_cached(data.decode("utf-8"), patched[item.filename]).encode("utf-8")
            dst.writestr(item, data)
    return out.getvalue()


def save_workbook(workbook: Workbook, target: str | PathLike[str] | BinaryIO) -> None:
    """Write ``workbook_bytes(workbook)`` to a path or a binary file object."""
    data = workbook_bytes(workbook)
    if hasattr(target, "write"):
        target.write(data)  # type: ignore[union-attr]
    else:
        with open(target, "wb") as fh:  # type: ignore[arg-type]
            fh.write(data)

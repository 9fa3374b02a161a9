"""A streaming XLSX writer for large one-sheet exports (standard library only).

openpyxl builds a cell object per value and serialises it through its element tree: at a
quarter of a million rows × 15 columns that alone is over a minute on a 2-core machine.
This writer formats each row straight into the sheet's XML and streams it into the zip
member, so time is a few microseconds per cell and memory does not grow with the rows.

The file is plain Office Open XML (the parts Excel, WPS and openpyxl need and no more):
``[Content_Types].xml``, the package and workbook relationships, ``xl/workbook.xml``,
``xl/styles.xml`` and one worksheet. Text is written as inline strings (no shared-string
table to hold in memory), escaped for XML, with characters XML cannot carry dropped and
formula starts neutralised by ``spreadsheets.safe_cell``. Numbers are numbers; dates are
date serials with a ``yyyy-mm-dd`` format, so a spreadsheet sorts and filters them as
dates. The heading row is bold and frozen; column widths are the caller's.
"""

from __future__ import annotations

import datetime
import math
import re
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from xml.sax.saxutils import escape, quoteattr

from jiuzhu.spreadsheets import FORMULA_TRIGGERS, safe_cell

# Style indexes into cellXfs below.
TEXT, HEADER, DATE, DATETIME, MONEY = 0, 1, 2, 3, 4
EXCEL_EPOCH = datetime.date(1899, 12, 30).toordinal()
ROWS_PER_WRITE = 1000
# XML 1.0 cannot carry these (openpyxl refuses them with IllegalCharacterError).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_NEEDS_WORK = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# A first character that makes text need more than copying: a formula start or white space.
_FIRST_NEEDS_WORK = frozenset(FORMULA_TRIGGERS) | {c for c in map(chr, range(0x3001)) if c.isspace()}
_SHEET_NAME_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")

CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">\
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>\
<Default Extension="xml" ContentType="application/xml"/>\
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>\
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>\
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>\
<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>\
<Override PartName="/docProps/app.xml" ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>\
</Types>"""

PACKAGE_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" \
Target="xl/workbook.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" \
Target="docProps/core.xml"/>\
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties" \
Target="docProps/app.xml"/>\
</Relationships>"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:creator>jiuzhu</dc:creator>\
<dcterms:created xsi:type="dcterms:W3CDTF">{now}</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">{now}</dcterms:modified>\
</cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">\
<Application>jiuzhu</Application></Properties>"""

WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<bookViews><workbookView activeTab="0"/></bookViews>\
<sheets><sheet name={name} sheetId="1" r:id="rId1"/></sheets>\
</workbook>"""

WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">\
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" \
Target="worksheets/sheet1.xml"/>\
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" \
Target="styles.xml"/>\
</Relationships>"""

# cellXfs: 0 text/general, 1 bold heading, 2 date, 3 date and time, 4 two decimals.
STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">\
<numFmts count="2"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/>\
<numFmt numFmtId="165" formatCode="yyyy\\-mm\\-dd\\ hh:mm"/></numFmts>\
<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>\
<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>\
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>\
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>\
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>\
<cellXfs count="5"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>\
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>\
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="165" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>\
<xf numFmtId="2" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>\
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>\
</styleSheet>"""

SHEET_START = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" \
xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">\
<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>\
<sheetFormatPr defaultRowHeight="15"/>{cols}<sheetData>"""

FROZEN_HEADER = (
    '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    '<selection pane="bottomLeft" activeCell="A2" sqref="A2"/>'
)


def column_letter(index: int) -> str:
    """The column name of a 0-based index: 0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def xml_text(value: str) -> str:
    """Text as XML character data: escaped, without the characters XML 1.0 cannot carry."""
    if _NEEDS_WORK.search(value) is None:
        return value
    return escape(_ILLEGAL.sub("", value))


def sheet_title(title: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return _SHEET_NAME_FORBIDDEN.sub("_", title)[:31] or "Sheet1"


def _string_cell(ref: str, value: str) -> str:
    if not value:
        return ""
    value = xml_text(safe_cell(value))
    space = ' xml:space="preserve"' if value[:1].isspace() or value[-1:].isspace() else ""
    return f'<c r="{ref}" t="inlineStr"><is><t{space}>{value}</t></is></c>'


def _cell(ref: str, value) -> str:
    kind = type(value)
    if kind is str:
        return _string_cell(ref, value)
    if kind is int:
        return f'<c r="{ref}"><v>{value}</v></c>'
    if kind is float:
        return f'<c r="{ref}"><v>{value!r}</v></c>' if math.isfinite(value) else _string_cell(ref, str(value))
    if kind is Decimal:
        if not value.is_finite():
            return _string_cell(ref, str(value))
        return f'<c r="{ref}" s="{MONEY}"><v>{value}</v></c>'
    if kind is datetime.date:
        days = value.toordinal() - EXCEL_EPOCH
        return f'<c r="{ref}" s="{DATE}"><v>{days - 1 if 0 < days <= 60 else days}</v></c>'
    if kind is bool:
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if kind is datetime.datetime:
        if value.tzinfo is not None:
            raise TypeError("timezone-aware datetimes cannot be written: convert them to local time first")
        days = value.toordinal() - EXCEL_EPOCH
        seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
        return f'<c r="{ref}" s="{DATETIME}"><v>{days + seconds / 86400!r}</v></c>'
    if value is None:
        return ""
    return _cell(ref, str(value))  # lazy translations, labels and the like: their text


def write_sheet(
    file,
    *,
    title: str,
    header: Sequence[str],
    rows: Iterable[Sequence],
    widths: Sequence[float] = (),
    freeze_header: bool = True,
    compresslevel: int = 1,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write one sheet (heading row, then ``rows``) as an XLSX into the binary ``file``;
    returns the number of rows below the heading. ``progress`` is called with the rows
    written so far every ``ROWS_PER_WRITE`` rows."""
    letters = [column_letter(i) for i in range(max(len(header), 1))]
    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(widths, start=1))
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    count = 0
    with zipfile.ZipFile(file, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel) as package:
        package.writestr("[Content_Types].xml", CONTENT_TYPES)
        package.writestr("_rels/.rels", PACKAGE_RELS)
        package.writestr("docProps/core.xml", CORE.format(now=now))
        package.writestr("docProps/app.xml", APP)
        package.writestr("xl/workbook.xml", WORKBOOK.format(name=quoteattr(xml_text(sheet_title(title)))))
        package.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        package.writestr("xl/styles.xml", STYLES)
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(
                SHEET_START.format(
                    pane=FROZEN_HEADER if freeze_header else "", cols=f"<cols>{cols}</cols>" if cols else ""
                ).encode()
            )
            heading = "".join(
                f'<c r="{letter}1" t="inlineStr" s="{HEADER}"><is><t>{xml_text(str(name))}</t></is></c>'
                for letter, name in zip(letters, header)
            )
            sheet.write(f'<row r="1">{heading}</row>'.encode())
            chunk: list[str] = []
            append = chunk.append
            number = 1
            for row in rows:
                number += 1
                n = str(number)
                append(f'<row r="{n}">')
                for letter, value in zip(letters, row):
                    # Plain text (most cells) inline; anything else through _cell.
                    if (
                        type(value) is str
                        and value
                        and value[0] not in _FIRST_NEEDS_WORK
                        and not value[-1].isspace()
                        and _NEEDS_WORK.search(value) is None
                    ):
                        append(f'<c r="{letter}{n}" t="inlineStr"><is><t>{value}</t></is></c>')
                    else:
                        append(_cell(letter + n, value))
                append("</row>")
                if (number - 1) % ROWS_PER_WRITE == 0:
                    sheet.write("".join(chunk).encode())
                    chunk.clear()
                    if progress:
                        progress(number - 1)
            sheet.write("".join(chunk).encode())
            sheet.write(b"</sheetData></worksheet>")
            count = number - 1
    if progress:
        progress(count)
    return count


MAIN_NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}"
DOC_RELS_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def _part_path(target: str) -> str:
    """A relationship target of the workbook as a path inside the package."""
    path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    parts: list[str] = []
    for piece in path.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)


def _run_text(element) -> str:
    """The text of a string item (``si`` or ``is``): its ``t``, or its rich-text runs' ``t``
    (phonetic guides, ``rPh``, are not part of the value)."""
    text = element.find(f"{MAIN_NS}t")
    if text is not None:
        return text.text or ""
    return "".join(t.text or "" for r in element.iterfind(f"{MAIN_NS}r") for t in r.iterfind(f"{MAIN_NS}t"))


def _column_index(ref: str) -> int:
    index = 0
    for char in ref:
        if "A" <= char <= "Z":
            index = index * 26 + ord(char) - 64
            if index > 1 << 40:  # past any sheet (Excel stops at XFD, 16,384): no bigger number
                break
        else:
            break
    return index - 1


@dataclass(frozen=True)
class ReadLimits:
    """How much of an upload ``read_sheet`` reads before it gives up. The file is hostile until
    read: a cell reference far to the right would pad a row to its column, a zip bomb unpacks
    a few hundred kilobytes into gigabytes of XML, and either keeps a worker busy."""

    columns: int = 16_384  # Excel's last column, XFD
    rows: int = 1_048_576  # Excel's last row
    xml_bytes: int = 256 * 1024 * 1024  # the parts read, unpacked
    deadline: float | None = None  # a time.monotonic() value


class SheetTooLarge(ValueError):
    """A limit of ``ReadLimits`` was passed. ``kind`` is ``columns``, ``rows``, ``xml_bytes`` or
    ``time``; ``limit`` the limit passed; ``where`` the cell reference (columns) or row number."""

    def __init__(self, kind: str, limit: float, where: str = ""):
        super().__init__(f"the sheet passes its {kind} limit ({limit}) at {where or '-'}")
        self.kind, self.limit, self.where = kind, limit, where


def _parse(stream, unit: str, also: tuple[str, ...] = ()):
    """Yield each ``unit`` element (with its subtree) and each ``also`` element outside one as
    it ends, then drop it from the tree, as every other element ending outside a unit: the
    tree holds one open path and one unit at most, so memory does not grow with the file."""
    from xml.etree.ElementTree import iterparse  # noqa: S405 - see read_sheet

    path: list = []
    inside = 0
    for event, element in iterparse(stream, events=("start", "end")):  # noqa: S314
        if event == "start":
            path.append(element)
            inside += element.tag == unit
            continue
        path.pop()
        if element.tag == unit:
            inside -= 1
        if inside:
            continue
        if element.tag == unit or element.tag in also:
            yield element
        if path:
            path[-1].remove(element)


def read_sheet(file, limits: ReadLimits | None = None) -> Iterator[tuple[int, list]]:
    """The first sheet's rows as (row number, values): text as ``str``, numbers as ``int`` or
    ``float``, booleans as ``bool``, formulas as their cached values, empty cells as ``None``.
    Streamed with the C XML parser (a cell at a time, then dropped): the legacy import read
    ~1,500 rows/s through openpyxl on a loaded machine. Date-formatted numbers stay serial
    numbers (the import has no date column). Past one of ``limits`` it raises ``SheetTooLarge``.

    The file is an upload: ElementTree never fetches external entities, and the expat it
    runs on (2.4.1 and later; Python 3.11 ships 2.5) refuses entity-expansion bombs, which
    is what defusedxml would add here (it is not a dependency; openpyxl uses the same parser).
    """
    from xml.etree.ElementTree import fromstring  # noqa: S405 - see above

    limits = limits or ReadLimits()
    deadline = limits.deadline
    left = limits.xml_bytes

    def read_part(name: str) -> bytes:
        # What a part unpacks to is refused on its zip header's word before it is unpacked:
        # zipfile stops at that size, so a header that lies makes a CRC error, not a bomb.
        nonlocal left
        left -= package.getinfo(name).file_size
        if left < 0:
            raise SheetTooLarge("xml_bytes", limits.xml_bytes)
        return package.read(name)

    with zipfile.ZipFile(file) as package:
        workbook = fromstring(read_part("xl/workbook.xml"))  # noqa: S314
        first = workbook.find(f"{MAIN_NS}sheets/{MAIN_NS}sheet")
        if first is None:
            raise ValueError("the workbook has no sheet")
        rels = fromstring(read_part("xl/_rels/workbook.xml.rels"))  # noqa: S314
        relations = {r.get("Id"): r for r in rels.iter(f"{RELS_NS}Relationship")}
        sheet_path = _part_path(relations[first.get(f"{DOC_RELS_NS}id")].get("Target"))
        shared_path = next(
            (_part_path(r.get("Target")) for r in relations.values() if r.get("Type", "").endswith("/sharedStrings")),
            None,
        )
        if shared_path not in package.namelist():
            shared_path = None
        # The two big parts are streamed, not read whole: both are charged before either is.
        left -= package.getinfo(sheet_path).file_size + (package.getinfo(shared_path).file_size if shared_path else 0)
        if left < 0:
            raise SheetTooLarge("xml_bytes", limits.xml_bytes)
        shared: list[str] = []
        if shared_path:
            with package.open(shared_path) as stream:
                for element in _parse(stream, f"{MAIN_NS}si"):
                    shared.append(_run_text(element))
                    if deadline is not None and len(shared) % 1024 == 0 and time.monotonic() > deadline:
                        raise SheetTooLarge("time", limits.deadline)
        row_tag, cell_tag, value_tag, inline_tag = (f"{MAIN_NS}row", f"{MAIN_NS}c", f"{MAIN_NS}v", f"{MAIN_NS}is")
        with package.open(sheet_path) as stream:
            yield from _rows(
                _parse(stream, cell_tag, (row_tag,)),
                row_tag,
                cell_tag,
                value_tag,
                inline_tag,
                shared=shared,
                limits=limits,
            )


def _rows(elements, row_tag, cell_tag, value_tag, inline_tag, *, shared: list[str], limits: ReadLimits):
    """Rows from the stream of cells, each row when its end tag arrives."""
    number = count = 0
    values: list = []
    # A cell's row is its parent: _parse yields cells, and the row as it ends (it holds no
    # cell by then, each was dropped once read).
    for element in elements:
        if element.tag == row_tag:
            count += 1
            if count > limits.rows:
                raise SheetTooLarge("rows", limits.rows, str(number))
            if limits.deadline is not None and time.monotonic() > limits.deadline:
                raise SheetTooLarge("time", limits.deadline, str(number))
            r = element.get("r") or ""
            number = int(r) if r.isdigit() else number + 1
            yield number, values
            values = []
            continue
        ref = element.get("r")
        column = _column_index(ref) if ref else len(values)
        if column > len(values) and column < limits.columns:
            values.extend([None] * (column - len(values)))
        if max(column, len(values)) >= limits.columns:  # far to the right, or one cell too many
            raise SheetTooLarge("columns", limits.columns, ref or f"{column_letter(limits.columns)}{number + 1}")
        kind = element.get("t", "n")
        if kind == "inlineStr":
            inline = element.find(inline_tag)
            values.append(_run_text(inline) if inline is not None else None)
            continue
        raw = element.findtext(value_tag)
        if raw is None or raw == "":
            values.append(None)
        elif kind == "s":
            values.append(shared[int(raw)])
        elif kind == "n":
            values.append(float(raw) if "." in raw or "E" in raw or "e" in raw else int(raw))
        elif kind == "b":
            values.append(raw == "1")
        else:  # str (a formula's text), e (an error such as #N/A), d (ISO date)
            values.append(raw)

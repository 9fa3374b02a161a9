"""The streaming XLSX writer: a valid package that openpyxl reads back with the right
values and types, escaped text, formula starts neutralised, frozen bold heading, widths."""

from __future__ import annotations

import datetime
import io
import tracemalloc
import zipfile
from decimal import Decimal
from xml.etree import ElementTree

from openpyxl import load_workbook

from jiuzhu import xlsx


def _write(header, rows, **options) -> bytes:
    buffer = io.BytesIO()
    xlsx.write_sheet(buffer, title=options.pop("title", "名单"), header=header, rows=rows, **options)
    return buffer.getvalue()


def test_it_reads_back_with_values_and_types():
    rows = [
        ["张三", 85, Decimal("800.50"), datetime.date(1980, 5, 17), 1.25, True, None, "末列"],
        ["李四", -3, Decimal("0.00"), datetime.date(2026, 1, 1), 0.0, False, "", "x"],
    ]
    header = ["姓名", "分", "收入", "出生", "比", "是", "空", "尾"]
    sheet = load_workbook(io.BytesIO(_write(header, rows))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0] == tuple(header)
    assert values[1] == ("张三", 85, 800.5, datetime.datetime(1980, 5, 17), 1.25, True, None, "末列")
    assert values[2][:6] == ("李四", -3, 0, datetime.datetime(2026, 1, 1), 0, False)
    assert sheet["D2"].is_date and sheet["D2"].number_format == "yyyy\\-mm\\-dd"
    assert sheet["C2"].number_format == "0.00"
    assert sheet.title == "名单"


def test_text_is_escaped_and_formula_starts_are_neutralised():
    rows = [["a < b & c > d", '=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "bad\x01char", " padded "]]
    values = next(
        load_workbook(io.BytesIO(_write(list("ABCDEFG"), rows))).active.iter_rows(min_row=2, values_only=True)
    )
    assert values == ("a < b & c > d", '\'=HYPERLINK("http://x")', "'+1", "'-2", "'@SUM(A1)", "badchar", " padded ")


def test_heading_is_bold_and_frozen_and_columns_have_the_given_widths():
    sheet = load_workbook(io.BytesIO(_write(["a", "b"], [[1, 2]], widths=(14, 30)))).active
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.b and not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 14 and sheet.column_dimensions["B"].width == 30


def test_package_has_the_parts_excel_needs_and_every_part_is_well_formed_xml():
    data = _write(["a"], [[1]], title="bad:name/[x]")
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        names = set(package.namelist())
        assert {
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml",
        } <= names
        for name in names:
            ElementTree.fromstring(package.read(name))
        assert b'name="bad_name__x_"' in package.read("xl/workbook.xml")


def test_it_returns_the_row_count_and_reports_progress():
    seen: list[int] = []
    count = xlsx.write_sheet(
        io.BytesIO(), title="t", header=["n"], rows=([n] for n in range(2500)), progress=seen.append
    )
    assert count == 2500 and seen == [1000, 2000, 2500]


def test_memory_does_not_grow_with_the_rows():
    def peak(n: int) -> int:
        rows = (["居民", "330402198005170011", n, datetime.date(1980, 1, 1)] for n in range(n))
        tracemalloc.start()
        xlsx.write_sheet(io.BytesIO(), title="t", header=["a", "b", "c", "d"], rows=rows)
        # The output buffer holds the compressed file; the peak beyond it is what streaming bounds.
        _current, top = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return top

    small, large = peak(5_000), peak(50_000)
    assert large < small * 3  # ten times the rows, not ten times the memory


def test_column_letters():
    assert [xlsx.column_letter(i) for i in (0, 25, 26, 51, 701, 702)] == ["A", "Z", "AA", "AZ", "ZZ", "AAA"]


def test_read_sheet_gives_what_openpyxl_reads_from_shared_and_inline_strings():
    from openpyxl import Workbook

    workbook = Workbook()  # openpyxl's normal mode: shared strings
    sheet = workbook.active
    sheet.append(["户编号", "姓名", "月收入"])
    sheet.append(["A1", "张三", 800])
    sheet.append([])
    sheet.append([None, "李 四", 12.5, True])
    buffer = io.BytesIO()
    workbook.save(buffer)
    expected = [(1, ["户编号", "姓名", "月收入"]), (2, ["A1", "张三", 800]), (4, [None, "李 四", 12.5, True])]
    assert [(n, v) for n, v in xlsx.read_sheet(io.BytesIO(buffer.getvalue())) if v] == expected

    ours = _write(["户编号", "姓名", "月收入"], [["A1", "张三", 800], [None, "李 四", 12.5]])
    assert list(xlsx.read_sheet(io.BytesIO(ours))) == [
        (1, ["户编号", "姓名", "月收入"]),
        (2, ["A1", "张三", 800]),
        (3, [None, "李 四", 12.5]),
    ]

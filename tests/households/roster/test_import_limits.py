"""A hostile spreadsheet costs the import no more than the settings' limits: a cell reference
far to the right, a zip bomb, too many rows or too slow a read each stop the job with a
specific Chinese message, in bounded memory, and nothing is imported. The dry run is a job
too, and the report keeps the first JIUZHU_IMPORT_MAX_ERRORS bad rows and counts them all."""

from __future__ import annotations

import io
import time
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from households.models import Household, ImportJob
from households.roster import imports
from jiuzhu.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADING = "".join(
    f'<c r="{chr(65 + i)}1" t="inlineStr"><is><t>{name}</t></is></c>' for i, name in enumerate(imports.COLUMNS)
)


def hostile_workbook(sheet_rows) -> bytes:
    """A minimal workbook whose sheet is the template's heading, then ``sheet_rows`` (XML
    text, an iterable of chunks: a bomb is streamed into the zip, never held whole)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(
            "xl/workbook.xml",
            f'<workbook {NS} xmlns:r="http://schemas.openxmlformats.org/'
            'officeDocument/2006/relationships"><sheets><sheet name="x" sheetId="1" r:id="rId1"/>'
            "</sheets></workbook>",
        )
        package.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
        )
        with package.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet {NS}><sheetData><row r="1">{HEADING}</row>'.encode())
            for chunk in sheet_rows:
                sheet.write(chunk.encode())
            sheet.write(b"</sheetData></worksheet>")
    return buffer.getvalue()


def far_right() -> bytes:
    return hostile_workbook(['<row r="2"><c r="ZZZZZZ2" t="inlineStr"><is><t>x</t></is></c></row>'])


def bomb(megabytes: int) -> bytes:
    # The same row, over and over: 132 MB of XML in a few hundred kilobytes of zip.
    row = '<row><c t="inlineStr"><is><t>中山路1号</t></is></c></row>' * 1000
    return hostile_workbook(row for _ in range(megabytes * 1024 * 1024 // len(row.encode())))


def rows_of_blanks(count: int) -> bytes:
    return hostile_workbook(
        f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>K{n}</t></is></c></row>' for n in range(2, count + 2)
    )


def read_in_chinese(content: bytes) -> tuple[str, int]:
    """The message read_rows refuses the file with, and the peak memory (bytes) of reading it."""
    tracemalloc.start()
    try:
        with translation.override("zh-hans"), pytest.raises(imports.ImportTooLarge) as refused:
            imports.read_rows(io.BytesIO(content))
        return str(refused.value), tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_a_cell_far_to_the_right_is_refused_naming_it_without_padding_the_row():
    # Before: the row was padded to column ZZZZZZ (321,272,406 cells, ~2.5 GB).
    message, peak = read_in_chinese(far_right())
    assert message == "单元格 ZZZZZZ2 超出第 50 列：导入最多读取 50 列。请删除名单右侧的单元格后重新导入。"
    assert peak < 2 * 1024 * 1024


def test_a_row_of_more_cells_than_columns_is_refused_too():
    cells = "".join('<c t="inlineStr"><is><t>x</t></is></c>' for _ in range(60))
    message, _peak = read_in_chinese(hostile_workbook([f"<row>{cells}</row>"]))
    assert message.startswith("单元格 AY2 超出第 50 列")


def test_a_zip_bomb_is_refused_before_it_is_unpacked(settings):
    content = bomb(132)
    assert len(content) < 1024 * 1024
    started = time.monotonic()
    message, peak = read_in_chinese(content)
    assert message == "电子表格解压后超过 64 MB，正常的名单不会这么大：请只保留名单工作表、去掉格式后重新导入。"
    # Before: 32 s of CPU and the whole sheet parsed. Now the zip's own sizes refuse it at once.
    assert time.monotonic() - started < 2 and peak < 2 * 1024 * 1024


def test_a_bomb_whose_zip_header_understates_its_size_is_unreadable_not_unpacked():
    content = bytearray(bomb(40))
    # Patch the sheet's uncompressed size (local header and central directory) to 1,000 bytes.
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = content.find(signature)
        while content[at + name_at : at + name_at + len(name)] != name:
            at = content.find(signature, at + 1)
        content[at + size_at : at + size_at + 4] = (1000).to_bytes(4, "little")
    tracemalloc.start()
    with pytest.raises(zipfile.BadZipFile):
        imports.read_rows(io.BytesIO(bytes(content)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_too_many_rows_are_refused_before_the_check(settings):
    settings.JIUZHU_IMPORT_MAX_ROWS = 100
    message, _peak = read_in_chinese(rows_of_blanks(101))
    assert message == "工作表超过 100 行：请拆分为每个不超过 100 行的文件，分别导入。"
    assert len(imports.read_rows(io.BytesIO(rows_of_blanks(100)))) == 100


def test_a_read_past_its_time_is_stopped(settings):
    settings.JIUZHU_IMPORT_MAX_SECONDS = 0
    with translation.override("zh-hans"), pytest.raises(imports.ImportTooLarge) as refused:
        imports.read_rows(io.BytesIO(rows_of_blanks(3)), limits=imports.read_limits(deadline=time.monotonic() - 1))
    assert str(refused.value) == "读取和检查电子表格超过 0 秒，已停止：请拆分为较小的文件分别导入。"


@pytest.fixture
def officer(make):
    return make.user(Role.TOWNSHIP_OFFICER, "330402007")


@pytest.mark.parametrize("dry_run", ["on", ""])
@pytest.mark.parametrize("content", [far_right, lambda: bomb(132)], ids=["far right", "zip bomb"])
def test_a_hostile_upload_is_a_failed_job_saying_why_and_imports_nothing(
    login, officer, content, dry_run, django_capture_on_commit_callbacks
):
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("households:import"),
            {"file": SimpleUploadedFile("名单.xlsx", content(), content_type=XLSX), "dry_run": dry_run},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    assert response.status_code == 302  # the request only stores the file: the job reads it
    job = ImportJob.objects.get()
    assert (job.status, job.dry_run, job.error_count) == ("failed", bool(dry_run), 1)
    assert job.errors[0][1].startswith(("单元格 ZZZZZZ2 超出第 50 列", "电子表格解压后超过 64 MB"))
    assert not job.file and not Household.objects.exists()
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert job.errors[0][1] in page and "第 0 行" not in page


def test_the_report_keeps_the_first_bad_rows_and_counts_them_all(
    make, login, officer, settings, django_capture_on_commit_callbacks
):
    settings.JIUZHU_IMPORT_MAX_ERRORS = 3
    rows = [[f"K{n}", "330402007", "", "", f"居民{n}", "x", "户主", "", "", ""] for n in range(10)]
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("households:import"),
            {"file": factories.import_upload(rows), "dry_run": "on"},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )
    job = ImportJob.objects.get()
    assert (job.error_count, [n for n, _r in job.errors]) == (10, [2, 3, 4])
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "以下为 10 个有误行中的前 3 个" in page and page.count("<li>第 ") == 3
    status = client.get(reverse("households:import_status", args=[job.pk])).json()
    assert (status["error_count"], len(status["errors"])) == (10, 3)

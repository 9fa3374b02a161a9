"""The import page checks a spreadsheet's size and content before storing it: a non-XLSX
or oversized file is refused next to the field, in Chinese, and no job is created."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from households.models import ImportJob
from jiuzhu.models import Role
from tests import factories

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


workbook = factories.import_workbook


def zip_without_workbook() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("word/document.xml", "<w/>")
    return buffer.getvalue()


@pytest.fixture
def officer(make):
    return make.user(Role.TOWNSHIP_OFFICER, "330402007")


@pytest.mark.parametrize("dry_run", ["on", ""])
@pytest.mark.parametrize(
    "content",
    ["name,id\n张三,1\n".encode(), zip_without_workbook(), b"%PDF-1.4\n%%EOF\n"],
    ids=["csv", "docx-like zip", "pdf"],
)
def test_a_file_that_is_no_xlsx_is_refused_in_chinese_and_not_stored(login, officer, content, dry_run):
    response = login(officer).post(
        reverse("households:import"),
        {"file": SimpleUploadedFile("名单.xlsx", content, content_type=XLSX), "dry_run": dry_run},
    )
    assert response.status_code == 200
    # Only the message is checked for the word "zip": the page's random CSRF token may hold it.
    [message] = response.context["form"].errors["file"]
    assert "不是 XLSX 电子表格" in message
    assert "zip" not in message.lower()
    assert not ImportJob.objects.exists()


def test_a_file_over_the_import_limit_is_refused(login, officer, settings):
    content = workbook()
    settings.JIUZHU_IMPORT_MAX_BYTES = len(content) - 1
    response = login(officer).post(
        reverse("households:import"),
        {"file": SimpleUploadedFile("名单.xlsx", content, content_type=XLSX), "dry_run": ""},
    )
    assert response.status_code == 200 and "MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_real_xlsx_at_the_limit_is_accepted_and_imported(
    login, officer, settings, django_capture_on_commit_callbacks
):
    content = workbook()
    settings.JIUZHU_IMPORT_MAX_BYTES = len(content)
    with django_capture_on_commit_callbacks(execute=True):
        response = login(officer).post(
            reverse("households:import"),
            {"file": SimpleUploadedFile("名单.xlsx", content, content_type=XLSX), "dry_run": ""},
        )
    assert response.status_code == 302
    assert ImportJob.objects.get().status == "done"

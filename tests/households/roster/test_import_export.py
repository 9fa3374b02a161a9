"""Legacy import (dry run, all or nothing, idempotent) and the audited, masked roster export."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from households.models import Household, ImportJob, Member, Relation
from households.roster import exports, imports
from jiuzhu.models import AuditAction, AuditEvent, Role
from tests import factories

pytestmark = pytest.mark.django_db


workbook_bytes = factories.import_workbook


def good_rows(make, households=2, size=2, township="330402007"):
    rows = []
    for h in range(households):
        for m in range(size):
            rows.append(
                [
                    f"K{h}",
                    township,
                    f"中山路{h}号",
                    "13800000000",
                    f"居民{h}{m}",
                    make.id_number(),
                    "户主" if m == 0 else "子女",
                    "有",
                    "健康",
                    "500",
                ]
            )
    return rows


@pytest.fixture
def officer(make):
    return make.user(Role.TOWNSHIP_OFFICER, "330402007")


def _file(tmp_path, rows):
    path = tmp_path / "list.xlsx"
    path.write_bytes(workbook_bytes(rows))
    return str(path)


def test_dry_run_lists_every_bad_row_with_its_number_and_writes_nothing(make, officer, tmp_path):
    rows = good_rows(make)
    rows[1][5] = "330402198013"  # too short
    rows[3][6] = "表亲"  # unknown relation
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_households", _file(tmp_path, rows), "--dry-run", "--user", officer.username, stdout=out)
    text = out.getvalue()
    assert "row 3:" in text and "row 5:" in text and "表亲" in text
    assert not Household.objects.exists()


def test_a_wrong_phone_number_is_a_bad_row_and_a_typed_one_is_stored_normalised(make, officer, tmp_path):
    rows = good_rows(make)
    rows[0][3] = "0573-123"
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_households", _file(tmp_path, rows), "--user", officer.username, stdout=out)
    assert "row 2:" in out.getvalue() and "区号 0573" in out.getvalue()
    assert not Household.objects.exists()
    rows[0][3] = "０５７３ 8201 2345"
    call_command("import_households", _file(tmp_path, rows), "--user", officer.username, stdout=io.StringIO())
    assert Household.objects.get(legacy_key="K0").phone == "0573-82012345"


def test_real_run_is_all_or_nothing(make, officer, tmp_path):
    rows = good_rows(make)
    rows[-1][5] = rows[0][5]  # the same person twice
    with pytest.raises(CommandError):
        call_command("import_households", _file(tmp_path, rows), "--user", officer.username, stdout=io.StringIO())
    assert not Household.objects.exists() and not Member.objects.exists()


def test_import_then_reimport_creates_no_duplicates_and_is_audited(make, officer, tmp_path):
    path = _file(tmp_path, good_rows(make, households=3, size=2))
    first = io.StringIO()
    call_command("import_households", path, "--user", officer.username, stdout=first)
    assert "checked 6/6 rows" in first.getvalue()
    assert Household.objects.count() == 3 and Member.objects.count() == 6
    household = Household.objects.get(legacy_key="K0")
    assert household.head.relation_to_head == Relation.HEAD and household.member_count == 2
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, target_type="households.member").count() == 6
    out = io.StringIO()
    call_command("import_households", path, "--user", officer.username, stdout=out)
    assert Household.objects.count() == 3 and Member.objects.count() == 6
    assert "6 already imported" in out.getvalue()


def test_person_already_in_another_household_is_a_bad_row_naming_it(make, officer, tmp_path):
    number = make.id_number()
    existing = make.household(members=0)
    make.member(existing, id_no=number, relation_to_head=Relation.HEAD)
    rows = good_rows(make, households=1)
    rows[1][5] = number
    plan = imports.validate(imports.read_rows(_file(tmp_path, rows)), user=officer)
    assert plan.errors == [(3, plan.errors[0][1])] and existing.dossier_no in plan.errors[0][1]


def test_another_township_in_the_file_is_refused(make, officer, tmp_path):
    plan = imports.validate(imports.read_rows(_file(tmp_path, good_rows(make, 1, 1, "330402008"))), user=officer)
    assert len(plan.errors) == 1


def test_validation_queries_do_not_grow_with_rows(make, officer, tmp_path):
    small = imports.read_rows(_file(tmp_path, good_rows(make, 1, 1)))
    big = imports.read_rows(_file(tmp_path, good_rows(make, 50, 4)))
    with CaptureQueriesContext(connection) as first:
        imports.validate(small, user=officer)
    with CaptureQueriesContext(connection) as second:
        imports.validate(big, user=officer)
    # townships; per batch: households by key, people by ID digest (200 rows: one batch)
    assert len(first) == len(second)


def test_upload_page_dry_run_is_a_job_that_shows_bad_rows(make, officer, login, django_capture_on_commit_callbacks):
    rows = good_rows(make)
    rows[2][5] = "x"
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("households:import"), {"file": SimpleUploadedFile("a.xlsx", workbook_bytes(rows)), "dry_run": "on"}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    assert (job.dry_run, job.status, job.error_count, [n for n, _r in job.errors]) == (True, "done", 1, [4])
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "第 4 行" in page and not job.file
    assert not Household.objects.exists()


def test_upload_page_dry_run_of_good_rows_says_what_would_be_created(
    make, officer, login, django_capture_on_commit_callbacks
):
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("households:import"),
            {"file": SimpleUploadedFile("a.xlsx", workbook_bytes(good_rows(make))), "dry_run": "on"},
        )
    status = client.get(reverse("households:import_status", args=[ImportJob.objects.get().pk])).json()
    assert (status["dry_run"], status["status"], status["households_created"], status["members_created"]) == (
        True,
        "done",
        2,
        4,
    )
    assert not Household.objects.exists()


def test_upload_page_real_run_goes_through_a_job_with_progress(
    make, officer, login, django_capture_on_commit_callbacks
):
    client = login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("households:import"), {"file": SimpleUploadedFile("a.xlsx", workbook_bytes(good_rows(make)))}
        )
    assert response.status_code == 302
    job = ImportJob.objects.get()
    status = client.get(reverse("households:import_status", args=[job.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["members_created"] == 4
    assert Household.objects.count() == 2
    other = login(make.user(Role.TOWNSHIP_OFFICER, "330402007"))
    assert other.get(reverse("households:import_status", args=[job.pk])).status_code == 404


def test_caseworker_of_county_may_not_import(make, login):
    assert login(make.user(Role.COUNTY_CIVIL, "330402")).get(reverse("households:import")).status_code == 403


def test_template_is_an_xlsx_with_chinese_headings(make, officer, login):
    response = login(officer).get(reverse("households:import_template"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]] == imports.COLUMNS


@pytest.fixture
def export(django_capture_on_commit_callbacks):
    """Press the list's export button (the job runs eagerly on commit), open the job's page
    and download its file: the sheet."""

    def _export(client, query=""):
        with django_capture_on_commit_callbacks(execute=True):
            started = client.post(reverse("households:export") + query)
        assert started.status_code == 302
        page = client.get(started.url)
        download = reverse("households:export_download", args=[page.context["job"].pk])
        assert page.status_code == 200 and download in page.content.decode()
        response = client.get(download)
        assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
        return load_workbook(io.BytesIO(b"".join(response.streaming_content))).active

    return _export


def test_caseworker_export_is_masked_escaped_and_audited(make, login, export):
    number = make.id_number()
    household = make.household(members=0, address='=HYPERLINK("http://x")')
    make.member(household, id_no=number, relation_to_head=Relation.HEAD)
    make.household("330402008", members=1)
    worker = make.user(Role.CASEWORKER, "330402007")
    sheet = export(login(worker))
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2
    assert rows[1][8] == f"{number[:6]}********{number[-4:]}"
    assert rows[1][2].startswith("'=")
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.actor == worker and "1" in event.summary


def test_township_officer_export_has_full_ids(make, login, officer, export):
    number = make.id_number()
    household = make.household(members=0)
    make.member(household, id_no=number, relation_to_head=Relation.HEAD)
    rows = list(export(login(officer)).iter_rows(values_only=True))
    assert rows[1][8] == number


def test_safe_text_escapes_formula_starts():
    assert [exports.safe_text(v) for v in ("=1", "+1", "-1", "@a", "ok", 5)] == ["'=1", "'+1", "'-1", "'@a", "ok", 5]


def test_export_reads_back_with_values_and_types(make, login, officer, export):
    import datetime
    from decimal import Decimal

    number = make.id_number()
    household = make.household(members=0, address="中山路 <1> & 2号")
    make.member(household, id_no=number, relation_to_head=Relation.HEAD, monthly_income=Decimal("812.50"))
    sheet = export(login(officer))
    assert sheet.freeze_panes == "A2"
    header, row = list(sheet.iter_rows(values_only=True))
    assert list(header) == exports.roster_headers()
    assert row[0] == household.dossier_no and row[2] == "中山路 <1> & 2号" and row[8] == number
    assert isinstance(row[5], int) and row[14] == 812.5
    born = household.members.get().birth_date
    assert row[11] == datetime.datetime.combine(born, datetime.time()) and sheet["L2"].is_date
    assert isinstance(row[4], str) and isinstance(row[11], datetime.datetime)


def test_export_queries_do_not_grow_with_members(make, login, officer, export):
    client = login(officer)
    make.household(members=1)
    export(client)  # the first page view counts the menu's task badge; later ones read it cached
    with CaptureQueriesContext(connection) as first:
        export(client)
    for _n in range(30):
        make.household(members=3)
    with CaptureQueriesContext(connection) as second:
        export(client)
    # start: session and user, the job; the task: the job, claim, count, total, the members (one
    # server-side cursor on PostgreSQL), the audit row, the job saved; the page and the download
    assert len(first) == len(second)


def test_the_import_page_shows_the_check_row_by_row_then_the_write_as_one_step(
    make, officer, login, monkeypatch, django_capture_on_commit_callbacks
):
    client = login(officer)
    seen = []
    real_validate, real_apply = imports.validate, imports.apply

    def poll():
        job = ImportJob.objects.get()
        seen.append(client.get(reverse("households:import_status", args=[job.pk])).json())

    def validate(rows, *, progress=None, **kwargs):
        def watched(done, total):
            progress(done, total)
            poll()

        return real_validate(rows, progress=watched, **kwargs)

    def apply(plan, **kwargs):
        poll()  # what the waiting page sees while the one transaction runs
        return real_apply(plan, **kwargs)

    monkeypatch.setattr(imports, "validate", validate)
    monkeypatch.setattr(imports, "apply", apply)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("households:import"),
            {"file": SimpleUploadedFile("a.xlsx", workbook_bytes(good_rows(make)))},
            HTTP_ACCEPT_LANGUAGE="zh-hans",
        )

    checking, writing = seen[-2], seen[-1]
    assert (checking["step"], checking["step_label"], checking["done_rows"], checking["total_rows"]) == (
        "checking",
        "正在检查各行",
        4,
        4,
    )
    assert 0 < checking["percent"] <= 50
    assert (writing["step"], writing["step_label"], writing["percent"]) == (
        "writing",
        "正在一次性写入全部行：要么全部保存，要么全部不保存",
        50,
    )
    done = client.get(reverse("households:import_status", args=[ImportJob.objects.get().pk])).json()
    assert (done["status"], done["step"], done["percent"]) == ("done", "", 100)


def test_a_household_without_a_head_is_refused_and_nothing_is_imported(make, officer, tmp_path):
    rows = good_rows(make)
    rows[2][6] = "配偶"  # K1's head becomes a spouse: K1 has no 户主
    plan = imports.validate(imports.read_rows(_file(tmp_path, rows)), user=officer)
    assert [(n, reason) for n, reason in plan.errors] == [(4, "户 K1 没有户主：请把其中一名成员标为户主")]
    assert not Household.objects.exists()

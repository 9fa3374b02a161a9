"""No plaintext ID number where it does not belong; documents only through the permission check.

- logs (every logger, DEBUG) and audit rows across a flow that creates a household and a
  member, views the dossier, shows a full ID (audited), exports and imports;
- Celery task arguments (``apply_async`` is wrapped and every call recorded);
- URLs: every href/action/src of the list and dossier pages of the demo data;
- error pages (404 with an ID in the query string, 500 after posting one);
- roster export: masked for a caseworker, full for a township officer (the dossier decision);
- documents: attachment + nosniff, other township 404, nothing under MEDIA_URL;
  oversized and HTML-disguised-as-PDF uploads refused.
"""

from __future__ import annotations

import io
import logging
import re
from unittest import mock

import pytest
from celery.app.task import Task
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html
from openpyxl import load_workbook

from households.models import Document, ExportJob, Household, Member
from jiuzhu.models import AuditAction, AuditEvent, Role, User
from tests import factories

ID_PATTERN = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def client_for(user, **kwargs) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def member_form(name: str, id_number: str, relation: str = "head") -> dict:
    return {
        "name": name,
        "id_number": id_number,
        "relation_to_head": relation,
        "labour_ability": "full",
        "health": "healthy",
        "employment": "unemployed",
        "monthly_income": "0",
        "phone": "",
        "hukou_place": "",
        "disability_class": "",
        "disability_kind": "",
        "school_stage": "none",
    }


xlsx = factories.import_upload


@pytest.fixture
def officer(make):
    make.policy_row("330400", 2026, "1200.00")
    return make.user(Role.TOWNSHIP_OFFICER, "330402007", username="pd-officer")


@pytest.mark.django_db
def test_no_id_number_in_logs_audit_rows_or_task_arguments_across_a_whole_flow(
    make, officer, caplog, django_capture_on_commit_callbacks
):
    ids = [make.id_number(serial=n) for n in (701, 702, 703, 704)]
    enqueued: list[tuple] = []
    original = Task.apply_async

    def recording(self, args=None, kwargs=None, **options):
        enqueued.append((self.name, args, kwargs))
        return original(self, args=args, kwargs=kwargs, **options)

    client = client_for(officer)
    with caplog.at_level(logging.DEBUG), mock.patch.object(Task, "apply_async", recording):
        response = client.post(
            reverse("households:create"),
            {
                "township": officer.area_id,
                "address": "南湖路1号",
                "phone": "",
                "risk_level": "low",
                "registered_on": "2026-11-29",
                "notes": "",
            },
        )
        assert response.status_code == 302
        household = Household.objects.get(address="南湖路1号")
        assert (
            client.post(reverse("households:member_add", args=[household.pk]), member_form("王一", ids[0])).status_code
            == 302
        )
        api = client.post("/api/members/", {**member_form("王二", ids[1], "child"), "household": household.pk})
        assert api.status_code == 201, api.content
        assert ids[1] not in api.content.decode()  # the API answers with the masked number
        member = Member.objects.get(household=household, name="王一")
        assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200
        shown = client.post(
            reverse("households:member_id_number", args=[household.pk, member.pk]),
            {"asked": "1", "purpose": "identity"},
        )
        assert ids[0] in shown.content.decode()  # the one audited place where it is shown
        with django_capture_on_commit_callbacks(execute=True):
            assert client.post(reverse("households:export")).status_code == 302
        assert client.get(reverse("households:export_download", args=[ExportJob.objects.get().pk])).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            client.post(
                reverse("households:import"),
                {
                    "file": xlsx(
                        [
                            ["H1", "330402007", "解放路2号", "", "李三", ids[2], "户主", "完全", "健康", "0"],
                            ["H1", "330402007", "解放路2号", "", "李四", ids[3], "配偶", "完全", "健康", "0"],
                        ]
                    ),
                    "dry_run": "",
                },
            )
        client.get(reverse("households:list") + f"?q={ids[2]}")  # a search by full ID (GET, as the list form does)
    assert Member.objects.filter(name="李三").exists(), "the import ran (eagerly) and created its members"
    text = caplog.text + " ".join(str(r.args) for r in caplog.records)
    for id_number in ids:
        assert id_number not in text
    for name, args, kwargs in enqueued:
        assert not any(i in f"{args} {kwargs}" for i in ids), name
    assert enqueued, "the import goes through a Celery task"
    for event in AuditEvent.objects.all():
        assert not any(i in f"{event.summary} {event.changes}" for i in ids), event.summary
    viewed = AuditEvent.objects.filter(action=AuditAction.VIEW, actor=officer, household_id=household.pk)
    assert viewed.filter(target_type="households.member").count() == 1  # the full ID number shown
    assert viewed.filter(target_type="households.household").count() == 1  # the dossier opened
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, actor=officer).count() == 1


@pytest.mark.django_db
def test_a_search_by_full_id_never_puts_the_id_in_links_of_the_result_page(make, officer):
    household = make.household("330402007", members=1)
    id_number = household.members.get().id_number
    page = client_for(officer).post(reverse("households:list"), {"q": id_number}, follow=True)
    assert all(id_number not in url for url, _status in page.redirect_chain)
    assert household.dossier_no in page.content.decode()
    links = lxml_html.fromstring(page.content).xpath("//@href | //@action | //@src")
    leaking = [link for link in links if id_number in link]
    assert leaking == [], "pagination/export links carry the searched ID number"


@pytest.mark.django_db
def test_no_id_number_in_any_link_of_the_demo_list_and_dossier_pages(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    settings.DEBUG = False
    officer = User.objects.get(username="demo-township")
    client = client_for(officer)
    pages = [
        reverse(name)
        for name in (
            "households:list",
            "households:application_list",
            "households:review_task_list",
            "households:plan_list",
            "caseworkers:tasks",
            "staffing:caseworkers",
        )
    ]
    pages += [
        reverse("households:detail", args=[pk])
        for pk in Household.objects.in_scope(officer).order_by("pk").values_list("pk", flat=True)[:10]
    ]
    from staffing.models import Caseworker

    known = {m.id_number for m in Member.objects.all()} | {c.id_number for c in Caseworker.objects.all()}
    assert len(known) > 100
    links = []
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        links += lxml_html.fromstring(body).xpath("//@href | //@action | //@src")
        assert not [i for i in known if i in body], f"{url} shows a full ID number"
    assert len(links) > 100
    assert [link for link in links if ID_PATTERN.search(link)] == []


@pytest.mark.django_db
def test_error_pages_do_not_echo_an_id_number(make, officer, caplog):
    household = make.household("330402007", members=1)
    id_number = make.id_number(serial=811)
    client = client_for(officer, raise_request_exception=False)
    not_found = client.get(f"/households/999999/?q={id_number}")
    assert not_found.status_code == 404 and id_number not in not_found.content.decode()
    with (
        caplog.at_level(logging.DEBUG),
        mock.patch("households.dossier.services.member_add", side_effect=RuntimeError("boom")),
    ):
        crashed = client.post(reverse("households:member_add", args=[household.pk]), member_form("赵五", id_number))
    assert crashed.status_code == 500
    assert id_number not in crashed.content.decode()
    assert id_number not in caplog.text
    api_404 = client.get(f"/api/members/?household=999999&search={id_number}")
    assert id_number not in api_404.content.decode()


def roster_ids(client, run_on_commit) -> list[str]:
    """Start an export (run on commit), download its file and read the ID column."""
    with run_on_commit(execute=True):
        job_page = client.post(reverse("households:export"))
    job = ExportJob.objects.get(pk=int(job_page.url.rstrip("/").rsplit("/", 1)[1]))
    response = client.get(reverse("households:export_download", args=[job.pk]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    column = rows[0].index("身份证号码") if "身份证号码" in rows[0] else 8
    return [row[column] for row in rows[1:]]


@pytest.mark.django_db
def test_roster_export_is_masked_for_a_caseworker_and_full_for_the_township_officer(
    make, officer, django_capture_on_commit_callbacks
):
    household = make.household("330402007", members=2)
    full = sorted(m.id_number for m in household.members.all())
    caseworker = make.user(Role.CASEWORKER, "330402007", username="pd-caseworker")
    masked = roster_ids(client_for(caseworker), django_capture_on_commit_callbacks)
    assert len(masked) == 2 and not any(i in masked for i in full) and all("*" in m for m in masked)
    assert sorted(roster_ids(client_for(officer), django_capture_on_commit_callbacks)) == full
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT).count() == 2


def roster_phones(client, run_on_commit) -> list[str]:
    """Start an export (run on commit), download its file and read the phone column."""
    with run_on_commit(execute=True):
        job_page = client.post(reverse("households:export"))
    job = ExportJob.objects.get(pk=int(job_page.url.rstrip("/").rsplit("/", 1)[1]))
    response = client.get(reverse("households:export_download", args=[job.pk]))
    rows = list(
        load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        .worksheets[0]
        .iter_rows(values_only=True)
    )
    return [row[3] for row in rows[1:]]


@pytest.mark.django_db
def test_roster_export_masks_phones_for_a_caseworker_and_shows_them_to_the_township_officer(
    make, officer, django_capture_on_commit_callbacks
):
    make.household("330402007", members=1, phone="13812345678")
    caseworker = make.user(Role.CASEWORKER, "330402007", username="pd-caseworker")
    assert roster_phones(client_for(caseworker), django_capture_on_commit_callbacks) == ["138****5678"]
    assert roster_phones(client_for(officer), django_capture_on_commit_callbacks) == ["13812345678"]


@pytest.mark.django_db
def test_api_masks_household_and_member_phones_for_a_caseworker_and_shows_them_to_the_township_officer(make, officer):
    household = make.household("330402007", members=0, phone="13812345678")
    member = make.member(household, relation_to_head="head", phone="13900001111")
    caseworker = make.user(Role.CASEWORKER, "330402007", username="pd-caseworker")
    for user, household_phone, member_phone in (
        (caseworker, "138****5678", "139****1111"),
        (officer, "13812345678", "13900001111"),
    ):
        client = client_for(user)
        listed = client.get("/api/households/").json()["results"]
        assert [h["phone"] for h in listed] == [household_phone]
        assert client.get(f"/api/households/{household.pk}/").json()["phone"] == household_phone
        assert [m["phone"] for m in client.get("/api/members/").json()["results"]] == [member_phone]
        assert client.get(f"/api/members/{member.pk}/").json()["phone"] == member_phone


@pytest.mark.django_db
def test_a_caseworker_sending_back_the_masked_phone_leaves_the_number_unchanged(make):
    household = make.household("330402007", members=0, phone="13812345678")
    caseworker = make.user(Role.CASEWORKER, "330402007", username="pd-caseworker")
    client = client_for(caseworker)
    read = client.get(f"/api/households/{household.pk}/").json()
    response = client.patch(
        f"/api/households/{household.pk}/",
        {"phone": read["phone"], "notes": "走访", "version": read["version"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    household.refresh_from_db()
    assert household.phone == "13812345678" and household.notes == "走访"


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.django_db
def test_documents_are_served_only_through_the_permission_check(make, officer, settings):
    household = make.household("330402007", members=1)
    client = client_for(officer)
    upload = SimpleUploadedFile("收入证明.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("households:document_upload", args=[household.pk]),
        {"kind": Document._meta.get_field("kind").choices[0][0], "file": upload, "note": ""},
    )
    assert response.status_code == 302
    document = Document.objects.get(household=household)
    url = reverse("households:document", args=[household.pk, document.pk])
    served = client.get(url)
    assert served.status_code == 200
    assert served["Content-Disposition"].startswith("attachment")
    assert served["X-Content-Type-Options"] == "nosniff"
    assert b"".join(served.streaming_content) == PDF
    other = make.user(Role.TOWNSHIP_OFFICER, "330411002", username="pd-other")
    assert client_for(other).get(url).status_code == 404
    assert client_for(other).get(reverse("households:document", args=[999999, document.pk])).status_code == 404
    assert client.get(settings.MEDIA_URL + document.file.name).status_code == 404
    assert client.get("/media/" + document.file.name).status_code == 404
    assert not str(document.file.path).startswith(str(settings.STATIC_ROOT))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name,content,why",
    [
        ("收入证明.pdf", b"<html><script>alert(1)</script></html>", "只能上传"),
        ("照片.jpg", b"%PDF" + b"\x00" * 10, "只能上传"),
        ("大文件.pdf", PDF + b"0" * 2048, "MB"),
    ],
)
def test_uploads_are_checked_by_content_and_size(make, officer, settings, name, content, why):
    settings.JIUZHU_UPLOAD_MAX_BYTES = 1024
    household = make.household("330402007", members=1)
    response = client_for(officer).post(
        reverse("households:document_upload", args=[household.pk]),
        {
            "kind": Document._meta.get_field("kind").choices[0][0],
            "file": SimpleUploadedFile(name, content, content_type="application/pdf"),
            "note": "",
        },
    )
    assert response.status_code == 200
    assert why in response.content.decode()
    assert Document.objects.count() == 0

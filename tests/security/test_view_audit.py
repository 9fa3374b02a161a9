"""Reading personal records is audited: who, when, which household.

- a dossier's opening: once per household per session (one INSERT, on the first opening);
- a document's download, from the page and from the API;
- the caseworker ID number's view, with a translated summary.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from households.dossier import services
from households.models import Document
from jiuzhu.models import AuditAction, AuditEvent, Role

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def views_of(user, household):
    return AuditEvent.objects.filter(action=AuditAction.VIEW, actor=user, household_id=household.pk)


def test_opening_a_dossier_is_audited_once_per_session_with_its_audit_row_and_session_write(make):
    worker = make.user(Role.CASEWORKER, "330402007")
    household, other = make.household(members=1), make.household(members=1)
    client = client_for(worker)
    client.get(reverse("households:detail", args=[other.pk]))  # warm the session
    with CaptureQueriesContext(connection) as first:
        assert client.get(reverse("households:detail", args=[household.pk]), REMOTE_ADDR="10.4.4.4").status_code == 200
    with CaptureQueriesContext(connection) as again:
        assert client.get(reverse("households:detail", args=[household.pk])).status_code == 200

    # the audit row, and the session written once (savepoint, update, release) to remember
    # that this household was seen in this session
    assert len(first) == len(again) + 1 + 3
    event = views_of(worker, household).get()
    assert (event.target_type, event.actor_name, event.ip) == ("households.household", worker.username, "10.4.4.4")
    assert event.at is not None
    client_for(worker).get(reverse("households:detail", args=[household.pk]))  # a new session: audited again
    assert views_of(worker, household).count() == 2


def test_a_dossier_outside_the_scope_is_not_found_and_not_audited(make):
    stranger = make.user(Role.CASEWORKER, "330411002")
    household = make.household(members=1)
    assert client_for(stranger).get(reverse("households:detail", args=[household.pk])).status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


@pytest.fixture
def document(make):
    actor = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    household = make.household(members=1, actor=actor)
    return services.document_upload(
        actor=actor,
        household=household,
        kind=Document._meta.get_field("kind").choices[0][0],
        upload=SimpleUploadedFile("收入证明.pdf", PDF, content_type="application/pdf"),
    )


def test_a_document_download_from_the_page_is_audited(make, document):
    worker = make.user(Role.CASEWORKER, "330402007")
    response = client_for(worker).get(reverse("households:document", args=[document.household_id, document.pk]))
    assert response.status_code == 200
    event = views_of(worker, document.household).get()
    assert (event.target_type, event.target_id) == ("households.document", str(document.pk))


def test_a_document_download_from_the_api_is_audited(make, document):
    worker = make.user(Role.CASEWORKER, "330402007")
    response = client_for(worker).get(f"/api/documents/{document.pk}/download/")
    assert response.status_code == 200
    event = views_of(worker, document.household).get()
    assert (event.target_type, event.target_id) == ("households.document", str(document.pk))


def test_a_document_of_another_township_is_not_served_nor_audited(make, document):
    stranger = make.user(Role.CASEWORKER, "330411002")
    assert client_for(stranger).get(f"/api/documents/{document.pk}/download/").status_code == 404
    assert (
        client_for(stranger).get(reverse("households:document", args=[document.household_id, document.pk])).status_code
        == 404
    )
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_the_caseworker_id_number_view_is_audited_in_the_users_language(make):
    from staffing import services as staffing_services
    from tests.staffing import builders

    caseworker = builders.caseworker()
    before = AuditEvent.objects.filter(action=AuditAction.VIEW).count()
    officer = make.user(Role.TOWNSHIP_OFFICER, "330402007")
    with translation.override("zh-hans"):
        staffing_services.caseworker_reveal_id_number(actor=officer, caseworker=caseworker)
    assert AuditEvent.objects.filter(action=AuditAction.VIEW).count() == before + 1
    summary = AuditEvent.objects.filter(action=AuditAction.VIEW).order_by("-pk").first().summary
    assert summary != "caseworker ID number" and "身份证" in summary


def test_a_document_whose_file_is_missing_answers_a_chinese_404_and_is_not_audited(make, document):
    document.file.storage.delete(document.file.name)
    worker = make.user(Role.CASEWORKER, "330402007")
    client = client_for(worker)
    message = "此文件已不在服务器存储中，请告知系统管理员从备份中恢复。"

    page = client.get(
        reverse("households:document", args=[document.household_id, document.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    api = client.get(f"/api/documents/{document.pk}/download/", HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert page.status_code == 404 and message in page.content.decode()
    assert api.status_code == 404 and api.json() == {"detail": message}
    assert not views_of(worker, document.household).exists()

"""The audit trail speaks the page's language: labels, choices, local time, names; the
dossier shows the last changes and links to the household's paged audit page; the print
leaves the trail out unless asked for it."""

from __future__ import annotations

import datetime

import lxml.html
import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from households.dossier import services
from jiuzhu import audit
from jiuzhu.models import AuditAction, AuditEvent, Role
from tests.clock import TODAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(make):
    return make.user(Role.CASEWORKER, "330402007", first_name="李社工")


def audit_text(html: str) -> str:
    found = lxml.html.fromstring(html).xpath('//section[@id="audit"]')
    return found[0].text_content() if found else ""


def test_a_member_edit_reads_in_chinese_with_labels_choices_local_time_and_the_name(make, login, worker):
    household = make.household(members=1)
    member = household.members.get()
    services.member_update(
        actor=worker,
        member=member,
        expected_version=member.version,
        id_number=make.id_number(male=False, serial=7),
        health="chronic",
    )
    text = audit_text(login(worker).get(reverse("households:detail", args=[household.pk])).content.decode())
    assert "健康状况：健康 → 慢性病" in text and "性别：男 → 女" in text
    assert "2026-11-29 10:0" in text  # the test day, 10:00 in Jiaxing (02:00 UTC)
    assert "李社工" in text and worker.username not in text
    for internal in ("cipher", "digest", "health", "healthy", "id_number", "household_id", "T02:"):
        assert internal not in text


def test_personal_values_stay_masked_and_datetimes_show_in_local_time(make, login, worker):
    household = make.household(members=1)
    member = household.members.get()
    audit.record(
        actor=worker,
        action=AuditAction.UPDATE,
        instance=member,
        changes={
            "id_number_cipher": [audit.MASK, audit.MASK],
            "id_number_digest": [audit.MASK, audit.MASK],
            "id_number_masked": ["330402********0011", "330402********0022"],
            "sex": ["F", "M"],
            "active": [True, False],
        },
    )
    audit.record(
        actor=worker,
        action=AuditAction.UPDATE,
        instance=household,
        changes={"village_id": [None, household.township_id], "updated_at": ["x", "y"]},
        summary="",
    )
    event = AuditEvent.objects.filter(target_type="households.household").latest("id")
    text = audit_text(login(worker).get(reverse("households:detail", args=[household.pk])).content.decode())
    assert "身份证号码：330402********0011 → 330402********0022" in text
    assert "性别：女 → 男" in text and "在户成员：是 → 否" in text
    assert f"村（社区）：— → {household.township.name}" in text or "：— → 建设街道" in text
    assert "updated" not in text and "cipher" not in text
    from django.utils import timezone

    assert timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M") in text
    assert event.at.astimezone(datetime.UTC).strftime("%H:%M") != timezone.localtime(event.at).strftime("%H:%M")


def test_the_dossier_shows_the_last_five_changes_and_links_the_full_trail(make, login, worker):
    household = make.household(members=1)
    for n in range(8):
        audit.record(
            actor=worker, action=AuditAction.UPDATE, instance=household, changes={"notes": [str(n), str(n + 1)]}
        )
    html = login(worker).get(reverse("households:detail", args=[household.pk])).content.decode()
    rows = lxml.html.fromstring(html).xpath('//section[@id="audit"]//tbody/tr')
    assert len(rows) == 5
    assert "备注：7 → 8" in rows[0].text_content()
    assert reverse("households:audit", args=[household.pk]) in html


def test_the_audit_page_pages_every_event_in_fixed_queries(make, login, worker, django_assert_num_queries):
    household = make.household(members=1)
    client = login(worker)
    url = reverse("households:audit", args=[household.pk])
    client.get(url)

    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as context:
            response = client.get(url)
        return response, len(context)

    for n in range(55):  # two pages
        audit.record(actor=worker, action=AuditAction.UPDATE, instance=household, changes={"notes": [str(n), "x"]})
    _small, few = count()
    for n in range(60):
        audit.record(actor=worker, action=AuditAction.UPDATE, instance=household, changes={"notes": [str(n), "y"]})
    response, many = count()
    assert few == many
    assert len(response.context["audit_rows"]) == 50 and response.context["page_obj"].paginator.num_pages == 3
    assert "?page=2" in response.content.decode()


@pytest.mark.parametrize(
    "role,area,status",
    [(Role.CASEWORKER, "330402008", 404), (Role.COUNTY_CIVIL, "330411", 404), (Role.COUNTY_CIVIL, "330402", 200)],
)
def test_the_audit_page_has_the_dossiers_access(make, login, role, area, status):
    household = make.household(members=1)
    assert login(make.user(role, area)).get(reverse("households:audit", args=[household.pk])).status_code == status


def test_the_audit_page_needs_a_login(make, client):
    household = make.household(members=1)
    response = client.get(reverse("households:audit", args=[household.pk]))
    assert response.status_code in (302, 403)


# Print ----------------------------------------------------------------------------------
def test_the_print_leaves_the_audit_trail_out_unless_asked(make, login, worker):
    household = make.household(members=1, registered_on=TODAY)
    client = login(worker)
    url = reverse("households:print", args=[household.pk])
    html = client.get(url).content.decode()
    assert 'id="audit"' not in html
    asked = client.get(url, {"audit": "1"}).content.decode()
    assert 'id="audit"' in asked and "建档日期：2026-11-29" in audit_text(asked)


def test_the_print_has_the_signature_blocks_of_the_township(make, login, worker):
    household = make.household(members=1)
    html = login(worker).get(reverse("households:print", args=[household.pk])).content.decode()
    blocks = lxml.html.fromstring(html).xpath('//section[@id="signatures"]//*[@data-signature]')
    labels = [b.xpath('.//*[@class="signature-label"]')[0].text_content() for b in blocks]
    assert labels == ["社工", "户主或代理人", "乡镇（街道）经办人", "日期"]
    assert all(b.xpath('.//*[@class="signature-line"]') for b in blocks)
    assert "signatures" not in html.split('id="timeline"')[0]  # after the file's sections


def test_the_dossier_page_links_the_print_and_has_no_signature_blocks(make, login, worker):
    household = make.household(members=1)
    html = login(worker).get(reverse("households:detail", args=[household.pk])).content.decode()
    assert reverse("households:print", args=[household.pk]) in html and 'id="signatures"' not in html


def test_the_print_stylesheet_numbers_the_pages():
    css = open(finders.find("css/print.css"), encoding="utf-8").read()
    assert "@page" in css and "counter(page)" in css and "counter(pages)" in css


@pytest.mark.parametrize("role,area", [(Role.CASEWORKER, "330402008"), (Role.COUNTY_FINANCE, "330402")])
def test_the_print_of_another_areas_household_is_404(make, login, role, area):
    household = make.household(members=1)
    assert login(make.user(role, area)).get(reverse("households:print", args=[household.pk])).status_code == 404


def test_printing_is_audited_as_an_opening_of_the_file(make, login, worker):
    household = make.household(members=1)
    login(worker).get(reverse("households:print", args=[household.pk]))
    assert AuditEvent.objects.filter(action=AuditAction.VIEW, household_id=household.pk).count() == 1

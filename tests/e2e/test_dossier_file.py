"""On a phone, a caseworker opens a household's file with a record in every section, reads
its referrals, services and timeline, and opens its print: no audit trail, the signature
blocks a township keeps."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests import factories
from tests.e2e.conftest import log_in
from tests.households.dossier.test_dossier_complete import SECTIONS, full_household


def test_a_full_file_on_a_phone_and_its_print(phone_page, e2e_areas):
    page = phone_page
    household, worker = full_household(factories)
    log_in(page, worker.username)
    page.goto(page.base_url + f"/households/{household.pk}/")

    for key in SECTIONS:
        section = page.locator(f'section[data-section="{key}"]')
        expect(section).to_be_visible()
        expect(section.locator("[data-empty]")).to_have_count(0)
    expect(page.locator("#referrals")).to_contain_text("Job fair")
    expect(page.locator("#services tbody tr")).to_have_count(1)
    for kind in ("referral", "service", "plan", "change_report", "verification", "survey"):
        entry = page.locator(f'#timeline li[data-kind="{kind}"]')
        expect(entry).to_be_visible()
        expect(entry).to_contain_text("王社工")
    expect(page.locator("#audit")).to_contain_text("最近变更")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.click("text=打印档案")
    expect(page).to_have_url(re.compile(rf"/households/{household.pk}/print/$"))
    expect(page.locator("#audit")).to_have_count(0)
    signatures = page.locator("#signatures .signature-label")
    expect(signatures).to_have_text(["社工", "户主或代理人", "乡镇（街道）经办人", "日期"])
    expect(page.locator("#referrals")).to_contain_text("Job fair")
    page.emulate_media(media="print")
    expect(page.locator(".print-bar")).to_be_hidden()
    expect(page.locator(".dossier-print-head")).to_be_visible()
    expect(page.locator("#signatures")).to_be_visible()
    assert page.js_errors == []

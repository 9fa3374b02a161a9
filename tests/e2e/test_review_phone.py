"""On a phone, a caseworker reports a change and finds the household on the review list."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from jiuzhu.models import Role
from tests import factories
from tests.e2e.conftest import log_in


def test_caseworker_reports_a_change_on_a_phone_and_sees_the_review_task(phone_page, e2e_areas):
    caseworker = factories.user(Role.CASEWORKER, "330402007", username="wang", first_name="王丽")
    household = factories.household("330402007", status="active")
    household.caseworkers.add(caseworker)

    log_in(phone_page, "wang")
    phone_page.goto(phone_page.base_url + f"/households/change-reports/new/?household={household.pk}")
    expect(phone_page.locator("#id_dossier_no")).to_have_value(household.dossier_no)
    phone_page.select_option("#id_kind", "job")
    phone_page.fill("#id_source", "户主本人")
    phone_page.fill("#id_description", "户主找到全职工作")
    phone_page.click("text=提交变化报告")

    # Back on the household's file, the report in its section.
    expect(phone_page).to_have_url(re.compile(rf"/households/{household.pk}/$"))
    expect(phone_page.locator("#reviews")).to_contain_text("户主找到全职工作")
    phone_page.goto(phone_page.base_url + "/households/reviews/")
    expect(phone_page.locator("main")).to_contain_text(household.dossier_no)
    expect(phone_page.locator("main")).to_contain_text("报告了家庭变化")
    # Nothing wider than the phone's screen.
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    assert phone_page.js_errors == []

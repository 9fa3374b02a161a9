"""A caseworker makes a plan from an assessment, then records a referral and a service (phone size)."""

from __future__ import annotations

from playwright.sync_api import expect

from caseworkers.models import Referral, ServiceRecord
from households.models import Plan
from jiuzhu.models import Role
from tests import factories
from tests.caseworkers.helpers import assessment, resource
from tests.e2e.conftest import log_in


def test_caseworker_plans_refers_and_records_a_service(phone_page, e2e_areas):
    page = phone_page
    cw = factories.user(Role.CASEWORKER, "330402007", username="wang", first_name="王丽")
    household = factories.household("330402007")
    assessment(household, cw, {"employment": "high"})
    job_fair = resource(cw, name="南湖区招聘会")
    log_in(page, "wang")

    page.goto(page.base_url + "/households/plans/new/")
    page.select_option("select[name=assessment]", index=1)
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text(household.dossier_no)
    expect(page.locator(".plan-status")).to_contain_text("草稿")

    form = page.locator("#action-form")
    form.locator("select[name=goal]").select_option(index=1)
    form.locator("select[name=kind]").select_option("skills")
    form.locator("input[name=description]").fill("推荐参加技能培训")
    form.locator("input[name=due_on]").fill("2026-12-15")
    form.locator("button[type=submit]").click()
    expect(page.locator(".goal")).to_contain_text("推荐参加技能培训")

    page.locator("#plan-form input[name=agreed_on]").fill("2026-11-29")
    page.locator("#plan-form button[type=submit]").click()
    page.click("#activate")
    expect(page.locator(".plan-status")).to_contain_text("生效")

    page.goto(page.base_url + f"/caseworkers/referrals/new/?household={household.pk}&resource={job_fair.pk}")
    page.fill("input[name=follow_up_on]", "2026-12-05")
    page.click("main button[type=submit]")
    expect(page.locator(".facts")).to_contain_text("南湖区招聘会")

    # The household picker: type part of the dossier number, pick the search result.
    page.goto(page.base_url + "/caseworkers/services/new/")
    page.fill("input[name=households]", household.dossier_no[-5:])
    page.click(".picker-option")
    expect(page.locator("input[name=households]")).to_have_value(f"{household.dossier_no}, ")
    page.select_option("select[name=method]", "case")
    page.select_option("select[name=service_area]", "employment")
    page.fill("input[name=minutes]", "45")
    page.fill("textarea[name=content]", "就业意向访谈")
    page.click("main button[type=submit]")
    expect(page.locator(".facts")).to_contain_text("就业意向访谈")

    assert Plan.objects.get().status == "active"
    assert Referral.objects.get().household_id == household.pk
    assert list(ServiceRecord.objects.get().households.all()) == [household]
    assert page.js_errors == []

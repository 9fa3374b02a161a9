"""A caseworker fills a home-visit survey on a phone: a lost page keeps the draft, errors
show next to the member, and the saved survey clears the draft."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from households.models import Survey
from jiuzhu.models import Role
from tests import factories
from tests.e2e.conftest import log_in


def test_caseworker_fills_a_survey_at_phone_size(phone_page, e2e_areas):
    page = phone_page
    worker = factories.user(Role.CASEWORKER, "330402007", username="wang", first_name="王丽")
    colleague = factories.user(Role.CASEWORKER, "330402007", username="li", first_name="李强")
    household = factories.household(members=2)
    first, second = list(household.members.order_by("id"))

    log_in(page, "wang")
    page.goto(f"{page.base_url}/households/{household.pk}/surveys/new/")
    expect(page.locator("h1")).to_contain_text("入户")
    # Everything fits the 390 px screen: no horizontal scrolling.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.get_by_label("李强").check()
    page.locator(f"#member-{first.pk}").get_by_label("已核实").check()
    page.locator("input[name=housing][value=own]").check()
    page.locator("input[name=housing_condition][value=poor]").check()
    page.fill("textarea[name=needs_observed]", "屋顶漏水")

    # The phone loses the page: the draft comes back.
    page.reload()
    expect(page.locator("[data-draft-note]")).to_be_visible()
    expect(page.locator("textarea[name=needs_observed]")).to_have_value("屋顶漏水")
    expect(page.get_by_label("李强")).to_be_checked()

    # The second member was forgotten: the error shows next to that member, nothing saved.
    page.click("form.phone-form button[type=submit]")
    expect(page.locator(f"#member-{second.pk} .error")).to_be_visible()
    assert Survey.objects.count() == 0

    page.locator(f"#member-{second.pk}").get_by_label("有变化").check()
    page.fill(f"input[name=note_{second.pk}]", "已外出务工")
    page.click("form.phone-form button[type=submit]")
    expect(page).to_have_url(re.compile(rf"/households/{household.pk}/\?survey_saved=1"))
    survey = Survey.objects.get(household=household)
    assert survey.member_checks.count() == 2 and survey.needs_observed == "屋顶漏水"
    assert {u.pk for u in survey.present.all()} == {worker.pk, colleague.pk}
    # The saved survey's draft is gone from the phone.
    page.wait_for_function("Object.keys(localStorage).filter(k => k.startsWith('survey-draft')).length === 0")
    assert page.js_errors == []

"""The whole procedure in a browser: caseworker → township officer → county → delivery."""

from __future__ import annotations

import datetime
import re

from django.utils import timezone
from playwright.sync_api import expect

from households.models import Application, Enrolment
from jiuzhu.models import Role
from tests import factories
from tests.e2e.conftest import log_in
from tests.households.procedure.procedure_support import verification


def _iso(d: datetime.date) -> str:
    return d.isoformat()


def _as(browser, live_server, username):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.base_url = live_server.url
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    log_in(page, username)
    return context, page


def test_application_goes_from_draft_to_delivered_decision(browser, live_server, page, e2e_areas):
    today = timezone.localdate()
    factories.policy_row("330402", today.year, "1200.00")
    factories.user(Role.CASEWORKER, "330402007", username="wang", first_name="王丽")
    officer = factories.user(Role.TOWNSHIP_OFFICER, "330402007", username="li", first_name="李明")
    factories.user(Role.COUNTY_CIVIL, "330402", username="zhang", first_name="张华")
    household = factories.household(members=2)
    verification(household, per_capita="500.00", members=2, by=officer, on=today - datetime.timedelta(days=15))

    # Caseworker: draft with the household, then submit.
    log_in(page, "wang")
    page.goto(page.base_url + "/households/applications/")
    page.click("text=新建申请")
    page.fill("#id_household", household.dossier_no)
    page.select_option("#id_category", "dibao")
    page.fill("#id_note", "因病致贫")
    page.click("button:has-text('保存草稿')")
    expect(page.locator(".messages")).to_contain_text("申请草稿已保存")
    page.fill("#id_submit-received_on", _iso(today - datetime.timedelta(days=20)))
    page.click("#step-submit button[type=submit]")
    expect(page.locator("main")).to_contain_text("已受理")
    expect(page.locator(".deadline")).to_contain_text("乡镇调查核实")
    app_url = page.url
    assert page.js_errors == []

    # Township officer: investigation, public notice, close and forward.
    ctx, officer_page = _as(browser, live_server, "li")
    officer_page.goto(app_url)
    officer_page.fill("#id_start-investigation-on", _iso(today - datetime.timedelta(days=19)))
    officer_page.click("#step-start-investigation button[type=submit]")
    officer_page.fill("#id_record-investigation-survey_visited_on", _iso(today - datetime.timedelta(days=18)))
    officer_page.fill("#id_record-investigation-authorisation_signed_on", _iso(today - datetime.timedelta(days=18)))
    officer_page.fill("#id_record-investigation-verification_requested_on", _iso(today - datetime.timedelta(days=18)))
    officer_page.select_option("#id_record-investigation-verification", index=1)
    officer_page.fill("#id_record-investigation-verification_received_on", _iso(today - datetime.timedelta(days=15)))
    officer_page.click("#step-record-investigation button[type=submit]")
    expect(officer_page.locator("#step-start-notice")).to_be_visible()
    # A notice of six days is refused next to the field, in Chinese.
    officer_page.fill("#id_start-notice-notice_start", _iso(today - datetime.timedelta(days=10)))
    officer_page.fill("#id_start-notice-notice_end", _iso(today - datetime.timedelta(days=5)))
    officer_page.click("#step-start-notice button[type=submit]")
    expect(officer_page.locator("#step-start-notice .error")).to_contain_text("公示期不得少于7天")
    officer_page.fill("#id_start-notice-notice_end", _iso(today - datetime.timedelta(days=4)))
    officer_page.fill("#id_start-notice-notice_place", "社区公告栏")
    officer_page.click("#step-start-notice button[type=submit]")
    expect(officer_page.locator("main")).to_contain_text("民主评议与公示")
    officer_page.fill("#id_close-notice-closed_on", _iso(today))
    officer_page.click("#step-close-notice button[type=submit]")
    expect(officer_page.locator("main")).to_contain_text("待县级审批")
    assert officer_page.js_errors == []
    ctx.close()

    # County: sees it due, approves; the amount comes from the rules.
    ctx, county_page = _as(browser, live_server, "zhang")
    county_page.goto(county_page.base_url + "/households/applications/due/")
    county_page.click(f"text={household.dossier_no}")
    county_page.check("input[name=decide-decision][value=approve]")
    county_page.click("#step-decide button[type=submit]")
    expect(county_page.locator("main")).to_contain_text("已批准")
    expect(county_page.locator(".amount")).to_have_text("1400.00")  # (1200 − 500) × 2
    county_page.click("text=打印批准通知书")
    expect(county_page.locator("h1")).to_contain_text("社会救助批准通知书")
    assert county_page.js_errors == []
    ctx.close()

    # Caseworker: records that the notice was delivered.
    page.goto(app_url)
    page.fill("#id_deliver-delivered_on", _iso(today))
    page.fill("#id_deliver-note", "当面送达")
    page.click("#step-deliver button[type=submit]")
    expect(page.locator("main")).to_contain_text("当面送达")
    expect(page).to_have_url(re.compile(r"/households/applications/\d+/$"))

    app = Application.objects.get()
    assert app.status == "approved" and app.delivered_on == today
    assert Enrolment.objects.get().monthly_amount == app.monthly_amount
    assert [e.action for e in app.events.all()] == [
        "create",
        "submit",
        "start_investigation",
        "record_investigation",
        "start_notice",
        "close_notice",
        "decide",
        "deliver",
    ]

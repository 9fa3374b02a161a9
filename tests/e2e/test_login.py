from __future__ import annotations

import re

from playwright.sync_api import expect

from jiuzhu.models import Role
from tests import factories
from tests.e2e.conftest import log_in


def test_caseworker_logs_in_sees_home_and_logs_out(page, e2e_areas):
    factories.user(Role.CASEWORKER, "330402007", username="wang", first_name="王丽")

    log_in(page, "wang")

    expect(page.locator("h1")).to_contain_text("王丽")
    expect(page.locator(".who-role")).to_contain_text("建设街道")
    page.click("text=退出登录")
    expect(page).to_have_url(re.compile(r"/login/"))
    page.goto(page.base_url + "/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/"))
    assert page.js_errors == []


def test_wrong_password_is_refused_with_a_chinese_message(page, e2e_areas):
    factories.user(Role.CASEWORKER, "330402007", username="wang")

    log_in(page, "wang", "wrong-password-1")

    expect(page.locator(".errorbox")).to_contain_text("用户名或密码错误")
    expect(page).to_have_url(re.compile(r"/login/"))

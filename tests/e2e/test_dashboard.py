from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.cache import cache
from playwright.sync_api import expect

from households.models import Category, Enrolment, HouseholdStatus
from jiuzhu.models import Role
from tests import factories
from tests.e2e.conftest import log_in


def test_city_user_drills_from_city_to_county_to_township_and_charts_draw(page, e2e_areas):
    cache.clear()  # the city view is cached; this database is new
    factories.user(Role.CITY_CIVIL, "330400", username="city", first_name="李敏")
    for township, members in (("330402007", 3), ("330402008", 2), ("330411002", 1)):
        h = factories.household(
            township,
            members=0,
            status=HouseholdStatus.ACTIVE,
            completeness=80,
            next_review_on=datetime.date(2026, 1, 1),
        )
        type(h).objects.filter(pk=h.pk).update(member_count=members)
        Enrolment.objects.create(
            household=h, category=Category.DIBAO, start_on=datetime.date(2026, 3, 1), monthly_amount=Decimal("1000.00")
        )

    log_in(page, "city")
    page.goto(page.base_url + "/dashboards/")
    expect(page.locator("h1")).to_contain_text("嘉兴市")
    expect(page.locator("canvas[data-drawn='1']").first).to_be_attached()
    assert page.locator("canvas[data-drawn='1']").count() == page.locator("canvas[data-chart]").count() >= 6

    page.locator("#panel-households tbody th a", has_text="南湖区").click()
    expect(page.locator("h1")).to_contain_text("南湖区")
    expect(page.locator("#panel-households tbody")).to_contain_text("建设街道")
    expect(page.locator("#panel-households tbody")).not_to_contain_text("新城街道")

    page.locator("#panel-households tbody th a", has_text="建设街道").click()
    expect(page.locator("h1")).to_contain_text("建设街道")
    total = page.locator("#panel-households tr.dash-total")
    expect(total).to_contain_text("合计")
    expect(page.locator("canvas[data-drawn='1']").first).to_be_attached()
    # The chart really painted: some pixel of the first canvas is not transparent.
    painted = page.evaluate("""() => {
        const c = document.querySelector("canvas[data-drawn='1']");
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) { if (d[i] !== 0) return true; }
        return false;
    }""")
    assert painted
    expect(page.locator(".crumbs")).to_contain_text("南湖区")
    assert page.js_errors == []

"""A county finance user downloads the transfer-payment sheet from the funding page."""

from __future__ import annotations

from datetime import date

import openpyxl
from playwright.sync_api import expect

from jiuzhu.models import Role
from tests import factories
from tests.e2e.conftest import log_in
from tests.staffing import builders


def test_county_finance_downloads_the_transfer_sheet(page, e2e_areas, tmp_path):
    builders.caseworker("330402007", hire=date(2024, 1, 1), name="王丽")
    builders.transfer("330402007", 2025, "45000.00")
    factories.user(Role.COUNTY_FINANCE, "330402", username="liufang", first_name="刘芳")

    log_in(page, "liufang")
    page.goto(page.base_url + "/staffing/funding/?year=2025")
    expect(page.locator("h1")).to_contain_text("转移支付核对")
    expect(page.locator(".shortfall")).to_have_text("5,000.00")  # thousands separators
    with page.expect_download() as info:
        page.click("#download-sheet")
    download = info.value
    assert download.suggested_filename == "transfers-330402-2025.xlsx"
    target = tmp_path / download.suggested_filename
    download.save_as(target)

    book = openpyxl.load_workbook(target, data_only=True)
    assert book.sheetnames == ["南湖区2025"]
    sheet = book["南湖区2025"]
    assert (sheet["C3"].value, sheet["D3"].value) == ("建设街道", "王丽(365天)")
    assert (sheet["F3"].value, sheet["H3"].value) == (1.0, 50000.0)
    assert sheet["J3"].value == 5000.0
    assert "折合人年＝在岗天数÷365（闰年366，按日计算）" in sheet["A15"].value
    assert sheet["J14"].value == 5000.0  # the totals row (11 townships)
    assert page.js_errors == []

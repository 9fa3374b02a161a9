"""The whole dashboard view as one workbook a bureau can print and sign: a sheet per panel
the page shows, in its order, with Chinese names, units in the headings, the page's own
figures, A4 landscape fitted to the width, the heading row repeated and page numbers."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from jiuzhu.models import Area, AuditAction, AuditEvent, Role
from tests import factories
from tests.dashboards.conftest import NANHU, T1, T3

pytestmark = pytest.mark.django_db


@pytest.fixture
def city_user(db):
    return factories.user(Role.CITY_CIVIL, "330400", username="city-book")


def _book(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def test_the_whole_view_is_one_sheet_per_panel_in_the_pages_order(town, city_user, login):
    client = login(city_user)
    url = f"/dashboards/?area={Area.objects.get(code=NANHU).pk}"
    page = client.get(url)
    titles = [str(item.title) for item in page.context["panels"]]
    book = _book(client.get(url + "&export=all"))
    assert len(book.sheetnames) == len(titles) and len(titles) > 5
    assert [book[name]["A1"].value for name in book.sheetnames] == titles
    assert all(name == title[:31] or name.startswith(title[:25]) for name, title in zip(book.sheetnames, titles))
    event = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert event.target_type == "dashboards.view" and event.area_code == NANHU


def test_every_sheet_is_set_up_to_print_and_carries_units(town, city_user, login):
    book = _book(login(city_user).get(f"/dashboards/?area={Area.objects.get(code=NANHU).pk}&export=all"))
    for ws in book.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == int(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.print_title_rows.replace("$", "") == "4:4" and "&P" in ws.oddFooter.center.text
        assert ws.row_dimensions[4].height and all(ws.column_dimensions[c].width >= 8 for c in "AB")
    money = [
        (ws, col)
        for ws in book.worksheets
        for col, cell in enumerate(ws[4], start=1)
        if cell.value and "（元）" in str(cell.value)
    ]
    assert money, "no heading says its money is in yuan"
    ws, col = money[0]
    figures = [row[col - 1] for row in ws.iter_rows(min_row=5) if row[col - 1].value is not None]
    assert figures and all(cell.number_format == "#,##0.00" for cell in figures)


def test_the_workbook_holds_the_pages_figures(town, city_user, login):
    client = login(city_user)
    url = f"/dashboards/?area={Area.objects.get(code=NANHU).pk}"
    page = client.get(url)
    shown = next(item for item in page.context["panels"] if item.key == "assistance")
    book = _book(client.get(url + "&export=all"))
    ws = next(book[n] for n in book.sheetnames if book[n]["A1"].value == str(shown.title))
    body = {row[0]: list(row[1:]) for row in ws.iter_rows(min_row=5, values_only=True) if row[0]}

    def plain(value):
        return None if value is None else float(value)

    for row in shown.data.rows:
        assert [plain(v) for v in body[row.label]] == [plain(c.value) for c in row.cells]


def test_another_areas_user_gets_no_workbook_of_this_area(town, login):
    officer = factories.user(Role.TOWNSHIP_OFFICER, T3, username="t3-book")
    response = login(officer).get(f"/dashboards/?area={Area.objects.get(code=T1).pk}&export=all")
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()

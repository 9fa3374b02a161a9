"""Transfer-payment workbooks: load the figures (selectors), lay them out (sheets), save with cached values.

The city workbook (summary + one sheet per county, 72 townships in all) is built
synchronously: it is a few hundred cells and takes well under a second, so it needs
no background task or progress bar.
"""

from __future__ import annotations

from datetime import date

from openpyxl import Workbook

from jiuzhu.models import Area
from staffing import selectors
from staffing.sheets import workbook_bytes, write_summary_sheet, write_transfer_sheet

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _unit(area: Area) -> str:
    return f"{area.name}财政局"


def transfer_workbook(*, counties: list[Area], year: int, generated_on: date, city: Area | None = None) -> bytes:
    """One sheet per county; with ``city`` a summary sheet first (the city finance workbook)."""
    figures = selectors.funding(counties=counties, year=year)
    workbook = Workbook()
    workbook.remove(workbook.active)
    if city is not None:
        write_summary_sheet(
            workbook=workbook,
            city_name=city.name,
            year=year,
            rows=[f.summary_line() for f in figures],
            unit=_unit(city),
            generated_on=generated_on,
        )
    for county_figures in figures:
        write_transfer_sheet(
            workbook=workbook,
            county_name=county_figures.county.name,
            year=year,
            lines=county_figures.sheet_lines(),
            floor=county_figures.floor,
            unit=_unit(county_figures.county),
            generated_on=generated_on,
        )
    return workbook_bytes(workbook)


def filename(*, area: Area, year: int) -> str:
    return f"transfers-{area.code}-{year}.xlsx"


def city_of(counties: list[Area]) -> Area | None:
    return Area.objects.filter(pk=counties[0].city_id).first() if counties else None

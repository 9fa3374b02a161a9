"""Load or update the area tree (city → county-level units → townships → villages) from rows.

Used by ``manage.py load_areas`` (CSV or XLSX) and by the demo data. All or nothing:
one bad row and nothing is written; every bad row is reported with its number. A row
may also name one village or community of its township (``village_code``, 12 digits
beginning with the township code, and ``village_name``): a township then has one row
per village, repeating the township's columns.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from jiuzhu.errors import RuleViolation
from jiuzhu.models import Area, AreaLevel

SHIPPED_TOWNSHIPS = Path(__file__).resolve().parent / "data" / "jiaxing-townships.csv"
CITY = ("330400", "嘉兴市", "市")
COUNTY_KINDS = {"区": "区", "县": "县", "市": "市"}
# The two county-level functional zones the seed addresses. They have no GB/T 2260
# code of their own: these are local codes, editable in the admin.
FUNCTIONAL_ZONES = {
    "嘉兴经济技术开发区": ("330471", "嘉兴经济技术开发区"),
    "嘉兴经济开发区": ("330471", "嘉兴经济技术开发区"),
    "嘉兴港区": ("330472", "嘉兴港区"),
}
COLUMNS = ("township_code", "township_name", "kind", "county_code", "county_name", "functional_zone")
VILLAGE_COLUMNS = ("village_code", "village_name")
VILLAGE_KINDS = ("社区", "村")


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)


def read_rows(path: Path) -> Iterator[dict]:
    if path.suffix.lower() == ".xlsx":
        from openpyxl import load_workbook

        workbook = load_workbook(path, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [str(c or "").strip() for c in next(rows)]
        for values in rows:
            yield {h: ("" if v is None else str(v).strip()) for h, v in zip(header, values)}
        workbook.close()
    else:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                yield {k: (v or "").strip() for k, v in row.items()}


def _validate(rows: Iterable[dict]) -> tuple[list[dict], list[str]]:
    good, errors = [], []
    townships: dict[str, tuple[str, str, str]] = {}  # code -> (name, county code, zone) of its first row
    bare_townships: set[str] = set()
    villages = set()
    for number, row in enumerate(rows, start=2):
        missing = [c for c in COLUMNS[:5] if not row.get(c)]
        if missing:
            errors.append(_("Row %(row)s: missing %(cols)s.") % {"row": number, "cols": ", ".join(missing)})
            continue
        code, county = row["township_code"], row["county_code"]
        village, village_name = row.get("village_code", ""), row.get("village_name", "")
        same = (row["township_name"], county, row.get("functional_zone", ""))
        if not re.fullmatch(r"\d{9}", code):
            errors.append(_("Row %(row)s: township code %(code)s must have 9 digits.") % {"row": number, "code": code})
        elif not re.fullmatch(r"\d{6}", county):
            errors.append(_("Row %(row)s: county code %(code)s must have 6 digits.") % {"row": number, "code": county})
        elif not code.startswith(county):
            errors.append(
                _("Row %(row)s: township code %(code)s does not begin with its county code %(county)s.")
                % {"row": number, "code": code, "county": county}
            )
        elif not village and code in bare_townships:
            errors.append(_("Row %(row)s: township code %(code)s appears twice.") % {"row": number, "code": code})
        elif code in townships and townships[code] != same:
            errors.append(
                _("Row %(row)s: township %(code)s has another name, county or zone than on an earlier row.")
                % {"row": number, "code": code}
            )
        elif row.get("functional_zone") and row["functional_zone"] not in FUNCTIONAL_ZONES:
            errors.append(
                _("Row %(row)s: unknown functional zone %(zone)s.") % {"row": number, "zone": row["functional_zone"]}
            )
        elif bool(village) != bool(village_name):
            errors.append(_("Row %(row)s: a village needs both its code and its name.") % {"row": number})
        elif village and not re.fullmatch(r"\d{12}", village):
            errors.append(
                _("Row %(row)s: village code %(code)s must have 12 digits.") % {"row": number, "code": village}
            )
        elif village and not village.startswith(code):
            errors.append(
                _("Row %(row)s: village code %(code)s does not begin with its township code %(township)s.")
                % {"row": number, "code": village, "township": code}
            )
        elif village in villages:
            errors.append(_("Row %(row)s: village code %(code)s appears twice.") % {"row": number, "code": village})
        else:
            townships.setdefault(code, same)
            if village:
                villages.add(village)
            else:
                bare_townships.add(code)
            good.append(row)
    return good, errors


def _upsert(code: str, defaults: dict, result: LoadResult) -> Area:
    area = Area.objects.filter(code=code).first()
    if area is None:
        area = Area(code=code, **defaults)
        area.fill_ancestors()
        area.save()
        result.created += 1
        return area
    changed = False
    for key, value in defaults.items():
        if getattr(area, key) != value:
            setattr(area, key, value)
            changed = True
    before = (area.city_id, area.county_id, area.township_id)
    area.fill_ancestors()
    if changed or before != (area.city_id, area.county_id, area.township_id):
        area.save()
        result.updated += 1
    else:
        result.unchanged += 1
    return area


@transaction.atomic
def load_townships(rows: Iterable[dict]) -> LoadResult:
    """Create or update the city, its county-level units, townships and villages from rows."""
    good, errors = _validate(rows)
    if errors:
        raise RuleViolation(errors)
    result = LoadResult()
    city = _upsert(CITY[0], {"name": CITY[1], "kind": CITY[2], "level": AreaLevel.CITY, "parent": None}, result)
    counties: dict[str, Area] = {}
    for row in good:
        code = row["county_code"]
        if code not in counties:
            kind = row["county_name"][-1:] if row["county_name"][-1:] in COUNTY_KINDS else ""
            counties[code] = _upsert(
                code, {"name": row["county_name"], "kind": kind, "level": AreaLevel.COUNTY, "parent": city}, result
            )
    zones: dict[str, Area] = {}
    for zone_code, zone_name in set(FUNCTIONAL_ZONES.values()):
        zones[zone_code] = _upsert(
            zone_code,
            {
                "name": zone_name,
                "kind": "功能区",
                "level": AreaLevel.COUNTY,
                "parent": city,
                "is_functional_zone": True,
            },
            result,
        )
    townships: dict[str, Area] = {}
    for row in good:
        if row["township_code"] in townships:
            continue
        zone = FUNCTIONAL_ZONES.get(row.get("functional_zone") or "")
        runner = zones[zone[0]] if zone else counties[row["county_code"]]
        townships[row["township_code"]] = _upsert(
            row["township_code"],
            {
                "name": row["township_name"],
                "kind": row.get("kind", ""),
                "level": AreaLevel.TOWNSHIP,
                "parent": counties[row["county_code"]],
                "county": runner,
            },
            result,
        )
    for row in good:
        if row.get("village_code"):
            name = row["village_name"]
            kind = next((k for k in VILLAGE_KINDS if name.endswith(k)), "")
            _upsert(
                row["village_code"],
                {"name": name, "kind": kind, "level": AreaLevel.VILLAGE, "parent": townships[row["township_code"]]},
                result,
            )
    return result

"""Write the transfer-payment workbook of one county, or of the whole city (--all)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiuzhu import audit
from jiuzhu.models import Area, AreaLevel, AuditAction
from staffing import exports


class Command(BaseCommand):
    help = "Export the county transfer-payment sheet (or, with --all, the city workbook) as XLSX."

    def add_arguments(self, parser):
        parser.add_argument("--county", help="County-level unit code, e.g. 330402")
        parser.add_argument("--all", action="store_true", help="Every county, with a city summary sheet")
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("-o", "--output", required=True, help="Where to write the .xlsx file")

    def handle(self, *args, county: str | None, all: bool, year: int, output: str, **options):
        if bool(county) == bool(all):
            raise CommandError("Give either --county CODE or --all.")
        if not 2018 <= year <= 2100:
            raise CommandError("The year must be between 2018 and 2100.")
        city = None
        if all:
            counties = list(Area.objects.counties().filter(active=True).order_by("code"))
            city = Area.objects.filter(level=AreaLevel.CITY).first()
        else:
            counties = list(Area.objects.counties().filter(code=county))
            if not counties:
                raise CommandError(f"No county-level unit with code {county}.")
        data = exports.transfer_workbook(counties=counties, year=year, generated_on=timezone.localdate(), city=city)
        Path(output).write_bytes(data)
        area = city if all else counties[0]
        audit.record(
            actor=None,
            action=AuditAction.EXPORT,
            area_code=area.code if area else "",
            target_type="staffing.transferpayment",
            summary=f"transfer sheet {area.code if area else ''} {year} (manage.py export_transfers)",
        )
        self.stdout.write(f"Wrote {output} ({len(counties)} county sheet(s), {len(data)} bytes)")

"""python manage.py refresh_completeness [--area CODE] [--chunk N]

Recompute every dossier's completeness and missing items (``Household.completeness`` and
``Household.missing_items``): after upgrading to the release that added missing items, or
after a change to the completeness rule. A fixed number of queries per chunk of households.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError

from households.dossier import services
from households.models import Household
from jiuzhu.models import Area, AreaLevel

FIELD_BY_LEVEL = {
    AreaLevel.CITY: "county__city_id",
    AreaLevel.COUNTY: "county_id",
    AreaLevel.TOWNSHIP: "township_id",
    AreaLevel.VILLAGE: "village_id",
}


class Command(BaseCommand):
    help = "Recompute the completeness and missing items of every household (or of one area's)."

    def add_arguments(self, parser):
        parser.add_argument("--area", help="an area code (city, county, township or village): only its households")
        parser.add_argument("--chunk", type=int, default=1000, help="households per query batch and transaction")

    def handle(self, *args, area: str | None, chunk: int, **options):
        households = Household.objects.all()
        if area:
            found = Area.objects.filter(code=area).first()
            if found is None:
                raise CommandError(f"No area with code {area}.")
            households = households.filter(**{FIELD_BY_LEVEL[found.level]: found.pk})
        total = households.count()
        started = time.perf_counter()

        def progress(done: int) -> None:
            elapsed = time.perf_counter() - started
            self.stdout.write(f"  {done:>9,} / {total:,} households  ({done / elapsed if elapsed else 0:,.0f}/s)")
            self.stdout.flush()

        done = services.completeness_refresh_all(households, chunk=max(chunk, 1), progress=progress)
        self.stdout.write(
            self.style.SUCCESS(f"refresh_completeness: {done:,} households in {time.perf_counter() - started:.1f} s")
        )

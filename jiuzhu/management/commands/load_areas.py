from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.areas import SHIPPED_TOWNSHIPS, load_townships, read_rows
from jiuzhu.errors import RuleViolation


class Command(BaseCommand):
    help = "Load or update the city, county-level units, townships and villages from a CSV or XLSX sheet."

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(SHIPPED_TOWNSHIPS),
            help="Columns: township_code, township_name, kind, county_code, county_name, functional_zone; "
            "optionally village_code (12 digits, beginning with the township code) and "
            "village_name, one row per village",
        )

    def handle(self, *args, file: str, **options):
        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {path}")
        try:
            result = load_townships(list(read_rows(path)))
        except RuleViolation as error:
            raise CommandError("\n".join(error.messages())) from error
        self.stdout.write(f"areas: {result.created} created, {result.updated} updated, {result.unchanged} unchanged")

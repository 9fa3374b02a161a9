from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.consistency import report


class Command(BaseCommand):
    help = "Count rows per table and orphaned references; exit non-zero if any orphan is found."

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options):
        result = report()
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
        else:
            for table, count in result["counts"].items():
                self.stdout.write(f"{table:<55} {count:>10}")
            for ref, count in result["orphans"].items():
                self.stdout.write(self.style.ERROR(f"orphans {ref}: {count}"))
        if result["orphans"]:
            raise CommandError(f"{len(result['orphans'])} references point to missing rows.")

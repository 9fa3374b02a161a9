from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from jiuzhu.consistency import SAMPLE, problems, report


class Command(BaseCommand):
    help = (
        "Count rows per table and orphaned references, decrypt a sample of ID numbers, open a sample of "
        "documents; exit non-zero saying what is wrong."
    )

    def add_arguments(self, parser):
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")
        parser.add_argument("--sample", type=int, default=SAMPLE, help="rows sampled per check (default %(default)s)")

    def handle(self, *args, **options):
        result = report(sample=options["sample"])
        if options["json"]:
            self.stdout.write(json.dumps(result, ensure_ascii=False, sort_keys=True))
        else:
            for table, count in result["counts"].items():
                self.stdout.write(f"{table:<55} {count:>10}")
            for ref, count in result["orphans"].items():
                self.stdout.write(self.style.ERROR(f"orphans {ref}: {count}"))
        found = problems(result)
        if found:
            for line in found:
                self.stderr.write(line)
            raise CommandError("; ".join(found))

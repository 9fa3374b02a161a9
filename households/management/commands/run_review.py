"""``manage.py run_review [--date YYYY-MM-DD]``: run the nightly dynamic review now."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from households.review import nightly as review_pass


class Command(BaseCommand):
    help = "Run the dynamic review pass (due reviews, exit and inclusion candidates, expired verifications)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="Run date, YYYY-MM-DD (default: today).")

    def handle(self, *args, **options) -> None:
        try:
            run_on = date.fromisoformat(options["date"]) if options.get("date") else None
        except ValueError as error:
            raise CommandError(f"--date must be YYYY-MM-DD: {error}") from error
        run = review_pass.run_review(run_on=run_on)
        counts = ", ".join(f"{name} {count}" for name, count in run.counts.items())
        self.stdout.write(f"Review run {run.pk} for {run.run_on}: {run.status}; {counts}")

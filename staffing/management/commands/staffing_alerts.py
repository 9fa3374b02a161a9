"""Rerun the nightly staffing alerts by hand (for a day, default today)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from staffing.services import staffing_alerts_run


class Command(BaseCommand):
    help = "Record the staffing alerts of a day (default today), as the nightly task does; safe to repeat."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="The day checked, YYYY-MM-DD (default: today)")

    def handle(self, *args, date: str | None = None, **options):
        try:
            day = _parse(date) if date else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"--date: {error}") from error
        run = staffing_alerts_run(today=day)
        self.stdout.write(f"Staffing alerts for {day.isoformat()}: {run.created} new.")


def _parse(text: str) -> date:
    return date.fromisoformat(text)

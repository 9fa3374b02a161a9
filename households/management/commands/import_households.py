"""python manage.py import_households FILE.xlsx [--dry-run] [--user USERNAME]"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from households.roster import imports
from jiuzhu.models import User


class Command(BaseCommand):
    help = "Import the registered-household list from an XLSX file (one row per member). All or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
        parser.add_argument("--user", help="the user the import is recorded as (default: the first administrator)")

    def handle(self, *args, file: str, dry_run: bool, user: str | None, **options):
        actor = (
            User.objects.filter(username=user).first()
            if user
            else User.objects.filter(is_superuser=True).order_by("pk").first()
        )
        if actor is None:
            raise CommandError("No such user." if user else "No administrator: pass --user.")
        try:
            rows = imports.read_rows(file)
        except (OSError, ValueError) as error:
            raise CommandError(str(error)) from error

        def progress(done: int, total: int) -> None:
            self.stdout.write(f"checked {done}/{total} rows")

        plan = imports.validate(rows, user=actor, progress=progress)
        for number, reason in plan.errors:
            self.stdout.write(f"row {number}: {reason}")
        if plan.errors:
            raise CommandError(f"{len(plan.errors)} bad rows; nothing imported.")
        self.stdout.write(
            f"{plan.new_households} new households, {plan.new_members} new members, "
            f"{plan.skipped_members} already imported"
        )
        if dry_run:
            self.stdout.write("dry run: nothing written")
            return
        households, members = imports.apply(plan, actor=actor)
        self.stdout.write(self.style.SUCCESS(f"imported {households} households and {members} members"))

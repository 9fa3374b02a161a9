"""python manage.py purge_audit --before YYYY-MM-DD --operator NAME [--execute]

The one deletion the audit trail allows: events older than the retention period
(JIUZHU_AUDIT_KEEP_YEARS), run by the database owner (PostgreSQL lets only the table's owner
lift its trigger). One transaction: lift the trigger, delete, put it back, record the
deletion as an audit event. Without --execute it only counts."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from jiuzhu import audit_lock
from jiuzhu.models import AuditAction, AuditEvent


class Command(BaseCommand):
    help = "Delete audit events older than the retention period (dry run unless --execute)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--before",
            required=True,
            type=datetime.date.fromisoformat,
            help="delete events recorded before this day (YYYY-MM-DD)",
        )
        parser.add_argument("--operator", required=True, help="who runs the deletion (recorded in the trail)")
        parser.add_argument("--execute", action="store_true", help="delete (default: count only)")

    def handle(self, *args, before: datetime.date, operator: str, execute: bool, **options):
        today = timezone.localdate()
        years = settings.JIUZHU_AUDIT_KEEP_YEARS
        try:
            limit = today.replace(year=today.year - years)
        except ValueError:  # 29 February
            limit = today.replace(year=today.year - years, day=28)
        if before > limit:
            raise CommandError(
                f"{before} is within the retention period: events are kept {years} years, "
                f"so only those before {limit} may be deleted."
            )
        cutoff = timezone.make_aware(datetime.datetime.combine(before, datetime.time.min))
        old = AuditEvent.objects.filter(at__lt=cutoff)
        if not execute:
            self.stdout.write(f"{old.count()} audit events before {before} would be deleted (run with --execute).")
            return
        with transaction.atomic():
            with audit_lock.lifted(connection):
                deleted, _by_model = old.delete()
            AuditEvent.objects.create(
                actor=None,
                actor_name=operator[:150],
                action=AuditAction.DELETE,
                target_type="jiuzhu.auditevent",
                summary=f"retention: {deleted} audit events before {before} deleted "
                f"(kept {years} years; database user {connection.settings_dict.get('USER') or '-'})"[:300],
            )
        self.stdout.write(self.style.SUCCESS(f"{deleted} audit events before {before} deleted."))

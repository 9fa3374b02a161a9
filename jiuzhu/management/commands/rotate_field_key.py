"""python manage.py rotate_field_key --operator NAME [--batch N]

Re-encrypts every stored ID number under the current field key (JIUZHU_FIELD_KEY), from
whichever of JIUZHU_FIELD_OLD_KEYS wrote it. The plaintext, the blind index and the masked
form do not change, so neither do the rows' versions. Each row is updated only if its token
is still the one read (a concurrent edit wins), a batch per transaction, progress printed
per batch. Run it again after a failure: tokens already under the current key are skipped.
Once it reports nothing left, the old keys can be removed from the environment."""

from __future__ import annotations

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from jiuzhu import audit, crypto
from jiuzhu.models import AuditAction


class Command(BaseCommand):
    help = "Re-encrypt stored ID numbers under the current field key."

    def add_arguments(self, parser):
        parser.add_argument("--operator", required=True, help="who runs the rotation (recorded in the trail)")
        parser.add_argument("--batch", type=int, default=2000, help="rows per transaction (default 2000)")

    def handle(self, *args, operator: str, batch: int, **options):
        if batch < 1:
            raise CommandError("--batch must be at least 1.")
        totals = {}
        for model in apps.get_models():
            if issubclass(model, crypto.EncryptedIdNumberMixin):
                totals[model._meta.db_table] = self._rotate(model, batch)
        summary = ", ".join(f"{table}: {done}" for table, done in totals.items())
        audit.record(
            actor=None,
            action=AuditAction.UPDATE,
            target_type="jiuzhu.field_key",
            summary=f"field key rotation by {operator}: re-encrypted {summary}",
        )
        self.stdout.write(self.style.SUCCESS(f"Re-encrypted under the current key: {summary}."))

    def _rotate(self, model, batch: int) -> int:
        rows = model._base_manager.order_by("pk")
        total = rows.count()
        done = seen = 0
        last_pk = None
        while True:
            chunk = rows.filter(pk__gt=last_pk) if last_pk is not None else rows
            page = list(chunk.values_list("pk", "id_number_cipher")[:batch])
            if not page:
                break
            with transaction.atomic():
                for pk, token in page:
                    if crypto.is_current(token):
                        continue
                    updated = model._base_manager.filter(pk=pk, id_number_cipher=token).update(
                        id_number_cipher=crypto.rotate(token)
                    )
                    done += updated
            last_pk = page[-1][0]
            seen += len(page)
            self.stdout.write(f"{model._meta.db_table}: {seen}/{total} read, {done} re-encrypted")
        return done

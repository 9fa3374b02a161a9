"""The application's own consistency check: row counts per table, orphaned references, and
samples of what a restore can lose without a row missing: ID numbers that no longer
decrypt (a wrong JIUZHU_FIELD_KEY) or no longer match their search index (a wrong
JIUZHU_HMAC_KEY), and document files absent from MEDIA_ROOT (a database restored without
its files).

Used after a backup is restored (``manage.py consistency_check``): the restored database
must report the same counts as the original, no orphans and no problem in the samples.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connection, models


def table_counts() -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        counts[model._meta.db_table] = model._base_manager.count()
    return dict(sorted(counts.items()))


def orphans() -> dict[str, int]:
    """References to rows that do not exist, per ``table.column`` (one query each)."""
    found = {}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if not isinstance(field, models.ForeignKey) or not field.db_constraint:
                    continue
                target = field.related_model._meta
                table, column = model._meta.db_table, field.column
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(table)} c LEFT JOIN {quote(target.db_table)} p "
                    f"ON p.{quote(field.target_field.column)} = c.{quote(column)} "
                    f"WHERE c.{quote(column)} IS NOT NULL AND p.{quote(field.target_field.column)} IS NULL"
                )
                count = cursor.fetchone()[0]
                if count:
                    found[f"{table}.{column}"] = count
    return found


SAMPLE = 50


def id_number_problems(sample: int = SAMPLE) -> dict[str, list[int]]:
    """The rows of a sample per encrypted-ID model whose ID number does not decrypt or does
    not match its blind index, as ``{table: [pk, …]}``."""
    from jiuzhu import crypto

    found: dict[str, list[int]] = {}
    for model in apps.get_models():
        if not issubclass(model, crypto.EncryptedIdNumberMixin):
            continue
        rows = model._base_manager.order_by("?").values_list("pk", "id_number_cipher", "id_number_digest")[:sample]
        bad = []
        for pk, cipher, digest in rows:
            try:
                plain = crypto.decrypt(cipher)
            except Exception:  # noqa: BLE001 - InvalidToken, or a cipher that is no token at all
                bad.append(pk)
                continue
            if crypto.blind_index(plain) != digest:
                bad.append(pk)
        if bad:
            found[model._meta.db_table] = sorted(bad)
    return found


def missing_documents(sample: int = SAMPLE) -> list[str]:
    """The files of a sample, per model with a file field, that cannot be opened from
    storage (as ``table#id``). Every app's files are found by their fields, so the core
    names no app."""
    missing = []
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if not isinstance(field, models.FileField):
                continue
            rows = model._base_manager.exclude(**{field.name: ""}).order_by("?").values_list("pk", field.name)[:sample]
            for pk, name in rows:
                try:
                    with field.storage.open(name, "rb") as handle:
                        handle.read(1)
                except OSError:
                    missing.append(f"{model._meta.db_table}#{pk}")
    return sorted(missing)


def report(*, sample: int = SAMPLE) -> dict:
    return {
        "counts": table_counts(),
        "orphans": orphans(),
        "id_numbers": id_number_problems(sample),
        "missing_documents": missing_documents(sample),
    }


def problems(result: dict) -> list[str]:
    """What is wrong in a report, one line each (the command prints them and fails)."""
    lines = [f"{count} rows of {ref} point to missing rows" for ref, count in result["orphans"].items()]
    lines += [
        f"{len(pks)} sampled ID numbers of {table} do not decrypt or match their index "
        f"(check JIUZHU_FIELD_KEY and JIUZHU_HMAC_KEY): ids {', '.join(map(str, pks[:20]))}"
        for table, pks in result["id_numbers"].items()
    ]
    if result["missing_documents"]:
        pks = result["missing_documents"]
        lines.append(
            f"{len(pks)} sampled files are missing from MEDIA_ROOT (restore the files with the "
            f"database): {', '.join(pks[:20])}"
        )
    return lines

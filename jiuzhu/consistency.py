"""The application's own consistency check: row counts per table and orphaned references.

Used after a backup is restored (``manage.py consistency_check``): the restored database
must report the same counts as the original and no orphans.
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


def report() -> dict:
    return {"counts": table_counts(), "orphans": orphans()}

"""Fast bulk loading: PostgreSQL COPY, or executemany on SQLite.

Rows are dicts of attname → value; any concrete column a row does not name gets the
field's default, so the loader keeps working when a model gains a field with a default.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterable

from django.db import connection, models

from jiuzhu.bulk import copy_rows


def _columns(model: type[models.Model]) -> list[models.Field]:
    return [f for f in model._meta.concrete_fields]


def _default(field: models.Field):
    if field.has_default():
        return field.get_default()
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return datetime.datetime.now(datetime.UTC)
    if field.null:
        return None
    if isinstance(field, (models.CharField, models.TextField)):
        return ""
    raise ValueError(f"{field.model.__name__}.{field.attname} needs a value")


def insert(model: type[models.Model], rows: Iterable[dict], *, batch: int = 20000) -> int:
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    # Rows that carry no primary key let the database number them.
    fields = [f for f in _columns(model) if not (f.primary_key and f.attname not in first)]
    defaults = {}
    table = model._meta.db_table
    names = [f.column for f in fields]
    count = 0
    chunk: list[list] = []

    def flush():
        nonlocal chunk
        if not chunk:
            return
        # COPY on PostgreSQL (jiuzhu.bulk, the import's writer too); elsewhere plain INSERTs.
        if not copy_rows(table, names, chunk):
            with connection.cursor() as cursor:
                placeholders = ", ".join(["%s"] * len(names))
                cols = ", ".join(connection.ops.quote_name(n) for n in names)
                prepared = [
                    [json.dumps(v, ensure_ascii=False) if isinstance(v, (dict, list)) else v for v in values]
                    for values in chunk
                ]
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(table)} ({cols}) VALUES ({placeholders})", prepared
                )
        chunk = []

    import itertools

    for row in itertools.chain([first], rows):
        values = []
        for f in fields:
            if f.attname in row:
                values.append(row[f.attname])
            else:
                if f.attname not in defaults:
                    defaults[f.attname] = _default(f)
                values.append(defaults[f.attname])
        chunk.append(values)
        count += 1
        if len(chunk) >= batch:
            flush()
    flush()
    return count


def next_id(model: type[models.Model]) -> int:
    last = model._base_manager.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), list(models_)):
            cursor.execute(sql)

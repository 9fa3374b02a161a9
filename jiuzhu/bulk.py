"""Bulk inserts for the large writes (the legacy import and its audit rows): COPY on PostgreSQL.

A 20,000-member import spent most of its write in building, compiling and parsing multi-row
INSERTs (``bulk_create``: a prepared value per field per row, then the server parsing a
statement of ten thousand parameters). COPY streams the rows as text instead. Elsewhere
(SQLite, or a driver without ``copy_expert``) the callers fall back to ``bulk_create``.
Constraints and triggers apply to COPY as to INSERT, and it runs in the caller's
transaction, so all-or-nothing holds.
"""

from __future__ import annotations

import datetime
import io
import json
import re
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models
from django.utils import timezone

_SPECIAL = re.compile(r"[\\\t\n\r]")
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"}


def _escape(text: str) -> str:
    # str.translate with a mapping is a Python-level lookup per character: search first.
    return text if _SPECIAL.search(text) is None else _SPECIAL.sub(lambda m: _ESCAPES[m.group()], text)


_BY_TYPE = {
    int: str,
    Decimal: str,
    float: str,
    bool: lambda v: "t" if v else "f",
    datetime.date: datetime.date.isoformat,
    type(None): lambda _v: "\\N",
}


def _text(value) -> str:
    """One value in COPY's text format."""
    exact = _BY_TYPE.get(type(value))
    if exact is not None:
        return exact(value)
    if value is None:
        return "\\N"
    if isinstance(value, str):  # choices enums too: their value
        return _escape(value)
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, (Decimal, float)):
        return str(value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    if isinstance(value, (dict, list)):
        return _escape(json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder))
    raise TypeError(f"no COPY text form for {type(value).__name__}")


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence]) -> bool:
    """COPY ``rows`` (tuples in ``columns`` order) into ``table``; False, having written nothing,
    where COPY is not available."""
    if connection.vendor != "postgresql":
        return False
    buffer = io.StringIO()
    stamps: dict[datetime.datetime, str] = {}  # a batch shares one timestamp: format it once
    for row in rows:
        cells = []
        for value in row:
            if type(value) is str:
                cells.append(_escape(value))
            elif type(value) is datetime.datetime:
                if value not in stamps:
                    stamps[value] = value.isoformat()
                cells.append(stamps[value])
            else:
                cells.append(_text(value))
        buffer.write("\t".join(cells))
        buffer.write("\n")
    buffer.seek(0)
    with connection.cursor() as cursor:
        raw = getattr(cursor, "cursor", None)
        if not hasattr(raw, "copy_expert"):
            return False
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        sql = f"COPY {connection.ops.quote_name(table)} ({quoted}) FROM STDIN"
        start = time.monotonic()
        with connection.wrap_database_errors:  # psycopg2's errors as Django's (IntegrityError, ...)
            raw.copy_expert(sql, buffer)
        if connection.queries_logged:  # counted like any query (assertNumQueries, the benchmark)
            connection.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})
    return True


def insert(objs: list[models.Model], *, batch_size: int = 1000) -> None:
    """Insert new records of one model and set their primary keys, as ``bulk_create`` does.
    On PostgreSQL the keys are drawn from the table's sequence first (one query), then the
    rows are COPYed; ``auto_now``/``auto_now_add`` fields get one timestamp for the batch."""
    if not objs:
        return
    model = type(objs[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objs, batch_size=batch_size)
        return
    meta = model._meta
    fields = [f for f in meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    stamped = [f.attname for f in fields if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        keys = [key for (key,) in cursor.fetchall()]
    for obj, key in zip(objs, keys, strict=True):
        obj.pk = key
        for name in stamped:
            setattr(obj, name, now)
    attnames = [f.attname for f in fields]
    rows = ([obj.pk, *[getattr(obj, name) for name in attnames]] for obj in objs)
    if not copy_rows(meta.db_table, [meta.pk.column, *[f.column for f in fields]], rows):
        model.objects.bulk_create(objs, batch_size=batch_size)  # pragma: no cover - psycopg without copy_expert
        return
    for obj in objs:
        obj._state.adding = False
        obj._state.db = connection.alias

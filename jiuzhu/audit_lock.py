"""The audit trail is append-only in the database, not only in the ORM.

``AuditEvent.save``/``delete`` refuse a change, but ``AuditEvent.objects.filter(...).update()``
or ``.delete()``, a raw query or a compromised process would not go through them. A trigger
on the table refuses every UPDATE and DELETE of a row (PostgreSQL: a PL/pgSQL function,
SQLite: two triggers), with an integrity error on both.

The one lawful deletion, of events past the retention period, is ``purge_audit``: it lifts
the trigger inside its own transaction (PostgreSQL ``ALTER TABLE … DISABLE TRIGGER``, which
only the table's owner may run and which locks the table until commit; SQLite drops and
re-creates the triggers), deletes, puts the trigger back and audits the deletion.

SQLite re-creates a table to alter it (and loses its triggers): a migration that alters
``jiuzhu_auditevent`` must call ``install`` again (tests/jiuzhu/test_audit_immutable.py
finds a missing trigger).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

TABLE = "jiuzhu_auditevent"
TRIGGER = "jiuzhu_audit_append_only"

_PG_INSTALL = f"""
CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'restrict_violation';
END
$$;
DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE};
CREATE TRIGGER {TRIGGER} BEFORE UPDATE OR DELETE ON {TABLE} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}();
"""
_PG_REMOVE = f"DROP TRIGGER IF EXISTS {TRIGGER} ON {TABLE}; DROP FUNCTION IF EXISTS {TRIGGER}();"
_SQLITE_TRIGGERS = [
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_update BEFORE UPDATE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only: UPDATE refused'); END",
    f"CREATE TRIGGER IF NOT EXISTS {TRIGGER}_delete BEFORE DELETE ON {TABLE} "
    f"BEGIN SELECT RAISE(ABORT, 'audit events are append-only: DELETE refused'); END",
]
_SQLITE_REMOVE = [f"DROP TRIGGER IF EXISTS {TRIGGER}_update", f"DROP TRIGGER IF EXISTS {TRIGGER}_delete"]


def install(connection) -> None:
    """Put the trigger on the audit table (idempotent)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_INSTALL)
        elif connection.vendor == "sqlite":
            for statement in _SQLITE_TRIGGERS:
                cursor.execute(statement)


def remove(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(_PG_REMOVE)
        elif connection.vendor == "sqlite":
            for statement in _SQLITE_REMOVE:
                cursor.execute(statement)


def installed(connection) -> bool:
    """Whether the trigger is on the audit table (and enabled, on PostgreSQL)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgname = %s AND tgrelid = %s::regclass", [TRIGGER, TABLE]
            )
            row = cursor.fetchone()
            return row is not None and row[0] != "D"
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
                [TABLE, f"{TRIGGER}_%"],
            )
            return cursor.fetchone()[0] == len(_SQLITE_TRIGGERS)
    return False


@contextmanager
def lifted(connection) -> Iterator[None]:
    """Inside the caller's transaction (``transaction.atomic``), lift the trigger, and put it
    back before the block ends; an error rolls both back, so the trigger never stays off."""
    if not connection.in_atomic_block:
        raise RuntimeError("the audit trigger is lifted only inside a transaction")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ALTER TABLE refuses a table with deferred checks pending (its foreign keys).
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} DISABLE TRIGGER {TRIGGER}")
        else:
            remove(connection)
    yield
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute(f"ALTER TABLE {TABLE} ENABLE TRIGGER {TRIGGER}")
        else:
            install(connection)

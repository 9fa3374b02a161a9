"""Member-name search (``name__contains``, SQL ``LIKE '%…%'``) served by a trigram index on
PostgreSQL: a B-tree cannot serve a leading wildcard, so the search read every member of the
scope (79 ms for one name at 100,000 households; 0.3 ms with the index). pg_trgm is a trusted
extension (PostgreSQL 13+): the database owner may create it. SQLite has no such index and
needs none at its scale: nothing is done there."""

from django.db import migrations

INDEX = "households_member_name_trgm"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {INDEX} ON households_member USING gin (name gin_trgm_ops)")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("households", "0022_workday_override_withdrawal")]

    operations = [migrations.RunPython(create, drop, elidable=False)]

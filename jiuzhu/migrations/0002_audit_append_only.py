"""A trigger refuses UPDATE and DELETE on the audit trail (jiuzhu/audit_lock.py)."""

from django.db import migrations


def install(apps, schema_editor):
    from jiuzhu import audit_lock

    audit_lock.install(schema_editor.connection)


def remove(apps, schema_editor):
    from jiuzhu import audit_lock

    audit_lock.remove(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("jiuzhu", "0001_initial")]

    operations = [migrations.RunPython(install, remove, elidable=False)]

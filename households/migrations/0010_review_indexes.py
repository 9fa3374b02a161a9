"""Indexes for the nightly review (issue 8).

- Verification: (household, verified_on DESC, id DESC) replaces (household, verified_on
  DESC): the latest verification is one index descent, and the pass reads every household's
  latest in index order without a sort.
- ReviewTask: fewer index entries per updated row, since the escalation step updates every
  open task overdue by the escalation days. assigned_to's own index is dropped (the first
  column of review_assignee_idx); verification and change_report are indexed only where set.
- ReviewTask on PostgreSQL: fillfactor 50, so that updating a task (the escalation) finds
  room on its page and is a heap-only update that touches no index. A pass's tasks share
  pages and fall due together, so the room is for every row of a page. The table is
  rewritten here so that the rows already there get it too.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TASK_FILLFACTOR = 50


def set_fillfactor(apps, schema_editor):
    """Set the fillfactor and rewrite the table, so the rows already there get the room too
    (CLUSTER, unlike VACUUM FULL, runs inside the migration's transaction; the table is
    locked while it is rewritten: ~4 s for 270,000 tasks here)."""
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    db_table = apps.get_model("households", "ReviewTask")._meta.db_table
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, db_table)
    pkey = next(name for name, info in constraints.items() if info["primary_key"])
    table = schema_editor.quote_name(db_table)
    schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = {TASK_FILLFACTOR})")
    schema_editor.execute(f"CLUSTER {table} USING {schema_editor.quote_name(pkey)}")
    schema_editor.execute(f"ALTER TABLE {table} SET WITHOUT CLUSTER")


def reset_fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        table = schema_editor.quote_name(apps.get_model("households", "ReviewTask")._meta.db_table)
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0009_dashboard_figures"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="verification",
            index=models.Index(fields=["household", "-verified_on", "-id"], name="verif_hh_latest_idx"),
        ),
        migrations.RemoveIndex(
            model_name="verification",
            name="verif_hh_date_idx",
        ),
        migrations.AlterField(
            model_name="reviewtask",
            name="assigned_to",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="review_tasks", to=settings.AUTH_USER_MODEL, verbose_name="caseworker"),
        ),
        migrations.AlterField(
            model_name="reviewtask",
            name="change_report",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="households.changereport", verbose_name="change report"),
        ),
        migrations.AlterField(
            model_name="reviewtask",
            name="verification",
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name="+", to="households.verification", verbose_name="verification"),
        ),
        migrations.AddIndex(
            model_name="reviewtask",
            index=models.Index(condition=models.Q(("verification__isnull", False)), fields=["verification"], name="review_verification_idx"),
        ),
        migrations.AddIndex(
            model_name="reviewtask",
            index=models.Index(condition=models.Q(("change_report__isnull", False)), fields=["change_report"], name="review_change_report_idx"),
        ),
        migrations.RunPython(set_fillfactor, reset_fillfactor),
    ]

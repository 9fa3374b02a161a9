"""Household.missing_items and Household.latest_assessment, for the dashboards.

``latest_assessment`` is backfilled here, set-based (one UPDATE; ~seconds at a million
households). ``missing_items`` starts at 0 (nothing known missing): computing it takes the
completeness rule over every dossier, so operators run ``manage.py refresh_completeness``
after upgrading (see dashboards/README.md) rather than this migration holding its lock.
"""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

LATEST_POSTGRESQL = """
UPDATE households_household AS h SET latest_assessment_id = latest.id
FROM (SELECT DISTINCT ON (household_id) household_id, id FROM households_assessment
      ORDER BY household_id, assessed_on DESC, id DESC) AS latest
WHERE h.id = latest.household_id
"""


def backfill_latest_assessment(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(LATEST_POSTGRESQL)
        return
    Household = apps.get_model("households", "Household")
    Assessment = apps.get_model("households", "Assessment")
    latest = Assessment.objects.filter(household_id=OuterRef("pk")).order_by("-assessed_on", "-id").values("pk")[:1]
    Household.objects.order_by().update(latest_assessment_id=Subquery(latest))


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0008_phone_numbers"),
    ]

    operations = [
        migrations.AddField(
            model_name="household",
            name="latest_assessment",
            field=models.ForeignKey(blank=True, editable=False, null=True, on_delete=django.db.models.deletion.SET_NULL,
                                    related_name="+", to="households.assessment", verbose_name="latest needs assessment"),
        ),
        migrations.AddField(
            model_name="household",
            name="missing_items",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="missing dossier items"),
        ),
        migrations.RunPython(backfill_latest_assessment, migrations.RunPython.noop, elidable=True),
    ]

# The household list's index (issue 8): township + status in list order, with the id. The list
# filtered by status pages on it in order, and its count, with the category filter's semi-join
# (one probe of enrol_hh_status_cat_idx per household), reads only the index, not the table.
# It replaces the (township, status) index it extends, created first so no query is left without one.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("households", "0010_review_indexes"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="household",
            index=models.Index(fields=["township", "status", "dossier_no"], include=("id",),
                               name="hh_township_status_no_idx"),
        ),
        migrations.RemoveIndex(model_name="household", name="hh_township_status_idx"),
    ]

import django.db.models.deletion
from django.db import migrations, models

from yizhan.core import derived


# A visit still due follows its household's grid from now on, and the coverage counts are kept
# in a tally (core/derived.py "visit_grid", "coverage_tally"); the visits made before are brought
# into step at once (the due ones move, the done ones keep their grid) and counted.
def install(apps, schema_editor):
    derived.install(schema_editor.connection, "visit_grid", "coverage_tally")


def uninstall(apps, schema_editor):
    derived.uninstall(schema_editor.connection, "visit_grid", "coverage_tally")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0004_visit_region_kept"),
        ("people", "0006_identity_tally"),
        ("regions", "0002_grid_liaison"),
    ]

    operations = [
        migrations.CreateModel(
            name="CoverageTally",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("region_code", models.CharField(max_length=12)),
                ("grid_key", models.BigIntegerField()),
                ("target", models.CharField(max_length=40)),
                ("status", models.CharField(max_length=20)),
                ("n", models.IntegerField()),
                (
                    "campaign",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="care.visitcampaign",
                    ),
                ),
            ],
            options={
                "verbose_name": "走访覆盖汇总",
                "constraints": [
                    models.UniqueConstraint(
                        fields=("campaign", "region_code", "grid_key", "target", "status"),
                        name="coverage_tally_key",
                    )
                ],
            },
        ),
        migrations.RunPython(install, uninstall),
    ]

from django.conf import settings
from django.db import migrations, models

from yizhan.core import derived


# A card and each of its stays carry the holder's current region from now on, kept by the
# database (core/derived.py); the cards and stays made before are brought into step at once.
def install(apps, schema_editor):
    derived.install(schema_editor.connection, "card_region", "card_step_region")


def uninstall(apps, schema_editor):
    derived.uninstall(schema_editor.connection, "card_region", "card_step_region")


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0006_identity_tally"),
        ("veterans", "0005_card_steps_from_audit"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="cardstep",
            name="region_code",
            field=models.CharField(default="", editable=False, max_length=12, verbose_name="区划"),
        ),
        migrations.AddField(
            model_name="preferentialcard",
            name="region_code",
            field=models.CharField(default="", editable=False, max_length=12, verbose_name="区划"),
        ),
        migrations.AddIndex(
            model_name="cardstep",
            index=models.Index(
                fields=["left_on", "region_code", "status", "days", "withdrawn"], name="card_step_figure"
            ),
        ),
        migrations.AddIndex(
            model_name="preferentialcard",
            index=models.Index(fields=["accepted_on", "region_code", "status"], name="card_figure"),
        ),
        migrations.RunPython(install, uninstall),
    ]

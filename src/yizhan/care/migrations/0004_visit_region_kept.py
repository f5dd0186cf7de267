from django.db import migrations

from yizhan.core import derived


# The visit's region follows its person's current region from now on (core/derived.py); the
# visits made before are brought into step at once.
def install(apps, schema_editor):
    derived.install(schema_editor.connection, "visit_region")


def uninstall(apps, schema_editor):
    derived.uninstall(schema_editor.connection, "visit_region")


class Migration(migrations.Migration):
    dependencies = [
        ("care", "0003_campaign_page_index"),
        ("people", "0006_identity_tally"),
    ]

    operations = [migrations.RunPython(install, uninstall)]

import django.db.models.deletion
from django.db import migrations, models

# The index alone is dropped: Django's AlterField would rebuild the whole table on SQLite (a copy of
# every row result, twice the disk, in one transaction) and re-create the foreign key on PostgreSQL,
# to remove what DROP INDEX removes. The name is Django's, the same on both databases.
RUN_INDEX = "ledgers_importrunrow_run_id_e06e3b32"


class Migration(migrations.Migration):
    dependencies = [
        ("ledgers", "0003_job_runner"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="importrunrow",
                    name="run",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="row_results",
                        to="ledgers.importrun",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{RUN_INDEX}"',
                    reverse_sql=f'CREATE INDEX "{RUN_INDEX}" ON "ledgers_importrunrow" ("run_id")',
                ),
            ],
        ),
    ]

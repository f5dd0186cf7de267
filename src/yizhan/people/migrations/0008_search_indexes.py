from django.db import migrations, models

# The search keys' single-column indexes give way to SEARCH_INDEXES (the key, the region, the
# merge: people.models). The indexes alone are dropped: AlterField(db_index=False) would rebuild
# the whole registry table on SQLite (a copy of every person, in one transaction) to remove what
# DROP INDEX removes. The names are Django's; the `_like` ones exist on PostgreSQL only.
DROPPED = [
    ("people_person_name_2a843d4b", "name"),
    ("people_person_name_pinyin_4d35398e", "name_pinyin"),
    ("people_person_name_initials_a0be91d8", "name_initials"),
]
SCOPE_OPCLASSES = ["varchar_pattern_ops", "varchar_ops", "int8_ops"]


def drop_single_key_indexes(apps, schema_editor) -> None:
    for name, _ in DROPPED:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}_like"')


def create_single_key_indexes(apps, schema_editor) -> None:
    for name, column in DROPPED:
        schema_editor.execute(f'CREATE INDEX "{name}" ON "people_person" ("{column}")')
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(
                f'CREATE INDEX "{name}_like" ON "people_person" ("{column}" varchar_pattern_ops)'
            )


class Migration(migrations.Migration):
    dependencies = [
        ("people", "0007_person_merged_into"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="person", name="person_initials_region"),
        migrations.RemoveIndex(model_name="person", name="person_pinyin_region"),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="person",
                    name="name",
                    field=models.CharField(max_length=50, verbose_name="姓名"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_initials",
                    field=models.CharField(editable=False, max_length=50, verbose_name="拼音首字母"),
                ),
                migrations.AlterField(
                    model_name="person",
                    name="name_pinyin",
                    field=models.CharField(editable=False, max_length=200, verbose_name="姓名全拼"),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_single_key_indexes, create_single_key_indexes),
            ],
        ),
        *(
            migrations.AddIndex(
                model_name="person",
                index=models.Index(
                    fields=[key, "region", "merged_into"],
                    name=f"person_{key}_scope",
                    opclasses=SCOPE_OPCLASSES,
                ),
            )
            for key in ("name", "name_initials", "name_pinyin")
        ),
    ]

from django.db import migrations, models


def carry_over(apps, schema_editor):
    """A task escalated to a head keeps that; one "escalated" while the station had no head was
    left with no one, so it starts again and the next tick finds it a county officer or a head."""
    Task = apps.get_model("worklist", "Task")
    Task.objects.filter(escalated_to_head=True, assignee__isnull=False).update(escalated_to="head")


class Migration(migrations.Migration):
    dependencies = [
        ("worklist", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="escalated_to",
            field=models.CharField(
                blank=True,
                choices=[("county", "区县督办"), ("head", "站长督办")],
                max_length=10,
                verbose_name="督办",
            ),
        ),
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.RemoveField(model_name="task", name="escalated_to_head"),
    ]

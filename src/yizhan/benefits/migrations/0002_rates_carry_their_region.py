"""Allowance and bonus rates carry a 12-digit region code ("" = national) instead of a province
code or a prefix: the same lookup as every other policy (core.policy)."""

from django.db import migrations, models


def copy_codes(apps, schema_editor):
    AllowanceRate = apps.get_model("benefits", "AllowanceRate")
    BonusRate = apps.get_model("benefits", "BonusRate")
    for rate in AllowanceRate.objects.all():
        rate.region_code = rate.province_code.ljust(12, "0")
        rate.save(update_fields=["region_code"])
    for rate in BonusRate.objects.all():
        rate.region_code = rate.region_prefix.ljust(12, "0")
        rate.save(update_fields=["region_code"])


class Migration(migrations.Migration):
    dependencies = [("benefits", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="allowancerate",
            name="region_code",
            field=models.CharField(blank=True, default="", max_length=12, verbose_name="适用地区"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="bonusrate",
            name="region_code",
            field=models.CharField(blank=True, default="", max_length=12, verbose_name="适用地区"),
            preserve_default=False,
        ),
        # Its own transaction on PostgreSQL: the rows change here, the tables in the next one.
        migrations.RunPython(copy_codes, migrations.RunPython.noop),
    ]

"""The 退役"一件事" bundle (DOMAIN.md): one item of the catalog that one case on one ticket handles —
报到, 预备役登记, 档案接收 and 建档立卡, with the 优待证 offered (hall/case_services.py BUNDLES)."""

from django.db import migrations

CODE = "YZ-S-08"
MATERIALS = [
    ("退役证（退出现役证明）", "original", 1, "service_record", ""),
    ("居民身份证", "original", 1, "id_number", ""),
    ("居民户口簿", "copy", 1, "household", ""),
    ("退役士兵安置介绍信", "original", 1, "", ""),
    ("档案材料（随档转递）", "original", 1, "", "由原部队转递，到站后登记接收"),
    ("白底证件照（352×440 像素）", "original", 1, "photo", "申领优待证时提供"),
]


def seed(apps, schema_editor):
    ServiceItem = apps.get_model("hall", "ServiceItem")
    Material = apps.get_model("hall", "Material")
    item, created = ServiceItem.objects.get_or_create(
        code=CODE,
        defaults={
            "name": "退役军人“一件事”（报到、预备役登记、档案接收、建档立卡）",
            "owner": "veterans",
            "kind": "promised",
            "promised_days": 5,
            "legal_basis": "《退役士兵安置条例》（2011）；《中华人民共和国退役军人保障法》（2021）；"
            "《中华人民共和国兵役法》（2021）",
            "applicants": ["self"],
            "visits": 1,
            "workflow": "plain",
            "conditions": "自主就业退役士兵自退役之日起 30 日内到户籍地站一次办好：报到、预备役登记、"
            "档案接收、建档立卡，并可同时申领优待证。",
            "order": 200,
        },
    )
    if created:
        for order, (name, form, copies, on_file, note) in enumerate(MATERIALS, start=1):
            Material.objects.create(
                item=item, name=name, form=form, copies=copies, on_file=on_file, note=note, order=order
            )


def unseed(apps, schema_editor):
    apps.get_model("hall", "ServiceItem").objects.filter(code=CODE, cases__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("hall", "0010_cases_service_cases")]
    operations = [migrations.RunPython(seed, unseed)]

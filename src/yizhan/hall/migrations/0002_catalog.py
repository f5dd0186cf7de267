"""Seeds the national 事项清单: every row of DOMAIN.md's table, as a 办事指南 publishes it.

The rows are written out here, not imported from the app, so this migration keeps meaning what it
meant when it ran; counties adjust items afterwards through ServiceItemOverride (参数设置).
Codes follow the shape of GB/T 39554.1 locally: YZ-<owner letter>-<two digits>.
"""

from django.db import migrations

SELF, FAMILY, GUARDIAN, AGENT = "self", "family", "guardian", "agent"
ID = ("居民身份证", "original", 1, "id_number", "")
HUKOU = ("居民户口簿", "original", 1, "household", "")
DISCHARGE = ("退出现役证明（退伍证）", "original", 1, "service_record", "")
PHOTO = ("近期免冠证件照", "original", 2, "photo", "")

# (code, name, owner, kind, promised days, basis, applicants, visits, workflow, conditions, materials)
CATALOG = [
    ("YZ-A-01", "兵役登记", "armed_forces", "immediate", None,
     "《中华人民共和国兵役法》（2021）；《兵役登记工作规定》（2026）",
     [SELF, FAMILY, GUARDIAN], 1, "registration",
     "当年 12 月 31 日前年满 18 周岁的男性公民；本人患病或残疾的可由亲属代为登记。",
     [ID, HUKOU, ("学历或学籍证明", "copy", 1, "", "在校生提供学籍证明")]),
    ("YZ-A-02", "兵役登记核验", "armed_forces", "immediate", None,
     "《兵役登记工作规定》（2026）", [SELF, FAMILY], 0, "verification",
     "已登记人员每年核验一次，信息有变化的当场更正。", [ID]),
    ("YZ-A-03", "兵役登记补登", "armed_forces", "immediate", None,
     "《兵役登记工作规定》（2026）", [SELF, FAMILY, GUARDIAN], 1, "late_registration",
     "未按期登记的，大学生 24 周岁、其他人员 22 周岁（或 20 周岁）前可补登。",
     [ID, HUKOU, ("学历或学籍证明", "copy", 1, "", "")]),
    ("YZ-A-04", "应征报名、初审初检", "armed_forces", "immediate", None,
     "《中华人民共和国兵役法》（2021）；《征兵工作条例》（2023）", [SELF], 1, "enlistment_application",
     "征兵开始后已进行兵役登记的适龄青年；年龄 18 至 22 周岁，高校毕业生放宽至 24 周岁，研究生至 26 周岁。",
     [ID, HUKOU, ("毕业证书或学籍证明", "copy", 1, "", ""), PHOTO]),
    ("YZ-A-05", "走访调查、公示", "armed_forces", "promised", 10,
     "《征兵工作条例》（2023）", [SELF, FAMILY], 0, "home_check",
     "体格检查和政治考核合格后走访调查；预定新兵公示不少于 5 天。", []),
    ("YZ-J-01", "义务兵家庭优待金领取人确认", "joint", "immediate", None,
     "《军人抚恤优待条例》（2024）", [SELF, FAMILY], 1, "allowance_recipient",
     "批准入伍后、起运前由本人指定领取人。",
     [ID, ("领取人居民身份证", "copy", 1, "", ""), ("领取人银行卡", "copy", 1, "", "")]),
    ("YZ-J-02", "入伍礼包发放", "joint", "immediate", None,
     "《军人抚恤优待条例》（2024）", [SELF, FAMILY], 0, "gift_pack",
     "批准入伍后欢送时发放光荣之家牌匾、军人军属优待服务指南和退役安置政策法规手册。",
     [("户主或家属签收", "original", 1, "household", "")]),
    ("YZ-J-03", "光荣牌悬挂", "joint", "promised", 20,
     "《光荣牌悬挂工作办法》；《军人抚恤优待条例》（2024）", [SELF, FAMILY], 0, "honor_plaque",
     "现役军人家庭、退役军人家庭和烈士、因公牺牲、病故军人遗属家庭，每户一块，一般于八一或春节前悬挂。",
     [HUKOU, ("家属签收回执", "original", 1, "", "")]),
    ("YZ-J-04", "送喜报及奖励金发放", "joint", "promised", 2,
     "《立功受奖军人家庭送喜报工作办法》（2020）", [FAMILY], 0, "merit_notice",
     "收到部队立功受奖通知后 2 个工作日内登记，按奖励等级由相应层级送达。",
     [("立功受奖通知书", "original", 1, "award", ""), ("家属银行卡", "copy", 1, "", "发放奖励金时提供")]),
    ("YZ-S-01", "退役报到、预备役登记", "veterans", "immediate", None,
     "《退役士兵安置条例》（2011）；《中华人民共和国兵役法》（2021）", [SELF], 1, "checkin",
     "自主就业退役士兵自退役之日起 30 日内持退伍证报到，同时办理预备役登记。",
     [DISCHARGE, ID, ("退役士兵安置介绍信", "original", 1, "", ""), PHOTO]),
    ("YZ-S-02", "退役军人建档立卡及信息更新", "veterans", "promised", 5,
     "《中华人民共和国退役军人保障法》（2021）", [SELF, FAMILY, GUARDIAN], 1, "profile_record",
     "新报到的退役军人及 12 类人员；信息变化时更新。",
     [ID, HUKOU, DISCHARGE, ("立功受奖证书", "copy", 1, "award", "有则提供")]),
    ("YZ-S-03", "优待证申领", "veterans", "promised", 30,
     "《军人抚恤优待条例》（2024）；退役军人优待证申领发放办法", [SELF, GUARDIAN], 1, "preferential_card",
     "户籍地或居住地服务站受理；须已建档立卡；被开除军籍、剥夺政治权利、正在服刑、被羁押或通缉的不予受理；"
     "80 周岁以上或卧床的可上门办理。",
     [("白底证件照（352×440 像素）", "original", 1, "photo", ""), ID, HUKOU, DISCHARGE,
      ("立功受奖证书", "copy", 1, "award", "有则提供")]),
    ("YZ-S-04", "年度确认", "veterans", "immediate", None,
     "《中华人民共和国退役军人保障法》（2021）", [SELF, FAMILY], 0, "yearly_confirmation",
     "每年按县级要求确认健在和现状。", [ID]),
    ("YZ-S-05", "走访慰问", "veterans", "promised", 15,
     "《军人抚恤优待条例》（2024）", [SELF, FAMILY], 0, "condolence_visit",
     "春节、八一走访重点优抚对象和困难家庭，困难时随时走访。", []),
    ("YZ-S-06", "帮扶援助申请", "veterans", "promised", 15,
     "《中华人民共和国退役军人保障法》（2021）", [SELF, FAMILY, GUARDIAN, AGENT], 1, "assistance",
     "因病、因灾、因残等导致生活困难的退役军人及其家庭，一事一议。",
     [ID, HUKOU, ("收入及困难情况说明", "original", 1, "", ""), ("病历或受灾证明", "copy", 1, "", "有则提供")]),
    ("YZ-S-07", "就业创业服务", "veterans", "immediate", None,
     "《中华人民共和国退役军人保障法》（2021）；《退役士兵安置条例》（2011）", [SELF], 1, "employment",
     "有就业、培训或创业贷款需求的退役军人。", [ID, DISCHARGE, ("技能证书", "copy", 1, "", "有则提供")]),
    ("YZ-A-06", "民兵整组登记", "armed_forces", "immediate", None,
     "《民兵工作条例》", [SELF], 1, "plain",
     "18 至 45 周岁符合条件的公民；退役士兵优先编入基干民兵。", [ID, DISCHARGE]),
    ("YZ-J-05", "国防教育及欢送、接站活动报名", "joint", "immediate", None,
     "《中华人民共和国国防教育法》", [SELF, FAMILY, AGENT], 0, "plain",
     "面向群众、新兵家属和退役军人的活动报名。", []),
]  # fmt: skip


def seed(apps, schema_editor):
    ServiceItem = apps.get_model("hall", "ServiceItem")
    Material = apps.get_model("hall", "Material")
    for order, row in enumerate(CATALOG, start=1):
        code, name, owner, kind, days, basis, applicants, visits, workflow, conditions, materials = row
        item, created = ServiceItem.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name, owner=owner, kind=kind, promised_days=days, legal_basis=basis,
                applicants=applicants, visits=visits, workflow=workflow, conditions=conditions, order=order,
            ),
        )  # fmt: skip
        if created:
            for m_order, (m_name, form, copies, on_file, note) in enumerate(materials, start=1):
                Material.objects.create(
                    item=item,
                    name=m_name,
                    form=form,
                    copies=copies,
                    on_file=on_file,
                    note=note,
                    order=m_order,
                )


class Migration(migrations.Migration):
    dependencies = [("hall", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]

"""Chinese names of the conscription app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "registration.record": "兵役登记",
    "registration.verify": "兵役登记核验",
    "registration_year.create": "设置年度兵役登记",
    "registration_year.update": "修改年度兵役登记",
    "candidate.apply": "应征报名",
    "candidate.stage": "通过征集环节",
    "candidate.failed": "应征未通过",
    "candidate.returned": "退兵",
    "campaign.create": "设立征集批次",
    "campaign.close": "结束征集批次",
    "campaign.quota": "分配征兵任务",
    "demo.seed_registrations": "载入演示兵役登记",
}
OBJECTS = {"campaign": "征集批次", "registration_year": "年度兵役登记", "must_register": "应登记人员名单"}

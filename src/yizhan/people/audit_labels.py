"""Chinese names of the people app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "person.create": "登记人员",
    "person.update": "修改信息",
    "person.handover": "移交",
    "person.reveal": "查看完整信息",
    "person.household": "设置户",
    "person.relation.add": "添加亲属关系",
    "person.relation.delete": "删除亲属关系",
    "person.identity.grant": "增加身份",
    "person.identity.end": "终止身份",
    "person.service.add": "添加服役记录",
    "person.service.close": "服役记录结束",
    "person.service.type": "更正服役类型",
    "person.service.reopen": "恢复服役记录（退役记录更正或撤销）",
    "person.service.change": "更正服役记录",
    "person.identity.revoke": "撤回身份（记录更正或撤销）",
    "person.identity.reopen": "恢复身份（记录更正或撤销）",
    "person.award.add": "添加立功受奖",
    "person.document.attach": "上传材料",
    "person.document.download": "查看材料",
    "person.merge": "合并重复记录",
    "person.merged_into": "被合并到其他记录",
    "household.create": "建立户",
    "keys.rotate": "轮换加密密钥",
    "demo.seed_people": "载入演示人员",
}
OBJECTS = {"person": "人员", "household": "户", "keyring": "密钥"}

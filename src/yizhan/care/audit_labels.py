"""Chinese names of the care app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "care.merit_notice.deliver": "送达喜报",
    "care.gift_pack.deliver": "送达入伍礼包",
    "care.visit.record": "登记走访慰问",
    "care.campaign.open": "发起走访慰问活动",
    "care.campaign.regenerate": "重新生成走访对象",
    "care.campaign.generate": "生成走访对象及待办",
    "care.campaign.visit": "登记活动走访结果",
    "care.contact.log": "登记常态化联系",
    "care.contact.due": "生成常态化联系提醒",
}

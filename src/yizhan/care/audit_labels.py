"""Chinese names of the care app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "care.merit_notice.deliver": "送达喜报",
    "care.gift_pack.deliver": "送达入伍礼包",
    "care.visit.record": "登记走访慰问",
}

"""Chinese names of the benefits app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "benefits.allowance.rate": "设置优待金标准",
    "benefits.allowance.schedule": "安排优待金期次",
    "benefits.allowance.stop": "停发优待金",
    "benefits.allowance.recipient": "确定优待金领取人",
    "benefits.allowance.reveal": "查看完整银行账号",
    "benefits.batch.generate": "生成优待金发放批次",
    "benefits.batch.review": "审核优待金发放批次",
    "benefits.batch.paid": "优待金批次已发放",
    "benefits.batch.export": "导出银行代发文件",
    "benefits.bonus.rate": "设置奖励金标准",
    "benefits.bonus.entitle": "核定奖励金",
    "benefits.bonus.pay": "发放奖励金",
    "benefits.bonus.withdraw": "撤销未发放的奖励金",
    "benefits.allowance.restore": "恢复优待金期次（停发已更正或撤销）",
    "benefits.allowance.withdraw": "撤销未发放的优待金期次（入伍已更正或撤销）",
    "benefits.plaque.due": "登记待挂光荣牌",
    "benefits.plaque.hang": "悬挂光荣牌",
    "benefits.plaque.withdraw": "撤销光荣牌登记",
    "benefits.plaque.move": "待挂光荣牌随军人家庭迁户",
    "benefits.plaque.take_down": "光荣牌恢复待挂（随礼包悬挂的登记已撤销）",
    "demo.seed_benefits": "载入演示优抚数据",
}
OBJECTS = {"allowance_batch": "优待金发放批次", "allowance_rate": "优待金标准", "bonus_rate": "奖励金标准"}

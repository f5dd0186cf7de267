"""Chinese names of the worklist's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "task.create": "生成待办",
    "task.carry_forward": "待办顺延",
    "task.claim": "认领待办",
    "task.assign": "分派待办",
    "task.complete": "办结待办",
    "task.cancel": "取消待办",
    "task.hand_back": "退回待办（岗位结束）",
    "task.overdue": "待办逾期",
    "task.escalate": "待办上报站长",
    "task.reopen": "重新打开待办（记录撤销）",
    "task.retarget": "待办随更正后的记录调整",
    "task.move_household": "待办随家庭迁至另一户",
    "task.follow_grid": "待办随户调整网格改派联络员",
    "task.follow_liaison": "网格更换联络员改派待办",
}
OBJECTS = {"task": "待办"}

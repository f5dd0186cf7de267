"""Chinese names of the hall's audit actions (read by yizhan.audit.labels): tickets and windows
here, the 办件 ones in case_audit_labels."""

from yizhan.hall.case_audit_labels import ACTIONS as CASE_ACTIONS
from yizhan.hall.case_audit_labels import OBJECTS as CASE_OBJECTS

ACTIONS = {
    "hall.ticket.issue": "取号",
    "hall.ticket.call": "叫号",
    "hall.ticket.recall": "重新叫号",
    "hall.ticket.start": "开始办理",
    "hall.ticket.finish": "办理完毕",
    "hall.ticket.no_show": "过号",
    "hall.ticket.transfer": "转移窗口",
    "hall.window.sign_in": "窗口签到",
    "hall.window.sign_out": "窗口签退",
    "hall.window.open_standard": "开设服务大厅标准窗口",
    "hall.window.add": "新增窗口",
    "hall.window.update": "修改窗口设置",
    "hall.item.override": "修改服务事项本地设置",
    **CASE_ACTIONS,
}
OBJECTS = {"ticket": "排队号", "window": "窗口", "service_item": "服务事项", **CASE_OBJECTS}

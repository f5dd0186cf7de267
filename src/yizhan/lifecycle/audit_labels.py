"""Chinese names of the lifecycle's audit actions (read by yizhan.audit.labels): one per kind of
domain event, so a new kind is named by its own label."""

from yizhan.lifecycle.models import EventKind

ACTIONS = {
    **{f"event.{kind}": f"业务事件：{label}" for kind, label in EventKind.choices},
    "calendar.set": "设置法定节假日",
    "calendar.remove": "删除法定节假日",
    "tick": "每日定时处理",
}
OBJECTS = {"calendar_day": "节假日"}

"""Chinese names of the core app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {"policy_value.set": "修改参数设置"}
OBJECTS = {"policy_value": "参数"}

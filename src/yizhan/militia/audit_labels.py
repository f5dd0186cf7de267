"""Chinese names of the militia app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "militia.unit.create": "新建民兵组织",
    "militia.join": "编入民兵组织",
    "militia.leave": "退出民兵组织",
    "militia.equipment.register": "登记应急装备",
    "militia.equipment.inspect": "检查应急装备",
}
OBJECTS = {"militia_unit": "民兵组织", "militia_equipment": "应急装备"}

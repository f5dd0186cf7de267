"""Chinese names of the station app's audit actions (read by yizhan.audit.labels)."""

ACTIONS = {
    "station.team.create": "新建服务队伍",
    "station.team.join": "加入服务队伍",
    "station.hours.record": "登记服务时长",
    "station.activity.create": "登记联合活动",
    "station.activity.join": "参加联合活动",
    "station.activity.school": "添加参加学校",
    "station.activity.household": "添加参加家庭",
    "station.activity.photo": "上传活动照片",
    "station.activity.gift_packs": "欢送仪式集中送达入伍礼包",
    "station.honor.add": "列入荣誉展示",
    "station.honor.withdraw": "撤回荣誉展示",
    "station.archive.receive": "接收档案",
    "station.archive.lend": "借出档案",
    "station.archive.return": "归还档案",
}
OBJECTS = {"station_team": "服务队伍", "station_jointactivity": "联合活动"}

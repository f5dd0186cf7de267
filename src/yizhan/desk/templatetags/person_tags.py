"""The timeline's action labels: the person page lists what every app recorded about him."""

from django import template

from yizhan.benefits.services import ACTION_LABELS as BENEFIT_ACTIONS
from yizhan.lifecycle.models import EventKind

register = template.Library()

ACTIONS = {
    "person.create": "登记人员",
    "person.update": "修改信息",
    "person.handover": "移交",
    "person.reveal": "查看完整信息",
    "person.household": "设置户",
    "person.relation.add": "添加亲属关系",
    "person.identity.grant": "增加身份",
    "person.identity.end": "终止身份",
    "person.service.add": "添加服役记录",
    "person.award.add": "添加立功受奖",
    "person.document.attach": "上传材料",
    "person.document.download": "查看材料",
    "person.merge": "合并重复记录",
    "person.merged_into": "被合并到其他记录",
    "person.service.close": "服役记录结束",
    "veteran.checkin": "退役报到",
    "veteran.profile.create": "建档立卡",
    "veteran.profile.update": "更新建档立卡",
    "veteran.confirm": "年度确认",
    "veteran.employment": "就业创业服务",
    "card.accepted": "优待证受理",
    "card.county_review": "优待证报县级审核",
    "card.in_production": "优待证审核通过，制卡",
    "card.arrived": "优待证已到县",
    "card.issued": "优待证已发放",
    "card.returned": "优待证退回",
    "print": "打印",
    **BENEFIT_ACTIONS,
}


@register.filter
def action_label(action: str) -> str:
    if action.startswith("event."):
        kind = action.removeprefix("event.")
        return "业务事件：" + (EventKind(kind).label if kind in EventKind.values else kind)
    return ACTIONS.get(action, action)

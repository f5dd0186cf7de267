from django import template

from yizhan.people.forms import PersonForm
from yizhan.people.models import RelationKind

register = template.Library()

ACTIONS = {
    "person.create": "登记人员",
    "person.update": "修改信息",
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
}
FIELD_LABELS = {name: str(field.label) for name, field in PersonForm.base_fields.items()}


@register.filter
def relation_label(kind: str) -> str:
    return RelationKind(kind).label


@register.filter
def action_label(action: str) -> str:
    return ACTIONS.get(action, action)


@register.filter
def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)

from django import template

from yizhan.audit import labels

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def object_label(object_type: str) -> str:
    return labels.object_label(object_type)

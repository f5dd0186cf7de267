from django import template

from yizhan.worklist.models import TaskKind

register = template.Library()


@register.filter
def task_kind_label(kind: str) -> str:
    return TaskKind(kind).label if kind in TaskKind.values else kind

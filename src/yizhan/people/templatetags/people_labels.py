from django import template

from yizhan.people.forms import HouseholdForm, HouseholdGridForm, PersonForm
from yizhan.people.models import RelationKind

register = template.Library()

FIELD_LABELS = {name: str(field.label) for name, field in PersonForm.base_fields.items()}
HOUSEHOLD_FIELD_LABELS = {
    name: str(field.label)
    for form in (HouseholdForm, HouseholdGridForm)
    for name, field in form.base_fields.items()
}


@register.filter
def relation_label(kind: str) -> str:
    return RelationKind(kind).label


@register.filter
def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field)


@register.filter
def household_field_label(field: str) -> str:
    return HOUSEHOLD_FIELD_LABELS.get(field, field)

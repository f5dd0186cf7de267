from collections.abc import Callable

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms.renderers import DjangoTemplates


class FormRenderer(DjangoTemplates):
    """Every field, however its page renders the form (`as_div`, `field.as_field_group`), through
    one Bootstrap template: checkbox and radio groups as lists, one label per box."""

    field_template_name = "core/forms/field.html"


def styled(field: forms.Field) -> forms.Field:
    """The field with Bootstrap's class on its widget (for fields a form adds as it is built)."""
    widget = field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.RadioSelect)):  # RadioSelect: checkbox groups too
        css = "form-check-input"
    elif isinstance(widget, forms.Select):
        css = "form-select"
    else:
        css = "form-control"
    widget.attrs.setdefault("class", css)
    return field


class StyledForm(forms.Form):
    """Gives every widget Bootstrap's class, so templates can render fields plainly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            styled(field)


def add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's ValidationError shown on the form: beside the field it names, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def submit_small_form(request, form: forms.Form, act: Callable[[dict], None]) -> bool:
    """The shape of a page's small POST forms (the person page's, the household page's): validate,
    call the service with the cleaned data, say how it went in a message (in Chinese, the field
    named). The caller redirects back to its page either way. True when it was saved."""
    if not form.is_valid():
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label if f in form.fields and form.fields[f].label else ''}{' '.join(e)}"
                for f, e in form.errors.items()
            ),
        )
        return False
    try:
        act(form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return False
    messages.success(request, "已保存。")
    return True

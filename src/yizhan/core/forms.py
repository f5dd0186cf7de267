from django import forms
from django.core.exceptions import ValidationError


def styled(field: forms.Field) -> forms.Field:
    """The field with Bootstrap's class on its widget (for fields a form adds as it is built)."""
    widget = field.widget
    if isinstance(widget, (forms.CheckboxInput, forms.CheckboxSelectMultiple)):
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

"""The one-form page, for every app: a GET shows the form; a valid POST calls the service, says
what was saved and goes on; an invalid POST, or a service's refusal (ValidationError, or
PermissionDenied raised once the form is filled in), shows the form again with the Chinese reason
beside the field it names, else above the form."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse

from yizhan.core.forms import add_errors

T = TypeVar("T")


def form_page(
    request: HttpRequest,
    form: forms.Form,
    *,
    save: Callable[[dict], T],
    saved: str | Callable[[T], str],
    then: Callable[[T], HttpResponse],
    page: Callable[[forms.Form], HttpResponse],
) -> HttpResponse:
    """`save(cleaned_data)` is the service call; `saved` the success message (or makes it from
    what save returned); `then(result)` the response after success (a redirect); `page(form)` the
    page that shows the form, fresh or with its errors."""
    if request.method == "POST" and form.is_valid():
        try:
            result = save(form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, saved(result) if callable(saved) else saved)
            return then(result)
    return page(form)

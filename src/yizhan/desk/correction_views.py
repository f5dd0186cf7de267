"""The 更正 / 撤销 page of any recorded fact: the fact's fields (for a correction) and the reason."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from yizhan.core.forms import StyledForm, add_errors
from yizhan.core.scopes import visible
from yizhan.core.scoping import get_in_scope
from yizhan.desk.corrections import FACTS, correct, may_correct, withdraw

ACTIONS = {"correct": "更正", "withdraw": "撤销"}
# The id each fact kind's route takes (correction_urls), named for what it is.
PARAMETERS = {
    "stage": "stage_result_pk",
    "registration": "registration_pk",
    "enlistment": "service_record_pk",
    "award": "award_pk",
    "discharge": "event_pk",
    "death": "event_pk",
    "status_change": "event_pk",
    "gift_pack": "gift_pack_pk",
    "checkin": "checkin_pk",
    "card_step": "card_id",
}


def _form(fact: str, obj, action: str, data=None) -> forms.Form:
    spec = FACTS[fact]
    fields = dict(spec.fields(obj)) if action == "correct" else {}
    fields["reason"] = forms.CharField(
        label=f"{ACTIONS[action]}原因",
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": f"请填写{ACTIONS[action]}原因。"},
    )
    form_class = type("CorrectionForm", (StyledForm,), fields)
    return form_class(data, initial=spec.values(obj) if action == "correct" else None)


def _back(request: HttpRequest, person_id: int) -> str:
    target = request.POST.get("next") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return reverse("people:detail", args=[person_id]) + "?tab=timeline"


@login_required
def correction(request: HttpRequest, *, fact: str, action: str, **ids: int) -> HttpResponse:
    spec = FACTS[fact]
    if action not in ACTIONS:
        raise Http404
    pk = ids[PARAMETERS[fact]]
    label = f"{spec.model._meta.app_label}.{spec.model.__name__}"
    obj = get_in_scope(visible(request.user, label).filter(spec.filter), pk=pk)
    if not may_correct(request.user, fact, obj):
        raise PermissionDenied(f"{spec.label}由其所在乡镇（街道）的经办部门或上级更正、撤销。")
    if (action == "correct" and spec.change is None) or (action == "withdraw" and spec.withdraw is None):
        raise Http404
    person = spec.person(obj)
    form = _form(fact, obj, action, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
        try:
            if action == "correct":
                correct(
                    actor=request.user, fact=fact, obj=obj, values=values, reason=form.cleaned_data["reason"]
                )
            else:
                withdraw(actor=request.user, fact=fact, obj=obj, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已{ACTIONS[action]}{person.name}的{spec.label}。")
            return redirect(_back(request, person.pk))
    return render(
        request,
        "desk/correction_form.html",
        {
            "form": form,
            "spec": spec,
            "obj": obj,
            "person": person,
            "action": ACTIONS[action],
            "next": _back(request, person.pk),
        },
    )

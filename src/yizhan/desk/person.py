"""The person page and its tabs: what the people, veterans, care, worklist and lifecycle apps
each hold about one person, on one page."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import Perm, require
from yizhan.care.selectors import records_of_person as care_records_of
from yizhan.core.forms import add_errors
from yizhan.core.scoping import get_in_scope
from yizhan.lifecycle import services as lifecycle_services
from yizhan.lifecycle.selectors import traces_of
from yizhan.people import selectors, services
from yizhan.people.forms import (
    AwardForm,
    DocumentForm,
    IdentityForm,
    PersonForm,
    RelationForm,
    RelationRemoveForm,
    ServiceRecordForm,
)
from yizhan.people.models import Person
from yizhan.people.views import post_action
from yizhan.worklist.selectors import tasks_of_person

TABS = [
    ("family", "家庭"),
    ("service", "服役"),
    ("tasks", "待办"),
    ("benefits", "优待"),
    ("visits", "走访"),
    ("documents", "材料"),
    ("timeline", "记录"),
]


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(user=request.user, pk=pk)
    tab = request.GET.get("tab", "family")
    if tab not in dict(TABS):
        tab = "family"
    return render(request, "desk/person.html", _detail_context(request, person, tab))


def _detail_context(request: HttpRequest, person: Person, tab: str) -> dict:
    identities = selectors.current_identities(person)
    context = {
        "person": person,
        "identities": identities,
        "identity_kinds": {i.kind for i in identities},
        "tabs": TABS,
        "tab": tab,
        "can_edit": request.user.can(Perm.EDIT_PEOPLE),
        "can_reveal": request.user.can(Perm.REVEAL_PII),
        "can_merge": request.user.can(Perm.MERGE_PEOPLE),
    }
    if tab == "family":
        visible = selectors.people_visible_to(request.user, scope_filters_only=True)
        context["family"] = selectors.family_of(person, user=request.user)
        context["household_members"] = (
            list(visible.filter(household_id=person.household_id).exclude(pk=person.pk))
            if person.household_id
            else []
        )
        context["relation_form"] = RelationForm()
    elif tab == "service":
        context["service_records"] = list(person.service_records.all())
        context["awards"] = list(person.awards.all())
        context["service_form"] = ServiceRecordForm()
        context["award_form"] = AwardForm()
        context["identity_form"] = IdentityForm()
    elif tab == "documents":
        context["documents"] = list(person.documents.all())
        context["document_form"] = DocumentForm()
    elif tab == "benefits":
        context["cards"] = list(person.preferential_cards.all())
        context["profile"] = getattr(person, "profile_record", None)
        context["checkins"] = list(person.checkins.all())
        context["employment"] = list(person.employment_services.all()[:20])
        context["assistance"] = list(person.assistance_cases.all()[:20])
    elif tab == "visits":
        context["care"] = care_records_of(user=request.user, person=person)
    elif tab == "tasks":
        context["tasks"] = list(tasks_of_person(user=request.user, person=person).select_related("assignee"))
    elif tab == "timeline":
        context["traces"] = traces_of(person, user=request.user)
        context["timeline"] = list(selectors.timeline_of(person)[:200])
    return context


@login_required
def person_tab(request: HttpRequest, pk: int, tab: str) -> HttpResponse:
    person = selectors.get_person(user=request.user, pk=pk)
    if tab not in dict(TABS):
        raise Http404
    return render(request, "desk/person.html#tab", _detail_context(request, person, tab))


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    person = selectors.get_person(user=request.user, pk=pk)
    # The ID number and phone are never put into the form: showing them in full is a reveal
    # (permission, reason, audit). Left blank they stay as they are; typed, they replace.
    initial = {f: getattr(person, f) for f in services.EDITABLE if f not in services.SENSITIVE}
    initial["version"] = person.version
    form = PersonForm(request.POST or None, user=request.user, initial=initial, masked=person)
    conflict = None
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle_services.update_person(  # a new birth date or dependency re-computes 军属
                actor=request.user,
                person=person,
                expected_version=form.cleaned_data["version"] or 0,
                **{k: v for k, v in form.person_values().items() if v or k not in services.SENSITIVE},
            )
        except services.StaleEdit as exc:
            conflict = exc
            status = 409
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("people:detail", pk=person.pk)
    return render(
        request, "people/form.html", {"form": form, "person": person, "conflict": conflict}, status=status
    )


@login_required
@require_POST
def relation_add(request: HttpRequest, pk: int) -> HttpResponse:
    def act(person, data):
        relative = get_in_scope(selectors.people_visible_to(request.user), pk=data["relative"])
        # Through the lifecycle: a spouse recorded during his service becomes 军属 (rules.py).
        lifecycle_services.record_relation(
            actor=request.user, person=person, relative=relative, kind=data["kind"], note=data["note"]
        )

    return post_action(request, pk, RelationForm, act, "family")


@login_required
@require_POST
def relation_remove(request: HttpRequest, pk: int) -> HttpResponse:
    def act(person, data):
        relative = get_in_scope(selectors.people_visible_to(request.user), pk=data["relative"])
        relation = selectors.relation_between(person, relative)
        if relation is None:
            raise ValidationError("两人之间没有亲属关系记录。")
        lifecycle_services.remove_relation(actor=request.user, relation=relation)

    return post_action(request, pk, RelationRemoveForm, act, "family")

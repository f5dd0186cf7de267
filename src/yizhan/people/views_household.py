"""Households (户): the page of one household, its name and address, its head, who is in it.
Thin views over people.selectors and people.services; 军属 does not depend on the household
(people.selectors.counts_as_military_family reads relations), so nothing here re-computes it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import Perm, require
from yizhan.core.forms import submit_small_form
from yizhan.core.scoping import get_in_scope
from yizhan.people import selectors, services
from yizhan.people.forms import HouseholdForm, HouseholdGridForm, HouseholdHeadForm, HouseholdMemberForm
from yizhan.people.models import Household


@login_required
def household_detail(request: HttpRequest, household: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    found = selectors.get_household(user=request.user, pk=household)
    visible = selectors.people_visible_to(request.user)
    return render(
        request,
        "people/household.html",
        {
            "household": found,
            "label": selectors.household_label(found, visible=visible)[0],
            "members": selectors.household_members(found, user=request.user),
            "timeline": list(selectors.household_timeline(found)[:50]),
            "form": HouseholdForm(initial={"name": found.name, "address": found.address}),
            "grid_form": HouseholdGridForm(initial={"grid": found.grid_id}, village_id=found.region_id),
            "can_edit": request.user.can(Perm.EDIT_PEOPLE),
        },
    )


def _household_action(
    request: HttpRequest, household: int, form_class, action, *, of_village: bool = False
) -> HttpResponse:
    """The household page's small forms: validate, call the service, back to the page
    (`of_village`: the form's choices are of the household's village, as the grid's)."""
    require(request.user, Perm.EDIT_PEOPLE)
    found = selectors.get_household(user=request.user, pk=household)
    form = form_class(request.POST, **({"village_id": found.region_id} if of_village else {}))
    submit_small_form(request, form, lambda data: action(found, data))
    return redirect("people:household", household=found.pk)


def _member(request: HttpRequest, household: Household, pk: int):
    """A member of this household the user may see, or 404 as for a missing one."""
    return get_in_scope(selectors.people_visible_to(request.user).filter(household=household), pk=pk)


@login_required
@require_POST
def household_edit(request: HttpRequest, household: int) -> HttpResponse:
    def act(found, data):
        services.update_household(
            actor=request.user, household=found, name=data["name"], address=data["address"]
        )

    return _household_action(request, household, HouseholdForm, act)


@login_required
@require_POST
def household_grid(request: HttpRequest, household: int) -> HttpResponse:
    def act(found, data):
        services.set_household_grid(actor=request.user, household=found, grid=data["grid"])

    return _household_action(request, household, HouseholdGridForm, act, of_village=True)


@login_required
@require_POST
def household_head(request: HttpRequest, household: int) -> HttpResponse:
    def act(found, data):
        services.set_household_head(
            actor=request.user, household=found, head=_member(request, found, data["head"])
        )

    return _household_action(request, household, HouseholdHeadForm, act)


@login_required
@require_POST
def household_add_member(request: HttpRequest, household: int) -> HttpResponse:
    def act(found, data):
        person = get_in_scope(selectors.people_visible_to(request.user), pk=data["member"])
        if person.household_id == found.pk:
            raise ValidationError(f"{person.name}已是本户成员。")
        services.set_household(actor=request.user, person=person, household=found, head=False)

    return _household_action(request, household, HouseholdMemberForm, act)


@login_required
@require_POST
def household_remove_member(request: HttpRequest, household: int) -> HttpResponse:
    def act(found, data):
        services.set_household(
            actor=request.user, person=_member(request, found, data["member"]), household=None, head=False
        )

    return _household_action(request, household, HouseholdMemberForm, act)


@login_required
@require_POST
def household_new(request: HttpRequest, pk: int) -> HttpResponse:
    """A new household around the person, who becomes its head (his region and address)."""
    require(request.user, Perm.EDIT_PEOPLE)
    person = selectors.get_person(user=request.user, pk=pk)
    if person.household_id:
        messages.error(request, "此人已属于一户；如需另立户，请先在原户页面将其迁出。")
        return redirect("people:household", household=person.household_id)
    household = services.create_household(
        actor=request.user, region=person.region, address=person.address, members=[person], head=person
    )
    messages.success(request, "已建户，本人为户主。")
    return redirect("people:household", household=household.pk)

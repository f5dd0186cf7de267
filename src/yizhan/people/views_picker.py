"""THE person picker: every form that names a person (a relative, a household member, a
duplicate to merge) takes him through people/_person_picker.html, which posts the typed text
here. Name, pinyin or ID number, as the search box; only people in the user's jurisdiction."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import Perm, require
from yizhan.people import selectors

RESULTS = 8  # enough to tell two 商春旺 apart, few enough to walk with the arrow keys


@login_required
@require_POST  # the text may be an ID number: never in an address
def person_pick(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    query = request.POST.get("q", "").strip()
    exclude = request.POST.get("exclude", "")
    found = selectors.search_people(user=request.user, query=query, limit=RESULTS + 1) if query else []
    found = [person for person in found if str(person.pk) != exclude][:RESULTS]
    return render(request, "people/_person_picker.html#results", {"found": found, "query": query})

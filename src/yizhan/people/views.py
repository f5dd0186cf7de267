"""Thin views over people.selectors (reads, scoped) and people.services (writes, audited)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import Perm, require
from yizhan.core import filetypes
from yizhan.core.forms import add_errors
from yizhan.core.scopes import scoped
from yizhan.core.scoping import get_in_scope
from yizhan.core.search import search_query
from yizhan.people import selectors, services
from yizhan.people.forms import (
    AwardForm,
    DocumentForm,
    IdentityForm,
    MergeForm,
    PersonForm,
    RevealForm,
    ServiceRecordForm,
)
from yizhan.people.models import IdentityKind
from yizhan.regions.models import Level, Region


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    query, clean_address = search_query(request, keep=("identity", "village"))
    if clean_address and not request.htmx:
        return redirect(clean_address)
    source = request.POST if request.method == "POST" else request.GET
    identity = source.get("identity", "")
    village = source.get("village", "")
    villages = Region.objects.filter(scoped(request.user, "regions.Region"), level=Level.VILLAGE).order_by(
        "code"
    )
    if village and not villages.filter(code=village).exists():
        village = ""
    if query:
        page = None
        people = selectors.search_people(user=request.user, query=query, limit=50)
    else:
        listing = selectors.list_people(user=request.user, identity=identity, region_code=village)
        page = Paginator(selectors.with_current_identities(listing), 50).get_page(request.GET.get("page"))
        people = page.object_list
    context = {
        "people": people,
        "page": page,
        "query": query,
        "identity": identity,
        "village": village,
        "villages": villages,
        "identity_choices": IdentityKind.choices,
    }
    template = (
        "people/list.html#results"
        if request.htmx and request.htmx.target == "results"
        else "people/list.html"
    )
    response = render(request, template, context)
    if clean_address:
        response["HX-Push-Url"] = clean_address  # the address htmx shows: a token, not the query
    return response


@login_required
def person_new(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    form = PersonForm(request.POST or None, user=request.user)
    duplicate = None
    if request.method == "POST" and form.is_valid():
        try:
            person = services.create_person(
                actor=request.user,
                visible_to=selectors.people_visible_to(request.user),
                **form.person_values(),
            )
        except services.DuplicatePerson as exc:
            duplicate = exc.existing
            form.add_error("id_number", str(exc))
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已登记：{person.name}")
            return redirect("people:detail", pk=person.pk)
    return render(request, "people/form.html", {"form": form, "duplicate": duplicate, "creating": True})


@login_required
@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_person(user=request.user, pk=pk)
    form = RevealForm(request.POST)
    value = error = None
    if form.is_valid():
        try:
            value = services.reveal(
                actor=request.user,
                person=person,
                field=form.cleaned_data["field"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
    else:
        error = "请填写查看事由。" if "reason" in form.errors else "请选择要查看的项目。"
    return render(
        request,
        "people/_revealed.html",
        {"person": person, "value": value, "error": error, "field": request.POST.get("field")},
    )


def post_action(request: HttpRequest, pk: int, form_class, action, tab: str) -> HttpResponse:
    """Shared shape of the small POST forms on the person page: validate, call the service,
    come back to the tab with a message."""
    require(request.user, Perm.EDIT_PEOPLE)
    person = selectors.get_person(user=request.user, pk=pk)
    form = form_class(request.POST, request.FILES)
    if form.is_valid():
        try:
            action(person, form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已保存。")
    else:
        messages.error(
            request,
            "；".join(
                f"{form.fields[f].label if f in form.fields else ''}{' '.join(e)}"
                for f, e in form.errors.items()
            ),
        )
    return redirect(f"{reverse('people:detail', args=[person.pk])}?tab={tab}")


@login_required
@require_POST
def identity_add(request: HttpRequest, pk: int) -> HttpResponse:
    def act(person, data):
        services.grant_identity(
            actor=request.user,
            person=person,
            kind=data["kind"],
            subtype=data["subtype"],
            since=data["since"],
            source="manual",
        )

    return post_action(request, pk, IdentityForm, act, "service")


@login_required
@require_POST
def service_add(request: HttpRequest, pk: int) -> HttpResponse:
    return post_action(
        request,
        pk,
        ServiceRecordForm,
        lambda person, data: services.add_service_record(actor=request.user, person=person, **data),
        "service",
    )


@login_required
@require_POST
def award_add(request: HttpRequest, pk: int) -> HttpResponse:
    return post_action(
        request,
        pk,
        AwardForm,
        lambda person, data: services.add_award(actor=request.user, person=person, **data),
        "service",
    )


@login_required
@require_POST
def document_upload(request: HttpRequest, pk: int) -> HttpResponse:
    def act(person, data):
        upload = data["file"]
        services.attach_document(
            actor=request.user,
            person=person,
            kind=data["kind"],
            title=data["title"],
            content=upload.read(),
            filename=upload.name,
        )

    return post_action(request, pk, DocumentForm, act, "documents")


@login_required
def document_download(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    person = selectors.get_person(user=request.user, pk=pk)
    document = get_in_scope(person.documents.all(), pk=document_pk)
    try:
        content = services.read_document(actor=request.user, document=document)
    except (ValidationError, FileNotFoundError):
        raise Http404("文件缺失或已损坏") from None
    file_type = filetypes.served_as(content)
    response = HttpResponse(content, content_type=file_type.content_type)
    # Inline only for an image (shown in an <img>); a PDF or anything else is a download, never a
    # page in our origin. nosniff comes with every response (SECURE_CONTENT_TYPE_NOSNIFF).
    disposition = "inline" if file_type.image else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="document-{document.pk}{file_type.suffix}"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    require(request.user, Perm.MERGE_PEOPLE)
    keep = selectors.get_person(user=request.user, pk=pk)
    if request.method == "POST" and "q" in request.POST:  # the search box, not the merge itself
        return redirect(search_query(request)[1])
    duplicate_pk = request.POST.get("duplicate") or request.GET.get("duplicate")
    duplicate = (
        get_in_scope(selectors.people_visible_to(request.user), pk=duplicate_pk)
        if duplicate_pk and duplicate_pk.isdigit()
        else None
    )
    form = MergeForm(request.POST or None, initial={"duplicate": duplicate.pk if duplicate else None})
    if request.method == "POST" and duplicate is not None and form.is_valid():
        try:
            services.merge_people(
                actor=request.user, keep=keep, duplicate=duplicate, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已将记录 #{duplicate.pk} 合并到本记录。")
            return redirect("people:detail", pk=keep.pk)
    query, clean_address = search_query(request)
    if clean_address:
        return redirect(clean_address)
    candidates = selectors.search_people(user=request.user, query=query or keep.name, limit=20)
    candidates = [c for c in candidates if c.pk != keep.pk]
    return render(
        request,
        "people/merge.html",
        {"keep": keep, "duplicate": duplicate, "form": form, "candidates": candidates},
    )

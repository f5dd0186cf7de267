"""Thin views over care.selectors (scoped reads) and care.services (audited writes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yizhan.accounts.roles import Perm, require
from yizhan.care import selectors, services
from yizhan.care.forms import GiftPackForm, MeritNoticeForm, VisitForm
from yizhan.care.links import record_url
from yizhan.care.models import GIFT_PACK_ITEMS, DeliveryLevel, VisitReason
from yizhan.core.pages import form_page
from yizhan.people.models import AwardLevel
from yizhan.worklist.models import Task, TaskKind


@dataclass
class Row:
    """One line of the index, from selectors.records."""

    id: int
    kind: str
    sub: str
    on: object
    person_name: str
    person_pk: int
    region_name: str
    detail: str

    @property
    def label(self) -> str:
        if self.kind == "merit_notice":
            return f"喜报送达（{AwardLevel(self.sub).label}）"
        if self.kind == "gift_pack":
            return "入伍礼包"
        return VisitReason(self.sub).label

    @property
    def url(self) -> str:
        return reverse(f"care:{self.kind}", args=[self.id])


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    kind = request.GET.get("kind", "")
    if kind not in dict(selectors.KINDS):
        kind = ""
    page = Paginator(selectors.records(user=request.user, kind=kind), 50).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "rows": [Row(**r) for r in page.object_list],
        "kind": kind,
        "kinds": selectors.KINDS,
    }
    template = (
        "care/index.html#results" if request.htmx and request.htmx.target == "results" else "care/index.html"
    )
    return render(request, template, context)


def _work(
    request: HttpRequest,
    task_pk: int,
    *,
    kind: str,
    make_form: Callable[[Task, dict | None, dict | None], object],
    save: Callable[[Task, object], object],
    extra: Callable[[Task], dict] = lambda task: {},
) -> HttpResponse:
    """The shape of every care work form: the task (in scope and of this kind, else 404), the
    form, the service that records the work and closes the task, then the record's page."""
    task = selectors.get_work_task(user=request.user, pk=task_pk, kind=kind)
    require(request.user, Perm.EDIT_PEOPLE)
    if not task.is_open:
        done = selectors.record_for_task(task)
        messages.info(request, f"该待办已{task.get_status_display()}。")
        return redirect(record_url(done) if done else reverse("worklist:detail", args=[task.pk]))
    posted = request.method == "POST"
    form = make_form(task, request.POST if posted else None, request.FILES if posted else None)
    context = {"task": task, "title": task.get_kind_display(), **extra(task)}
    return form_page(
        request,
        form,
        save=lambda _: save(task, form),
        saved=f"已登记并办结待办：{task}",
        then=lambda item: redirect(record_url(item)),
        page=lambda form: render(
            request, "care/work.html", {"form": form, **context}, status=400 if posted else 200
        ),
    )


@login_required
def merit_notice_form(request: HttpRequest, task_pk: int) -> HttpResponse:
    def make_form(task, data, files):
        person = task.person
        address = (person.household.address if person.household_id else "") or person.address
        initial = {"family_address": address, "delivered_on": timezone.localdate()}
        return MeritNoticeForm(data, files, awards=selectors.award_choices(task), initial=initial)

    def save(task, form):
        data = form.cleaned_data
        return services.record_merit_notice(
            actor=request.user,
            task=task,
            award=data["award"],
            family_address=data["family_address"],
            delivered_on=data["delivered_on"],
            participants=data["participants"],
            logged_on=data["logged_on"],
            family_signed=data["family_signed"],
            signer_name=data["signer_name"],
            photo=form.photo_value(),
        )

    def extra(task):
        awards = list(selectors.award_choices(task))
        return {
            "awards": [
                (a, services.delivery_level_for(a), services.log_due_on(task=task, award=a)) for a in awards
            ],
            "levels": DeliveryLevel,
        }

    return _work(request, task_pk, kind=TaskKind.MERIT_NOTICE, make_form=make_form, save=save, extra=extra)


@login_required
def gift_pack_form(request: HttpRequest, task_pk: int) -> HttpResponse:
    def save(task, form):
        data = form.cleaned_data
        return services.record_gift_pack(
            actor=request.user,
            task=task,
            delivered_on=data["delivered_on"],
            received_by=data["received_by"],
            items=data["items"],
            signed=data["signed"],
            notes=data["notes"],
        )

    return _work(
        request,
        task_pk,
        kind=TaskKind.GIFT_PACK,
        make_form=lambda task, data, files: GiftPackForm(
            data, initial={"delivered_on": timezone.localdate()}
        ),
        save=save,
    )


@login_required
def condolence_form(request: HttpRequest, task_pk: int) -> HttpResponse:
    def save(task, form):
        data = form.cleaned_data
        return services.record_visit(
            actor=request.user,
            task=task,
            person=task.person,
            reason=VisitReason.CONDOLENCE,
            visited_on=data["visited_on"],
            participants=data["participants"],
            money=data["money"] or 0,
            goods=data["goods"],
            notes=data["notes"],
            photo=form.photo_value(),
        )

    return _work(
        request,
        task_pk,
        kind=TaskKind.CONDOLENCE_VISIT,
        make_form=lambda task, data, files: VisitForm(
            data, files, initial={"visited_on": timezone.localdate()}
        ),
        save=save,
    )


def _detail(request: HttpRequest, item, kind: str) -> HttpResponse:
    context = {"item": item, "kind": kind, "title": item._meta.verbose_name, "items": GIFT_PACK_ITEMS}
    return render(request, "care/detail.html", context)


@login_required
def merit_notice(request: HttpRequest, merit_notice_pk: int) -> HttpResponse:
    return _detail(request, selectors.get_merit_notice(user=request.user, pk=merit_notice_pk), "merit_notice")


@login_required
def gift_pack(request: HttpRequest, gift_pack_pk: int) -> HttpResponse:
    return _detail(request, selectors.get_gift_pack(user=request.user, pk=gift_pack_pk), "gift_pack")


@login_required
def visit(request: HttpRequest, visit_pk: int) -> HttpResponse:
    return _detail(request, selectors.get_visit(user=request.user, pk=visit_pk), "visit")


# How the 喜报 words each award ("…荣立一等功").
ACHIEVEMENTS = {
    AwardLevel.BAYI_MEDAL: "被授予“八一勋章”",
    AwardLevel.HONORARY_TITLE: "被授予荣誉称号",
    AwardLevel.FIRST_CLASS: "荣立一等功",
    AwardLevel.SECOND_CLASS: "荣立二等功",
    AwardLevel.THIRD_CLASS: "荣立三等功",
    AwardLevel.OUTSTANDING_SOLDIER: "被评为优秀士兵",
    AwardLevel.FOUR_HAVES: "被评为“四有”优秀士兵",
}


@login_required
def merit_notice_print(request: HttpRequest, merit_notice_pk: int) -> HttpResponse:
    """The 喜报 itself on A4. Opening the print layout counts as printing it, and is audited."""
    item = selectors.get_merit_notice(user=request.user, pk=merit_notice_pk)
    services.record_print(actor=request.user, item=item, layout="喜报")
    context = {
        "item": item,
        "achievement": ACHIEVEMENTS[item.award.level],
        "offices": selectors.delivering_offices(item),
        "service": item.person.service_records.order_by("-enlisted_on").first(),
    }
    return render(request, "care/merit_notice_print.html", context)


RECEIPT_TITLES = {"merit_notice": "喜报送达回执", "gift_pack": "入伍礼包送达回执", "visit": "慰问金物签收单"}


def _receipt(request: HttpRequest, item, kind: str) -> HttpResponse:
    title = RECEIPT_TITLES[kind]
    services.record_print(actor=request.user, item=item, layout=title)
    context = {
        "item": item,
        "kind": kind,
        "title": title,
        "items": GIFT_PACK_ITEMS,
        "today": timezone.localdate(),
    }
    return render(request, "care/receipt_print.html", context)


@login_required
def merit_notice_receipt(request: HttpRequest, merit_notice_pk: int) -> HttpResponse:
    item = selectors.get_merit_notice(user=request.user, pk=merit_notice_pk)
    return _receipt(request, item, "merit_notice")


@login_required
def gift_pack_receipt(request: HttpRequest, gift_pack_pk: int) -> HttpResponse:
    return _receipt(request, selectors.get_gift_pack(user=request.user, pk=gift_pack_pk), "gift_pack")


@login_required
def visit_receipt(request: HttpRequest, visit_pk: int) -> HttpResponse:
    return _receipt(request, selectors.get_visit(user=request.user, pk=visit_pk), "visit")

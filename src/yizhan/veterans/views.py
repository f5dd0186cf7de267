"""Thin views of the veterans area over veterans.services and scoped selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import Perm, require
from yizhan.audit.services import record
from yizhan.core.forms import add_errors
from yizhan.core.scopes import visible
from yizhan.people.selectors import get_person
from yizhan.veterans import selectors, services
from yizhan.veterans.forms import (
    AssistanceForm,
    AssistanceMoveForm,
    AwardForm,
    CardApplicationForm,
    CardMoveForm,
    CheckinForm,
    ConfirmForm,
    DeathForm,
    DischargeForm,
    EmploymentForm,
    ProfileForm,
    StatusChangeForm,
)
from yizhan.veterans.models import CardStatus, ProfileRecord
from yizhan.worklist.models import OPEN_STATUSES, TaskKind
from yizhan.worklist.selectors import tasks_visible_to


@login_required
def index(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    waiting = (
        tasks_visible_to(request.user)
        .filter(kind__in=[TaskKind.DISCHARGE_CHECKIN, TaskKind.PROFILE_RECORD], status__in=OPEN_STATUSES)
        .select_related("person")
        .order_by("due_on")
    )
    context = {
        "waiting": waiting[:100],
        "cards": selectors.cards_in_progress(user=request.user)[:100],
        "assistance": selectors.assistance_visible_to(request.user).exclude(status__in=["paid", "rejected"])[
            :100
        ],
        "profiles": visible(request.user, "veterans.ProfileRecord").count(),
        "today": today,
    }
    return render(request, "veterans/index.html", context)


def _person_form(
    request: HttpRequest, person_id: int, form_class, title: str, act, *, initial=None, done=None
):
    """The shape shared by the one-form pages about a person: show, validate, call the service,
    go back to the person (or `done`) with a message; errors stay beside the fields."""
    require(request.user, Perm.EDIT_PEOPLE)
    person = get_person(user=request.user, pk=person_id)
    form = form_class(
        request.POST or None, request.FILES or None, initial={"on": timezone.localdate(), **(initial or {})}
    )
    if request.method == "POST" and form.is_valid():
        try:
            act(person, form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"{title}：已保存。")
            return done(person) if done else redirect(f"/people/{person.pk}/?tab=service")
    return render(request, "veterans/person_form.html", {"person": person, "form": form, "title": title})


@login_required
def discharge(request: HttpRequest, person_id: int) -> HttpResponse:
    def act(person, data):
        services.record_discharge(
            actor=request.user,
            person=person,
            on=data["on"],
            settlement_type=data["settlement_type"],
            certificate_no=data["certificate_no"],
        )

    return _person_form(request, person_id, DischargeForm, "退出现役", act)


@login_required
def death(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(
        request,
        person_id,
        DeathForm,
        "服役期间牺牲、病故",
        lambda person, data: services.record_death(actor=request.user, person=person, **data),
    )


@login_required
def status_change(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(
        request,
        person_id,
        StatusChangeForm,
        "提干、考入军校、选改军士",
        lambda person, data: services.record_status_change(actor=request.user, person=person, **data),
    )


@login_required
def award(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(
        request,
        person_id,
        AwardForm,
        "立功受奖（送喜报）",
        lambda person, data: services.record_award(actor=request.user, person=person, **data),
        initial={"awarded_on": timezone.localdate(), "received_on": timezone.localdate()},
    )


@login_required
def checkin(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(
        request,
        person_id,
        CheckinForm,
        "退役报到",
        lambda person, data: services.record_checkin(actor=request.user, person=person, **data),
    )


@login_required
def profile(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person(user=request.user, pk=person_id)
    existing = ProfileRecord.objects.filter(person=person).first()
    initial = {f: getattr(existing, f) for f in ProfileForm.base_fields} if existing else {}

    def act(person, data):
        services.save_profile(actor=request.user, person=person, on=timezone.localdate(), **data)

    return _person_form(request, person_id, ProfileForm, "建档立卡", act, initial=initial)


@login_required
@require_POST
def confirm(request: HttpRequest, person_id: int) -> HttpResponse:
    def act(person, data):
        profile = ProfileRecord.objects.filter(person=person).first()
        if profile is None:
            raise ValidationError("请先建档立卡。")
        services.confirm_year(
            actor=request.user,
            profile=profile,
            year=data["year"],
            on=data["on"],
            alive=data["alive"],
            status_note=data["status_note"],
        )

    return _person_form(request, person_id, ConfirmForm, "年度确认", act)


@login_required
def employment(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(
        request,
        person_id,
        EmploymentForm,
        "就业创业服务",
        lambda person, data: services.add_employment_service(actor=request.user, person=person, **data),
    )


@login_required
def assistance_open(request: HttpRequest, person_id: int) -> HttpResponse:
    return _person_form(
        request,
        person_id,
        AssistanceForm,
        "帮扶援助申请",
        lambda person, data: services.open_assistance(actor=request.user, person=person, **data),
    )


@login_required
def assistance_detail(request: HttpRequest, case_id: int) -> HttpResponse:
    case = selectors.get_assistance(user=request.user, pk=case_id)
    form = AssistanceMoveForm(request.POST or None)
    if request.method == "POST":
        require(request.user, Perm.EDIT_PEOPLE)
        if form.is_valid():
            try:
                services.move_assistance(actor=request.user, case=case, **form.cleaned_data)
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"帮扶案件：{case.get_status_display()}")
                return redirect("veterans:assistance", case_id=case.pk)
    return render(
        request,
        "veterans/assistance.html",
        {"case": case, "form": form, "flow": services.ASSISTANCE_FLOW.get(case.status, [])},
    )


@login_required
def card_apply(request: HttpRequest, person_id: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    person = get_person(user=request.user, pk=person_id)
    card_type, reason = services.card_eligibility(person)
    form = CardApplicationForm(
        request.POST or None, request.FILES or None, initial={"on": timezone.localdate(), "applicant": "本人"}
    )
    width, height = services.photo_size(region_code=person.region_id, on=timezone.localdate())
    form.fields["photo"].help_text = f"{width}×{height} 像素（或同比例更大），白色背景"
    if request.method == "POST" and card_type and form.is_valid():
        upload = form.cleaned_data["photo"]
        try:
            card = services.apply_card(
                actor=request.user, person=person, on=form.cleaned_data["on"],
                photo_content=upload.read() if upload else None, photo_name=upload.name if upload else "photo.jpg",
                applicant=form.cleaned_data["applicant"], bed_bound=form.cleaned_data["bed_bound"],
                refusal_grounds=form.cleaned_data["refusal_grounds"], phone=form.cleaned_data["phone"],
            )  # fmt: skip
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, "优待证申领已受理。")
            return redirect("veterans:card", card_id=card.pk)
    context = {
        "person": person,
        "form": form,
        "card_type": card_type,
        "reason": reason,
        "known": services.prefill(person),
        "has_photo": bool(person.photo_id),
        "has_phone": bool(person.phone_enc),
    }
    return render(request, "veterans/card_apply.html", context)


CARD_ACTIONS = {
    CardStatus.COUNTY_REVIEW: "报县级审核",
    CardStatus.IN_PRODUCTION: "审核通过，制卡",
    CardStatus.ARRIVED: "证件已到县",
    CardStatus.ISSUED: "发放（签收）",
    CardStatus.RETURNED: "退回",
    CardStatus.ACCEPTED: "重新受理",
}


@login_required
def card_detail(request: HttpRequest, card_id: int) -> HttpResponse:
    card = selectors.get_card(user=request.user, pk=card_id)
    form = CardMoveForm(request.POST or None, initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            services.move_card(
                actor=request.user,
                card=card,
                to=form.cleaned_data["to"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                signed_by=form.cleaned_data["signed_by"],
            )
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        else:
            messages.success(request, f"优待证：{card.get_status_display()}")
        return redirect("veterans:card", card_id=card.pk)
    actions = [(to, CARD_ACTIONS[to]) for to in services.CARD_FLOW.get(card.status, {})]
    return render(request, "veterans/card.html", {"card": card, "form": form, "actions": actions})


@login_required
def card_print(request: HttpRequest, card_id: int) -> HttpResponse:
    card = selectors.get_card(user=request.user, pk=card_id)
    record(
        actor=request.user,
        action="print",
        object_type="person",
        object_id=card.person_id,
        region_code=card.person.region_id,
        changes={"form": "优待证申请表", "card": card.pk},
    )
    return render(request, "veterans/card_print.html", {"card": card, "s": card.snapshot})


@login_required
def card_list(request: HttpRequest) -> HttpResponse:
    cards = selectors.cards_visible_to(request.user).order_by("-accepted_on", "-pk")
    status = request.GET.get("status", "")
    if status in CardStatus.values:
        cards = cards.filter(status=status)
    return render(
        request,
        "veterans/card_list.html",
        {"cards": cards[:300], "status": status, "statuses": CardStatus.choices},
    )

"""Thin views of the veterans area over veterans.services and scoped selectors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import OFFICES, Perm, require
from yizhan.core.forms import add_errors
from yizhan.core.pages import form_page
from yizhan.core.scopes import visible
from yizhan.people.selectors import get_person
from yizhan.people.views import photo_response
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
from yizhan.veterans.models import CardStatus, CardType, ProfileRecord
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
    return form_page(
        request,
        form,
        save=lambda data: act(person, data),
        saved=f"{title}：已保存。",
        then=lambda _: done(person) if done else redirect(f"/people/{person.pk}/?tab=service"),
        page=lambda form: render(
            request, "veterans/person_form.html", {"person": person, "form": form, "title": title}
        ),
    )


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
    initial = (
        {f: getattr(existing, f) for f in ProfileForm.base_fields}
        if existing
        else {"category": services.propose_category(person)}
    )

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


def _profile_in_place(request: HttpRequest, person) -> ProfileForm | None:
    """建档立卡 inside the card application: the category proposed from the service record, the
    clerk confirms it (or picks another); saved, the same page goes on to the card form. None
    once saved."""
    posted = request.method == "POST" and request.POST.get("step") == "profile"
    form = ProfileForm(
        request.POST if posted else None,
        initial={"category": services.propose_category(person)},
        prefix="profile",
    )
    if posted and form.is_valid():
        try:
            services.save_profile(
                actor=request.user, person=person, on=timezone.localdate(), **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return None
    return form


@login_required
def card_apply(request: HttpRequest, person_id: int) -> HttpResponse:
    require(request.user, Perm.EDIT_PEOPLE)
    person = get_person(user=request.user, pk=person_id)
    card_type, reason, needs_profile = services.card_eligibility(person)
    if needs_profile:
        profile_form = _profile_in_place(request, person)
        if profile_form is None:
            messages.success(request, "建档立卡：已保存。请继续办理优待证。")
            return redirect("veterans:card_apply", person_id=person.pk)
        context = {"person": person, "reason": reason, "profile_form": profile_form}
        return render(request, "veterans/card_apply.html", context)
    if request.method == "POST" and request.POST.get("step") == "profile":
        return redirect("veterans:card_apply", person_id=person.pk)  # saved already (a second click)
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
    # Already applied: the way on is the card itself, not a refusal.
    current_card = (
        None if card_type else person.preferential_cards.exclude(status=CardStatus.RETURNED).first()
    )
    context = {
        "person": person,
        "form": form,
        "card_type": card_type,
        "card_type_label": CardType(card_type).label if card_type else "",
        "current_card": current_card,
        "reason": reason,
        "known": services.prefill(person),
        "has_photo": bool(person.photo_id),
        "has_phone": bool(person.phone_enc),
    }
    return render(request, "veterans/card_apply.html", context)


@login_required
def person_card(request: HttpRequest, person_id: int) -> HttpResponse:
    """The person's card in progress (the hand-out task's 办理 link): its page has the step."""
    person = get_person(user=request.user, pk=person_id)
    card = (
        selectors.cards_visible_to(request.user)
        .filter(person=person)
        .exclude(status=CardStatus.RETURNED)
        .order_by("-accepted_on", "-pk")
        .first()
    )
    if card is None:
        raise Http404("此人没有办理中的优待证")
    return redirect("veterans:card", card_id=card.pk)


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
    actions = [(to, CARD_ACTIONS[to]) for to in services.card_steps(user=request.user, card=card)]
    # No button of his own: say whose step it is, rather than show one that would refuse him.
    waiting_on = sorted({OFFICES[o][0] for o in services.CARD_FLOW.get(card.status, {}).values()})
    context = {
        "card": card,
        "form": form,
        "actions": actions,
        "waiting_on": [] if actions else waiting_on,
        "can_reveal": request.user.can(Perm.REVEAL_PII),
    }
    return render(request, "veterans/card.html", context)


@login_required
def card_print(request: HttpRequest, card_id: int) -> HttpResponse:
    """The 申请表 to print: a GET (the card page's link) is masked; the full ID number needs a POST
    with the "显示完整号码" choice and a purpose (accounts.reveal), audited with the print."""
    card = selectors.get_card(user=request.user, pk=card_id)
    try:
        id_number = services.record_card_print(
            actor=request.user,
            card=card,
            full=request.method == "POST" and request.POST.get("full") == "on",
            purpose=request.POST.get("reason", ""),
        )
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("veterans:card", card_id=card.pk)
    context = {"card": card, "s": card.snapshot, "id_number": id_number}
    return render(request, "veterans/card_print.html", context)


@login_required
def card_photo(request: HttpRequest, card_id: int) -> HttpResponse:
    """The photo of the application, embedded in its print (audited as the print)."""
    card = selectors.get_card(user=request.user, pk=card_id)
    return photo_response(card.photo, name=f"card-photo-{card.pk}")


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

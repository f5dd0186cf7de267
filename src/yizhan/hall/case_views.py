"""办件 pages: the case list (scoped, filtered), opening a case, the case page with its moves,
materials and steps, the printed notices, 好差评 (pad and QR), 差评整改 and the hall statistics."""

from __future__ import annotations

import datetime

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.core.pages import form_page
from yizhan.hall import case_selectors as selectors
from yizhan.hall import case_services as services
from yizhan.hall.case_forms import (
    MaterialsForm,
    MoveForm,
    OpenCaseForm,
    RatingForm,
    RectificationForm,
    StatisticsForm,
)
from yizhan.hall.case_stats import statistics_xlsx
from yizhan.hall.models import CaseState, RatingChannel, ServiceItem, Workflow
from yizhan.people.selectors import get_person

# The existing form each item opens, for the case's person: nothing is typed twice.
WORKFLOW_FORMS = {
    Workflow.REGISTRATION: "conscription:person",
    Workflow.LATE_REGISTRATION: "conscription:person",
    Workflow.VERIFICATION: "conscription:verify",
    Workflow.ENLISTMENT_APPLICATION: "conscription:apply",
    Workflow.ALLOWANCE_RECIPIENT: "benefits:person_recipient",
    Workflow.HONOR_PLAQUE: "benefits:honor_wall",
    Workflow.CHECKIN: "veterans:checkin",
    Workflow.PROFILE_RECORD: "veterans:profile",
    Workflow.PREFERENTIAL_CARD: "veterans:card_apply",
    Workflow.YEARLY_CONFIRMATION: "veterans:confirm",
    Workflow.ASSISTANCE: "veterans:assistance_open",
    Workflow.EMPLOYMENT: "veterans:employment",
}
STEP_FORMS = {
    "checkin": "veterans:checkin",
    "profile_record": "veterans:profile",
    "preferential_card": "veterans:card_apply",
}


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    state, item = request.GET.get("state", ""), request.GET.get("item", "")
    overdue = request.GET.get("overdue") == "1"
    cases = selectors.filtered_cases(request.user, state=state, item=item, overdue=overdue)
    context = {
        "cases": cases[:300], "state": state, "item": item, "overdue": overdue, "states": CaseState.choices,
        "items": ServiceItem.objects.filter(active=True), "today": timezone.localdate(),
    }  # fmt: skip
    return render(request, "hall/cases/list.html", context)


@login_required
def case_open(request: HttpRequest) -> HttpResponse:
    ticket = None
    if (request.POST or request.GET).get("ticket"):
        ticket = _ticket(request, (request.POST or request.GET)["ticket"])
    # From the window: the ticket's item and the visitor its ID number linked, typed nowhere again.
    initial = {"item": ticket.item_id if ticket else request.GET.get("item")}
    chosen = None
    if ticket is not None and ticket.person_id and not request.POST:
        chosen = get_person(user=request.user, pk=ticket.person_id)
    form = OpenCaseForm(request.POST or None, initial=initial)

    def save(data):
        person = get_person(user=request.user, pk=data["person"])
        return services.open_case(
            actor=request.user, item=data["item"], person=person, ticket=ticket,
            applicant_kind=data["applicant_kind"], applicant_name=data["applicant_name"],
            applicant_relation=data["applicant_relation"],
        )  # fmt: skip

    return form_page(
        request, form, save=save, saved=lambda c: f"已受理：{c.item}（{c.number}）",
        then=lambda c: redirect("hall_cases:detail", service_case_pk=c.pk),
        page=lambda f: render(request, "hall/cases/open.html", {"form": f, "ticket": ticket, "chosen": chosen}),
    )  # fmt: skip


def _ticket(request, value: str):
    from yizhan.core.scopes import visible
    from yizhan.core.scoping import get_in_scope

    if not value.isdigit():
        raise Http404
    return get_in_scope(visible(request.user, "hall.Ticket"), pk=int(value))


@login_required
def case_detail(request: HttpRequest, service_case_pk: int) -> HttpResponse:
    case = selectors.get_case(user=request.user, pk=service_case_pk)
    steps = [
        {"step": s, "spec": services.step_spec(case, s.workflow), "form": STEP_FORMS.get(s.workflow)}
        for s in case.steps.all()
    ]
    context = {
        "case": case,
        "materials": case.materials.select_related("material"),
        "moves": [(to, CaseState(to).label) for to in services.CASE_FLOW.get(case.state, [])],
        "form_url": _form_url(case),
        "steps": steps,
        "timing": selectors.case_timing(case),
        "rating": getattr(case, "rating", None),
        "closes_itself": bool(services.WORKFLOW_EVENTS.get(case.item.workflow)),
    }
    return render(request, "hall/cases/detail.html", context)


def _form_url(case) -> str:
    name = WORKFLOW_FORMS.get(case.item.workflow)
    return reverse(name, args=[case.person_id]) if name and case.is_open else ""


def _post(request, service_case_pk: int, act) -> HttpResponse:
    case = selectors.get_case(user=request.user, pk=service_case_pk)
    try:
        act(case)
    except (ValidationError, PermissionDenied) as exc:
        messages.error(request, "；".join(getattr(exc, "messages", [str(exc)])))
    return redirect("hall_cases:detail", service_case_pk=case.pk)


@login_required
@require_POST
def case_move(request: HttpRequest, service_case_pk: int) -> HttpResponse:
    form = MoveForm(request.POST)
    if not form.is_valid():
        raise Http404
    data = form.cleaned_data
    return _post(
        request, service_case_pk,
        lambda case: services.move_case(actor=request.user, case=case, to=data["to"], note=data["note"]),
    )  # fmt: skip


@login_required
@require_POST
def case_materials(request: HttpRequest, service_case_pk: int) -> HttpResponse:
    case = selectors.get_case(user=request.user, pk=service_case_pk)
    form = MaterialsForm(request.POST, case=case)
    received = form.cleaned_data["received"] if form.is_valid() else []
    return _post(
        request,
        service_case_pk,
        lambda c: services.set_received(actor=request.user, case=c, received=received),
    )


@login_required
@require_POST
def case_step(request: HttpRequest, service_case_pk: int) -> HttpResponse:
    code = request.POST.get("step", "")
    return _post(
        request, service_case_pk, lambda c: services.tick_step(actor=request.user, case=c, code=code)
    )


@login_required
def case_print(request: HttpRequest, service_case_pk: int, form: str) -> HttpResponse:
    """一次性告知书 (every missing material at once) or 受理通知书 (承诺件: the promised day), A4."""
    case = selectors.get_case(user=request.user, pk=service_case_pk)
    titles = {"notice": "一次性告知书", "receipt": "受理通知书"}
    if form not in titles or (form == "receipt" and not case.due_on):
        raise Http404
    services.record_print(actor=request.user, case=case, form=titles[form])
    context = {"case": case, "title": titles[form], "form": form, "missing": services.missing_materials(case)}
    return render(request, "hall/cases/print.html", context)


@login_required
@require_POST
def case_qr(request: HttpRequest, service_case_pk: int) -> HttpResponse:
    """The printed QR code leading to the rating page on the station's own server."""
    case = selectors.get_case(user=request.user, pk=service_case_pk)
    try:
        token = services.issue_rating_token(actor=request.user, case=case)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("hall_cases:detail", service_case_pk=case.pk)
    url = request.build_absolute_uri(reverse("hall_cases:rate_by_token") + f"?t={token}")
    # Made here, as SVG markup (no image request, no external service): segno is pure Python.
    svg = segno.make(url, error="m").svg_inline(scale=6, title="好差评二维码")
    return render(request, "hall/cases/qr.html", {"case": case, "svg": svg, "url": url})


def _rating_page(request, case, *, channel: str, token: str = "") -> HttpResponse:
    form = RatingForm(request.POST or None, initial={"token": token})
    if hasattr(case, "rating"):
        return render(request, "hall/cases/rate.html", {"case": case, "done": True})

    def save(data):
        return services.rate(
            case=case,
            level=data["level"],
            indicators=data["indicators"],
            comment=data["comment"],
            channel=channel,
        )

    return form_page(
        request, form, save=save, saved="感谢您的评价！",
        then=lambda r: render(request, "hall/cases/rate.html", {"case": case, "done": True}),
        page=lambda f: render(request, "hall/cases/rate.html", {"case": case, "form": f}),
    )  # fmt: skip


@login_required
def case_rate(request: HttpRequest, service_case_pk: int) -> HttpResponse:
    """The pad at the window: the clerk opens it and turns it to the visitor, who rates."""
    case = selectors.get_case(user=request.user, pk=service_case_pk)
    if case.state != CaseState.DONE:
        raise Http404
    return _rating_page(request, case, channel=RatingChannel.PAD)


def rate_by_token(request: HttpRequest) -> HttpResponse:
    """The QR code's page: no login; the one-time token (never in the case's URL) is the key."""
    token = request.POST.get("token") or request.GET.get("t", "")
    case = services.case_for_token(token)
    if case is None:
        return render(request, "hall/cases/rate.html", {"expired": True}, status=404)
    return _rating_page(request, case, channel=RatingChannel.QR, token=token)


@login_required
def rectification(request: HttpRequest, rectification_pk: int) -> HttpResponse:
    row = selectors.get_rectification(user=request.user, pk=rectification_pk)
    form = RectificationForm(request.POST or None)

    def save(data):
        return services.record_rectification(actor=request.user, rectification=row, **data)

    return form_page(
        request, form, save=save, saved="差评整改已完成。",
        then=lambda r: redirect("hall_cases:rectification", rectification_pk=row.pk),
        page=lambda f: render(request, "hall/cases/rectification.html", {"row": row, "form": f}),
    )  # fmt: skip


@login_required
def statistics(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = StatisticsForm(
        request.GET or None, initial={"start": today - datetime.timedelta(days=30), "end": today, "by": "day"}
    )
    if request.GET and form.is_valid():
        start, end, by = form.cleaned_data["start"], form.cleaned_data["end"], form.cleaned_data["by"]
    else:
        start, end, by = today - datetime.timedelta(days=30), today, "day"
    rows = selectors.hall_statistics(request.user, start=start, end=end, by=by)
    if request.GET.get("format") == "xlsx":
        services.record_export(actor=request.user, what="服务大厅统计", start=start, end=end)
        response = HttpResponse(
            statistics_xlsx(rows, group=selectors.GROUPS[by]),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = 'attachment; filename="hall-statistics.xlsx"'
        return response
    query = request.GET.copy()
    query["format"] = "xlsx"
    context = {"form": form, "rows": rows, "group": selectors.GROUPS[by], "export": query.urlencode()}
    return render(request, "hall/cases/statistics.html", context)

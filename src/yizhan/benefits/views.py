"""Thin views over benefits.selectors (scoped reads) and benefits.services (audited writes)."""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import VETERANS, Perm, require
from yizhan.benefits import selectors, services
from yizhan.benefits.forms import (
    AllowanceRateForm,
    BatchForm,
    BonusRateForm,
    PaidForm,
    PlaqueForm,
    ReasonForm,
    RecipientForm,
)
from yizhan.benefits.models import (
    AllowanceRate,
    BatchStatus,
    BonusRate,
    BonusStatus,
    PlaqueStatus,
)
from yizhan.core.pages import form_page
from yizhan.core.policy import NATIONAL, administrators_rows, policy_regions_of, region_label
from yizhan.core.scopes import scoped
from yizhan.core.scoping import get_in_scope
from yizhan.lifecycle.calendar import next_holiday
from yizhan.people.selectors import get_person, people_visible_to
from yizhan.regions.models import Level, Region
from yizhan.worklist.models import TaskKind


def _say(request: HttpRequest, exc: Exception) -> None:
    messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))


def _villages(user):
    return Region.objects.filter(scoped(user, "regions.Region"), level=Level.VILLAGE).order_by("code")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    return render(
        request,
        "benefits/index.html",
        {
            "overview": selectors.due_overview(user=request.user, today=timezone.localdate()),
            "counties": selectors.counties_run_by(request.user),
        },
    )


# --- 义务兵家庭优待金 ------------------------------------------------------------------------


def _rate_regions(user) -> list[tuple[str, str]]:
    """(code, name) of the regions whose standards the user may set."""
    choices = [(r.code, r.name) for r in policy_regions_of(user, departments=VETERANS)]
    if user.can(Perm.MANAGE_SETTINGS):
        choices.insert(0, (NATIONAL, region_label(NATIONAL)))
    return choices


def _require_rates_reader(user) -> None:
    """Station and county staff read the tables; administrators keep the national defaults."""
    if not user.can(Perm.MANAGE_SETTINGS):
        require(user, Perm.VIEW_PEOPLE)


def _rates_visible(user, model, label: str):
    """The rates governing the user's regions (theirs, those above, the national default) and
    those under them (SCOPES); administrators those they keep (national, provincial, city)."""
    return model.objects.filter(scoped(user, label) | administrators_rows(user))


def _rates_page(request: HttpRequest, *, kind: str, model, form_class, save, saved: str) -> HttpResponse:
    """A rates table with its form (for officers who set rates; a table only for the others)."""
    _require_rates_reader(request.user)
    regions = _rate_regions(request.user)

    def page(form) -> HttpResponse:
        rates = list(_rates_visible(request.user, model, f"benefits.{model.__name__}"))
        names = dict(
            Region.objects.filter(code__in={r.region_code for r in rates}).values_list("code", "name")
        )
        for rate in rates:
            rate.region_name = names.get(rate.region_code) or region_label(rate.region_code)
        context = {"kind": kind, "rates": rates, "form": form if regions else None}
        return render(request, "benefits/rates.html", context)

    return form_page(
        request,
        form_class(request.POST or None, regions=regions),
        save=save,
        saved=saved,
        then=lambda _: redirect(request.path),
        page=page,
    )


@login_required
def allowance_rates(request: HttpRequest) -> HttpResponse:
    return _rates_page(
        request,
        kind="allowance",
        model=AllowanceRate,
        form_class=AllowanceRateForm,
        save=lambda data: services.set_allowance_rate(
            actor=request.user,
            region_code=data["region_code"],
            year=data["year"],
            annual_amount=data["annual_amount"],
            graduate_extra=data["graduate_extra"] or 0,
            hardship_extra=data["hardship_extra"] or 0,
            note=data["note"],
        ),
        saved="已保存优待金标准。",
    )


@login_required
def batch_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    counties = selectors.counties_run_by(request.user)
    form = BatchForm(request.POST or None, counties=counties, initial={"as_of": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            result = services.generate_batch(
                actor=request.user, county_code=form.cleaned_data["county"], as_of=form.cleaned_data["as_of"]
            )
        except (ValidationError, PermissionDenied) as exc:
            _say(request, exc)
        else:
            if result.without_recipient:
                messages.warning(request, f"{result.without_recipient} 个到期期次尚未确定领取人，未计入。")
            if result.missing_rates:
                years = "、".join(f"{p} 省 {y} 年" for p, y in result.missing_rates)
                messages.warning(request, f"缺少优待金标准（{years}），相关期次未计入。")
            if result.batch is None:
                messages.info(request, "没有可发放的到期期次，未生成批次。")
                return redirect("benefits:batches")
            messages.success(request, f"已生成批次，共 {result.created} 笔，待审核。")
            return redirect("benefits:batch", result.batch.pk)
    batches = list(selectors.batches_visible_to(request.user).order_by("-as_of", "-pk")[:200])
    names = dict(Region.objects.filter(code__in={b.county_code for b in batches}).values_list("code", "name"))
    for batch in batches:
        batch.county_name = names.get(batch.county_code, batch.county_code)
    return render(request, "benefits/batches.html", {"batches": batches, "form": form if counties else None})


@login_required
def batch_detail(request: HttpRequest, batch_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    batch = selectors.get_batch(user=request.user, pk=batch_pk)
    payments = selectors.batch_payments(user=request.user, batch=batch)
    return render(
        request,
        "benefits/batch.html",
        {
            "batch": batch,
            "county": Region.objects.filter(code=batch.county_code).first(),
            "payments": payments,
            "totals": selectors.batch_totals(payments),
            "runs_county": batch.county_code in {c.code for c in selectors.counties_run_by(request.user)},
            "paid_form": PaidForm(initial={"paid_on": timezone.localdate()}),
            "export_form": ReasonForm(initial={"reason": "银行代发"}),
            "can_export": request.user.can(Perm.EXPORT),
            "full_export": request.user.can(Perm.REVEAL_PII),
            "statuses": BatchStatus,
        },
    )


@login_required
@require_POST
def batch_review(request: HttpRequest, batch_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    batch = selectors.get_batch(user=request.user, pk=batch_pk)
    try:
        services.review_batch(actor=request.user, batch=batch)
        messages.success(request, "已审核，可登记发放。")
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    return redirect("benefits:batch", batch.pk)


@login_required
@require_POST
def batch_paid(request: HttpRequest, batch_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    batch = selectors.get_batch(user=request.user, pk=batch_pk)
    form = PaidForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写发放日期和凭证号。")
        return redirect("benefits:batch", batch.pk)
    try:
        services.mark_batch_paid(actor=request.user, batch=batch, **form.cleaned_data)
        messages.success(request, "已登记发放。")
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
    return redirect("benefits:batch", batch.pk)


@login_required
@require_POST
def batch_export(request: HttpRequest, batch_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    batch = selectors.get_batch(user=request.user, pk=batch_pk)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, "导出须填写事由。")
        return redirect("benefits:batch", batch.pk)
    try:
        content = services.bank_file(
            actor=request.user, batch=batch, reason=form.cleaned_data["reason"],
            full=request.POST.get("full") == "on",
        )  # fmt: skip
    except (ValidationError, PermissionDenied) as exc:
        _say(request, exc)
        return redirect("benefits:batch", batch.pk)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="allowance-batch-{batch.pk}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def ledger(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    year = request.GET.get("year", "")
    village = request.GET.get("village", "")
    villages = _villages(request.user)
    if village and not villages.filter(code=village).exists():
        village = ""
    payments = selectors.ledger(
        user=request.user, year=int(year) if year.isdigit() else None, region_code=village
    )
    page = Paginator(payments, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "benefits/ledger.html",
        {
            "page": page,
            "totals": selectors.batch_totals(payments),
            "year": year,
            "village": village,
            "villages": villages,
        },
    )


def _recipient_form(request: HttpRequest, servicemember, task=None) -> HttpResponse:
    """The 优待金 bank-card form: for the ALLOWANCE_RECIPIENT task, or a later change."""
    allowance = selectors.allowance_of(servicemember)
    periods = allowance["periods"]
    candidates = selectors.recipient_candidates(user=request.user, servicemember=servicemember)
    initial = {
        "designated_on": timezone.localdate(),
        "graduate": any(p.graduate for p in periods),
        "hardship": any(p.hardship for p in periods),
    }
    open_task = task is None or task.is_open

    def save(data: dict):
        if not open_task:
            raise ValidationError(f"该待办已{task.get_status_display()}。")
        recipient = get_in_scope(people_visible_to(request.user), pk=data["recipient"])
        services.designate_recipient(
            actor=request.user,
            servicemember=servicemember,
            recipient=recipient,
            bank_name=data["bank_name"],
            account=data["account"],
            on=data["designated_on"],
            graduate=data["graduate"],
            hardship=data["hardship"],
            task=task,
        )
        return recipient

    return form_page(
        request,
        RecipientForm(request.POST or None, candidates=candidates, initial=initial),
        save=save,
        saved=lambda recipient: (
            f"已确定优待金领取人：{recipient.name}" + ("，待办已办结。" if task else "。")
        ),
        then=lambda _: redirect("benefits:person", servicemember.pk),
        page=lambda form: render(
            request,
            "benefits/recipient_form.html",
            {
                "servicemember": servicemember,
                "task": task,
                "open_task": open_task,
                "form": form,
                "allowance": allowance,
                "no_candidates": not candidates,
            },
            status=400 if request.method == "POST" else 200,
        ),
    )


@login_required
def task_recipient(request: HttpRequest, task_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    task = selectors.task_of_kind(user=request.user, pk=task_pk, kind=TaskKind.ALLOWANCE_RECIPIENT)
    servicemember = get_person(user=request.user, pk=task.person_id or 0)
    return _recipient_form(request, servicemember, task)


@login_required
def person_recipient(request: HttpRequest, person_id: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    return _recipient_form(request, get_person(user=request.user, pk=person_id))


@login_required
@require_POST
def recipient_reveal(request: HttpRequest, recipient_pk: int) -> HttpResponse:
    designation = selectors.get_recipient(user=request.user, pk=recipient_pk)
    form = ReasonForm(request.POST)
    value = error = None
    if form.is_valid():
        try:
            value = services.reveal_account(
                actor=request.user, designation=designation, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as exc:
            error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    else:
        error = "请填写查看事由。"
    return render(request, "benefits/person.html#revealed", {"value": value, "error": error})


# --- 奖励金 ---------------------------------------------------------------------------------


@login_required
def bonus_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    status = request.GET.get("status", BonusStatus.DUE)
    bonuses = selectors.bonuses_visible_to(request.user).select_related("person__region")
    if status in BonusStatus.values:
        bonuses = bonuses.filter(status=status)
    page = Paginator(bonuses.order_by("-awarded_on", "-pk"), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "benefits/bonuses.html",
        {
            "page": page,
            "status": status,
            "statuses": BonusStatus.choices,
            "pay_form": PaidForm(initial={"paid_on": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def bonus_pay(request: HttpRequest, entitlement_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    bonus = selectors.get_bonus(user=request.user, pk=entitlement_pk)
    form = PaidForm(request.POST)
    error = None
    if form.is_valid():
        try:
            bonus = services.pay_bonus(actor=request.user, entitlement=bonus, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            error = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
    else:
        error = "请填写发放日期和凭证号。"
    if request.htmx:
        return render(
            request,
            "benefits/bonuses.html#row",
            {"bonus": bonus, "error": error, "pay_form": PaidForm(initial={"paid_on": timezone.localdate()})},
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(request, "已登记奖励金发放。")
    return redirect("benefits:bonuses")


@login_required
def bonus_rates(request: HttpRequest) -> HttpResponse:
    return _rates_page(
        request,
        kind="bonus",
        model=BonusRate,
        form_class=BonusRateForm,
        save=lambda data: services.set_bonus_rate(actor=request.user, **data),
        saved="已保存奖励金标准。",
    )


# --- 光荣牌 ---------------------------------------------------------------------------------


def _plaque_form(request: HttpRequest, *, household, task=None, plaque=None) -> HttpResponse:
    plaque = plaque or selectors.plaque_of(household)
    category = plaque.category if plaque else selectors.plaque_category_for(task.cause if task else None)
    already_hung = plaque is not None and plaque.status == PlaqueStatus.HUNG
    open_task = task is None or task.is_open

    def save(data: dict) -> None:
        if household is None:
            raise ValidationError("该军人尚未设户，请先在人员页面建立户后再登记光荣牌。")
        if not open_task:
            raise ValidationError(f"该待办已{task.get_status_display()}。")
        services.hang_plaque(actor=request.user, household=household, task=task, **data)

    return form_page(
        request,
        PlaqueForm(request.POST or None, initial={"category": category, "hung_on": timezone.localdate()}),
        save=save,
        saved="已登记悬挂光荣牌" + ("，待办已办结。" if task else "。"),
        then=lambda _: redirect("benefits:plaques"),
        page=lambda form: render(
            request,
            "benefits/plaque_form.html",
            {
                "household": household,
                "members": people_visible_to(request.user).filter(household=household) if household else [],
                "task": task,
                "plaque": plaque,
                "already_hung": already_hung,
                "open_task": open_task,
                "form": form,
            },
            status=400 if request.method == "POST" else 200,
        ),
    )


@login_required
def task_plaque(request: HttpRequest, task_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    task = selectors.task_of_kind(user=request.user, pk=task_pk, kind=TaskKind.HONOR_PLAQUE)
    household = task.household or (task.person.household if task.person_id else None)
    return _plaque_form(request, household=household, task=task)


@login_required
def plaque_hang(request: HttpRequest, plaque_pk: int) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    plaque = selectors.get_plaque(user=request.user, pk=plaque_pk)
    task = selectors.open_plaque_task(plaque.household)
    return _plaque_form(request, household=plaque.household, task=task, plaque=plaque)


@login_required
def plaque_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    status = request.GET.get("status", "")
    plaques = selectors.plaques_visible_to(request.user).select_related("household__region")
    if status in PlaqueStatus.values:
        plaques = plaques.filter(status=status)
    page = Paginator(plaques, 100).get_page(request.GET.get("page"))
    return render(
        request, "benefits/plaques.html", {"page": page, "status": status, "statuses": PlaqueStatus.choices}
    )


@login_required
def plaque_campaign(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_PEOPLE)
    village = request.GET.get("village", "")
    villages = _villages(request.user)
    today = timezone.localdate()
    holiday = next_holiday(today - datetime.timedelta(days=1))  # today itself counts
    context = {
        "rows": selectors.plaque_campaign(user=request.user, village=village),
        "villages": villages,
        "village": village,
        "holiday": holiday,
        "holiday_name": "八一建军节" if (holiday.month, holiday.day) == (8, 1) else "春节",
    }
    template = "benefits/campaign.html#rows" if request.htmx else "benefits/campaign.html"
    return render(request, template, context)


# --- a person's benefits and the household's honor wall --------------------------------------


@login_required
def person_benefits(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person(user=request.user, pk=person_id)
    context = {
        "person": person,
        "allowance": selectors.allowance_of(person),
        "wall": selectors.honor_wall(user=request.user, person=person),
        "can_reveal": request.user.can(Perm.REVEAL_PII),
        "reveal_form": ReasonForm(),
    }
    template = "benefits/person.html#summary" if request.htmx else "benefits/person.html"
    return render(request, template, context)


@login_required
def honor_wall(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person(user=request.user, pk=person_id)
    return render(
        request,
        "benefits/honor_wall.html",
        {"person": person, "wall": selectors.honor_wall(user=request.user, person=person)},
    )

"""Thin views over conscription.selectors (scoped reads) and conscription.services (writes)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import ARMED, Perm
from yizhan.conscription import exports, selectors, services
from yizhan.conscription.forms import (
    ApplyForm,
    CampaignForm,
    GroupStageForm,
    QuotaForm,
    RegistrationForm,
    RegistrationYearForm,
    ReturnForm,
    StageForm,
    VerificationForm,
)
from yizhan.conscription.models import Campaign, Candidate, CandidateStatus, Half, RegistrationYear, Stage
from yizhan.conscription.workflow import NEXT, public_notice_days
from yizhan.core.pages import form_page
from yizhan.core.policy import NATIONAL, policy_regions_of, region_label
from yizhan.core.search import search_query
from yizhan.people.models import Person
from yizhan.people.selectors import get_person, search_people
from yizhan.regions.models import Region


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您的岗位不办理此项征兵业务。")


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


# --- index and settings ---------------------------------------------------------------------


@login_required
def index(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(selectors.works_on_conscription(user))
    year = _year(request)
    counties = selectors.intake_counties(user)
    form = None
    if counties.exists():
        form = CampaignForm(request.POST or None, counties=counties, initial=_campaign_initial(counties))
        if request.method == "POST" and form.is_valid():
            try:
                campaign = services.create_campaign(actor=user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"已建立：{campaign}")
                return redirect("conscription:campaign", campaign_id=campaign.pk)
    elif request.method == "POST":
        raise PermissionDenied("征兵批次由区县（或上级）人武部业务主管建立。")
    settings = selectors.registration_settings(year, selectors.home_region(user))
    context = {
        "year": year,
        "settings": settings,
        "settings_source": region_label(settings.region_code) if settings else "",
        "may_set": bool(_policy_regions(user)),
        "unregistered": sum(v.count for v in selectors.must_register_by_village(user, year)),
        "campaigns": selectors.campaigns_visible_to(user).order_by("-year", "-half", "county_id"),
        "form": form,
    }
    return render(request, "conscription/index.html", context)


def _campaign_initial(counties) -> dict:
    today = timezone.localdate()
    next_spring = today.month >= 7  # from July on, the intake being prepared is next spring's
    year = today.year + 1 if next_spring else today.year
    return {
        "county": counties.first(),
        "year": year,
        "half": Half.FIRST if next_spring else Half.SECOND,
        "approval_on": f"{year}-03-01" if next_spring else f"{year}-09-01",
    }


def _policy_regions(user) -> list[tuple[str, str]]:
    """(code, name) of the regions whose registration settings the user may set."""
    choices = [(r.code, r.name) for r in policy_regions_of(user, departments=ARMED)]
    if user.can(Perm.MANAGE_SETTINGS):
        choices.insert(0, (NATIONAL, region_label(NATIONAL)))
    return choices


@login_required
def registration_settings(request: HttpRequest) -> HttpResponse:
    """One region's settings of a year: its own row, or a new one from the values it inherits."""
    user = request.user
    regions = _policy_regions(user)
    if not regions:
        raise PermissionDenied("兵役登记设置由区县（或上级）人武部业务主管修改，您的岗位只能查看。")
    data = request.POST or request.GET
    year = int(data["year"]) if data.get("year", "").isdigit() else _year(request)
    region = data.get("region_code", regions[0][0])
    if region not in dict(regions):
        region = regions[0][0]
    current = selectors.registration_settings(year, region)
    # Nothing set anywhere yet: the model's national defaults (DOMAIN.md's ages), so a new year
    # starts from a full form rather than five empty required numbers.
    initial = {
        f.name: f.default for f in RegistrationYear._meta.fields if f.name in RegistrationYearForm.base_fields
        and f.has_default()
    }
    initial.update(window_start=f"{year}-01-01", window_end=f"{year}-10-31")
    if current is not None:  # its own row, or the one it inherits: the starting point of its own
        initial = {f: getattr(current, f) for f in RegistrationYearForm.base_fields}
    initial.update(region_code=region, year=year)
    form = RegistrationYearForm(request.POST or None, initial=initial, regions=regions)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_registration_year(actor=user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as exc:
            form.add_service_errors(exc if isinstance(exc, ValidationError) else ValidationError(str(exc)))
        else:
            messages.success(request, f"已保存{region_label(region)} {year} 年兵役登记设置。")
            return redirect(f"{reverse('conscription:index')}?year={year}")
    context = {
        "form": form,
        "year": year,
        "current": current,
        "inherited": current is not None and current.region_code != region,
        "source": region_label(current.region_code) if current else "",
        "region_name": region_label(region),
    }
    return render(request, "conscription/settings.html", context)


# --- registration ---------------------------------------------------------------------------


@login_required
def registration_search(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(selectors.works_on_conscription(user))
    query, clean_address = search_query(request)
    if clean_address and not request.htmx:
        return redirect(clean_address)
    people = search_people(user=user, query=query, limit=30) if query else []
    registered = set(
        selectors.registrations_visible_to(user)
        .filter(person__in=[p.pk for p in people])
        .values_list("person_id", flat=True)
    )
    context = {"query": query, "people": people, "registered": registered}
    template = "conscription/search.html#results" if request.htmx else "conscription/search.html"
    response = render(request, template, context)
    if clean_address:
        response["HX-Push-Url"] = clean_address  # the address htmx shows: a token, not the query
    return response


def _person_context(request: HttpRequest, person: Person, **forms) -> dict:
    user = request.user
    registration = selectors.registrations_visible_to(user).filter(person=person).first()
    today = timezone.localdate()
    campaigns = selectors.open_campaigns_for(user=user, person=person, on=today)
    context = {
        "person": person,
        "registration": registration,
        "verifications": list(registration.verifications.order_by("year")) if registration else [],
        "candidacies": list(selectors.candidacies_of(user=user, person=person)),
        "record": selectors.can_record(user),
        "campaigns": campaigns,
        "registration_form": forms.get("registration_form")
        or RegistrationForm(initial=selectors.registration_initial(user=user, person=person)),
        "verification_form": forms.get("verification_form") or VerificationForm(),
        "apply_form": forms.get("apply_form")
        or ApplyForm(
            campaigns=Campaign.objects.filter(pk__in=[c.pk for c in campaigns]),
            initial={
                "on": today,
                "is_university_student": registration.is_university_student if registration else False,
            },
        ),
    }
    return context


@login_required
def person_page(request: HttpRequest, person_id: int) -> HttpResponse:
    """One person's 兵役登记: record it (POST), or see it with its 核验 and his candidacies."""
    user = request.user
    _require(selectors.works_on_conscription(user))
    person = get_person(user=user, pk=person_id)
    form = None
    if request.method == "POST":
        _require(selectors.can_record(user))
        form = RegistrationForm(request.POST)
        if form.is_valid():
            try:
                registration = services.record_registration(actor=user, person=person, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    f"已登记：{person.name}（{registration.get_kind_display()}，{registration.get_conclusion_display()}）",
                )
                return redirect("conscription:person", person_id=person.pk)
    return render(
        request, "conscription/person.html", _person_context(request, person, registration_form=form)
    )


@login_required
@require_POST
def verify(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    _require(selectors.works_on_conscription(user))
    person = get_person(user=user, pk=person_id)
    _require(selectors.can_record(user))
    registration = selectors.registrations_visible_to(user).filter(person=person).first()
    form = VerificationForm(request.POST)

    def verify(data):
        if registration is None:
            raise ValidationError("此人尚未进行兵役登记。")
        services.verify_registration(actor=user, registration=registration, **data)

    return form_page(
        request,
        form,
        save=verify,
        saved=lambda _: f"已核验：{person.name} {form.cleaned_data['on'].year} 年",
        then=lambda _: redirect("conscription:person", person_id=person.pk),
        page=lambda form: render(
            request, "conscription/person.html", _person_context(request, person, verification_form=form)
        ),
    )


@login_required
@require_POST
def apply(request: HttpRequest, person_id: int) -> HttpResponse:
    user = request.user
    _require(selectors.works_on_conscription(user))
    person = get_person(user=user, pk=person_id)
    _require(selectors.can_record(user))
    return form_page(
        request,
        ApplyForm(request.POST, campaigns=selectors.campaigns_visible_to(user)),
        save=lambda data: services.apply(actor=user, person=person, **data),
        saved=lambda candidate: f"已应征报名：{person.name}（{candidate.campaign}）",
        then=lambda candidate: redirect("conscription:candidate", candidate_id=candidate.pk),
        page=lambda form: render(
            request, "conscription/person.html", _person_context(request, person, apply_form=form)
        ),
    )


# --- 应登未登 ---------------------------------------------------------------------------------


def _village_filter(request: HttpRequest, villages) -> str:
    village = request.GET.get("village", "")
    return village if village in {v.code for v in villages} else ""


@login_required
def unregistered(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require(selectors.works_on_conscription(user))
    year = _year(request)
    villages = selectors.must_register_by_village(user, year)
    village = _village_filter(request, villages)
    people = selectors.must_register(user, year)
    if village:
        people = people.filter(region_id=village)
    page = Paginator(people, 100).get_page(request.GET.get("page"))
    context = {
        "year": year,
        "villages": villages,
        "village": village,
        "total": sum(v.count for v in villages),
        "page": page,
        "can_export": user.can(Perm.EXPORT),
        "can_reveal": user.can(Perm.REVEAL_PII),
        "record": selectors.can_record(user),
    }
    return render(request, "conscription/unregistered.html", context)


@login_required
def unregistered_export(request: HttpRequest) -> HttpResponse:
    """The 应登未登 list as CSV. A GET (the page's link) is masked; full numbers need a POST with
    the "显示完整号码" choice and a purpose (accounts.reveal). Audited by the service."""
    user = request.user
    _require(selectors.works_on_conscription(user) and user.can(Perm.EXPORT))
    params = request.POST if request.method == "POST" else request.GET
    year = _year(request)
    village = _village_filter(request, selectors.must_register_by_village(user, year))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="unregistered-{year}.csv"'
    response["Cache-Control"] = "private, no-store"
    try:
        exports.export_must_register(
            actor=user, year=year, village=village, target=response,
            full=request.method == "POST" and params.get("full") == "on", reason=params.get("reason", ""),
        )  # fmt: skip
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(f"{reverse('conscription:unregistered')}?year={year}")
    return response


# --- campaigns, quotas and the board --------------------------------------------------------


@login_required
def campaign(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The quota page: the county quota split among townships, the suggestion beside it."""
    user = request.user
    campaign = selectors.get_campaign(user=user, pk=campaign_id)
    sheet = selectors.quota_sheet(user=user, campaign=campaign)
    editable = selectors.may_run_intake(user, campaign.county_id)
    townships = [row.township for row in sheet.rows]
    initial = {f"quota_{row.township.code}": row.quota for row in sheet.rows}
    form = QuotaForm(request.POST or None, townships=townships, initial=initial)
    if request.method == "POST":
        if not editable:
            raise PermissionDenied("乡镇征集任务由区县（或上级）人武部业务主管分配。")
        if form.is_valid():
            use_suggested = "use_suggested" in request.POST
            try:
                changed = _save_quotas(user, campaign, sheet, form.quotas(), use_suggested)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"已保存 {changed} 个乡镇（街道）的任务数。")
                return redirect("conscription:campaign", campaign_id=campaign.pk)
    fields = {row.township.code: form[f"quota_{row.township.code}"] for row in sheet.rows}
    context = {
        "campaign": campaign,
        "sheet": sheet,
        "rows": [(row, fields[row.township.code]) for row in sheet.rows],
        "form": form,
        "editable": editable,
    }
    return render(request, "conscription/campaign.html", context)


def _save_quotas(user, campaign: Campaign, sheet, typed: dict, use_suggested: bool) -> int:
    quotas = {}
    for row in sheet.rows:
        value = row.suggested if use_suggested else typed.get(row.township.code)
        if value is not None:
            quotas[row.township.code] = value
    return services.set_township_quotas(actor=user, campaign=campaign, quotas=quotas)


@login_required
@require_POST
def campaign_close(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    campaign = selectors.get_campaign(user=user, pk=campaign_id)
    if not selectors.may_run_intake(user, campaign.county_id):
        raise PermissionDenied("征兵批次由区县（或上级）人武部业务主管结束。")
    services.close_campaign(actor=user, campaign=campaign)
    messages.success(request, f"已结束：{campaign}")
    return redirect("conscription:campaign", campaign_id=campaign.pk)


def _board_township(request: HttpRequest, townships) -> Region | None:
    code = request.GET.get("township") or request.POST.get("township", "")
    return next((t for t in townships if t.code == code), townships[0] if townships else None)


@login_required
def board(request: HttpRequest, campaign_id: int) -> HttpResponse:
    user = request.user
    campaign = selectors.get_campaign(user=user, pk=campaign_id)
    townships = list(selectors.townships_of(user=user, campaign=campaign))
    township = _board_township(request, townships)
    return _render_board(request, campaign, townships, township, form=None)


def _render_board(request: HttpRequest, campaign: Campaign, townships, township, form) -> HttpResponse:
    user = request.user
    stage = request.GET.get("stage", "") or request.POST.get("filter_stage", "")
    stage = stage if stage in Stage.values else ""
    candidates = (
        list(selectors.candidates_of(user=user, campaign=campaign, township=township, stage=stage))
        if township
        else []
    )
    if form is None:
        following = NEXT.get(Stage(stage)) if stage else Stage.PRESCREEN
        form = GroupStageForm(
            candidate_ids=[c.pk for c in candidates], initial={"stage": following or Stage.HANDOVER}
        )
    context = {
        "campaign": campaign,
        "townships": townships,
        "township": township,
        "board": selectors.board(user=user, campaign=campaign, township=township) if township else None,
        "candidates": candidates,
        "stage": stage,
        "form": form,
        "selected": {int(v) for v in (form["candidates"].value() or []) if str(v).isdigit()},
        "record": selectors.can_record(user),
    }
    template = (
        "conscription/board.html#candidates"
        if request.htmx and request.method == "GET"
        else "conscription/board.html"
    )
    return render(request, template, context)


@login_required
@require_POST
def board_advance(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """Records one stage for the ticked candidates; each is checked on his own, refusals listed."""
    user = request.user
    campaign = selectors.get_campaign(user=user, pk=campaign_id)
    _require(selectors.can_record(user))
    townships = list(selectors.townships_of(user=user, campaign=campaign))
    township = _board_township(request, townships)
    visible = selectors.candidates_of(user=user, campaign=campaign, township=township) if township else []
    by_pk = {c.pk: c for c in visible}
    form = GroupStageForm(request.POST, candidate_ids=list(by_pk))
    if not form.is_valid():
        return _render_board(request, campaign, townships, township, form)
    chosen = [by_pk[i] for i in form.cleaned_data["candidates"]]
    refusals = services.record_stage_for_many(
        actor=user,
        candidates=chosen,
        stage=form.cleaned_data["stage"],
        passed=form.passed,
        on=form.cleaned_data["on"],
        reason=form.cleaned_data["reason"],
    )
    done = len(chosen) - len(refusals)
    label = Stage(form.cleaned_data["stage"]).label
    if done:
        messages.success(request, f"{label}：已为 {done} 人记录{'通过' if form.passed else '未通过'}。")
    for refusal in refusals:
        messages.error(request, f"{label}未记录 — {refusal}")
    query = f"?township={township.code}" if township else ""
    if request.POST.get("filter_stage") in Stage.values:
        query += f"&stage={request.POST['filter_stage']}"
    return redirect(reverse("conscription:board", args=[campaign.pk]) + query)


# --- one candidate --------------------------------------------------------------------------


def _candidate_context(request: HttpRequest, candidate: Candidate, **forms) -> dict:
    following = selectors.next_stage(candidate)
    enlisted = candidate.status == CandidateStatus.ENLISTED
    return {
        "candidate": candidate,
        "person": candidate.person,
        "results": list(selectors.results_of(candidate)),
        "next_stage": Stage(following) if following else None,
        "notice_days": public_notice_days(candidate) if candidate.notice_starts_on else None,
        "stage_form": forms.get("stage_form")
        or (StageForm(initial={"stage": following}, allow_failure=not enlisted) if following else None),
        "return_form": forms.get("return_form")
        or (ReturnForm() if selectors.may_return(candidate) else None),
        "record": selectors.can_record(request.user),
    }


@login_required
def candidate(request: HttpRequest, candidate_id: int) -> HttpResponse:
    candidate = selectors.get_candidate(user=request.user, pk=candidate_id)
    return render(request, "conscription/candidate.html", _candidate_context(request, candidate))


@login_required
@require_POST
def candidate_stage(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = request.user
    candidate = selectors.get_candidate(user=user, pk=candidate_id)
    _require(selectors.can_record(user))
    form = StageForm(request.POST, allow_failure=candidate.status != CandidateStatus.ENLISTED)
    return form_page(
        request,
        form,
        save=lambda data: services.record_stage(
            actor=user,
            candidate=candidate,
            stage=data["stage"],
            passed=form.passed,
            on=data["on"],
            reason=data["reason"],
        ),
        saved=lambda _: _stage_message(candidate, form.cleaned_data["stage"], form.passed),
        then=lambda _: redirect("conscription:candidate", candidate_id=candidate.pk),
        page=lambda form: render(
            request, "conscription/candidate.html", _candidate_context(request, candidate, stage_form=form)
        ),
    )


def _stage_message(candidate: Candidate, stage: str, passed: bool) -> str:
    name, label = candidate.person.name, Stage(stage).label
    if not passed:
        return f"已记录：{name}{label}未通过，本次应征结束。"
    if stage == Stage.APPROVAL:
        effective = candidate.campaign.approval_on
        return (
            f"{name}已批准入伍，自 {effective:%Y年%-m月%-d日} 起生效：服役记录自该日开立，家属自该日为军属，"
            "送礼包、挂光荣牌、确定优待金领取人的待办已生成。"
        )
    return f"已记录：{name}{label}通过。"


@login_required
@require_POST
def candidate_return(request: HttpRequest, candidate_id: int) -> HttpResponse:
    user = request.user
    candidate = selectors.get_candidate(user=user, pk=candidate_id)
    _require(selectors.can_record(user))
    return form_page(
        request,
        ReturnForm(request.POST),
        save=lambda data: services.record_stage(
            actor=user,
            candidate=candidate,
            stage=Stage.RETURNED,
            passed=False,
            on=data["on"],
            reason=data["reason"],
        ),
        saved=f"已办理退兵：{candidate.person.name}。",
        then=lambda _: redirect("conscription:candidate", candidate_id=candidate.pk),
        page=lambda form: render(
            request, "conscription/candidate.html", _candidate_context(request, candidate, return_form=form)
        ),
    )

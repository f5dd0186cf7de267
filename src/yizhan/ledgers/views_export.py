"""Ledger exports and printable rosters: the list, a form per ledger, the download and the print;
exports above runs.BACKGROUND_ABOVE rows are queued, with a status page (progress bar) and the
download of the finished file."""

from __future__ import annotations

import tempfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from yizhan.accounts.reveal import CHOICE_LABEL
from yizhan.accounts.roles import Perm
from yizhan.care import selectors as care_selectors
from yizhan.ledgers.exports import runs, service
from yizhan.ledgers.exports.registry import Ledger, campaign_ledger, find_ledger
from yizhan.ledgers.exports.writer import XLSX
from yizhan.regions.models import Region


class ExportForm(forms.Form):
    region = forms.CharField(label="区域", max_length=12)
    year = forms.IntegerField(label="年度", required=False, min_value=1949, max_value=2100)
    reason = forms.CharField(label="用途", max_length=100, initial="报送上级")
    # Offered only to holders of REVEAL_PII; unticked, the file is masked for them too.
    full = forms.BooleanField(label=CHOICE_LABEL, required=False)

    def __init__(self, *args, ledger: Ledger, may_reveal: bool, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if ledger.year_label:
            self.fields["year"].label = ledger.year_label
        else:
            del self.fields["year"]
        if not may_reveal:
            del self.fields["full"]


def _ledger(request: HttpRequest, slug: str) -> Ledger:
    ledger = find_ledger(slug)
    if ledger is None or ledger.slug != slug:
        raise Http404("未找到")
    if not service.may_export(request.user, ledger):
        raise PermissionDenied("您的岗位没有导出此台账的权限。")
    return ledger


def _region(request: HttpRequest, code: str) -> Region:
    if code:
        return service.region_in_scope(request.user, code)
    region = service.default_region(request.user)
    if region is None:
        raise Http404("未找到")
    return region


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() else None


@login_required
def export_index(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.can(Perm.EXPORT):
        raise PermissionDenied("您的岗位没有导出权限。")
    context = {
        "ledgers": service.ledgers_for(user),
        "units": [post.region for post in user.active_posts if post.region_id],
        "full": user.can(Perm.REVEAL_PII),
        "runs": runs.runs_visible_to(user)[:10],
    }
    return render(request, "ledgers/export_index.html", context)


@login_required
def export_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    """GET: the form (region, year, purpose); POST: the xlsx, streamed from a temporary file, or
    for a large ledger a queued run and its status page."""
    user = request.user
    ledger = _ledger(request, slug)
    may_reveal = user.can(Perm.REVEAL_PII)
    if request.method == "POST":
        form = ExportForm(request.POST, ledger=ledger, may_reveal=may_reveal)
        if form.is_valid():
            data = form.cleaned_data
            full = data.get("full", False)
            region = service.region_in_scope(user, data["region"])
            rows = service.rows_of(user=user, ledger=ledger, region=region, year=data.get("year"))
            total = service.count(rows)
            if total > runs.BACKGROUND_ABOVE:
                run = runs.queue_export(
                    actor=user, ledger=ledger, region=region, year=data.get("year"), reason=data["reason"],
                    total=total, full=full,
                )  # fmt: skip
                return redirect("ledgers:export_run", export_run_pk=run.pk)
            # Anonymous and deleted once FileResponse closes it: no named file another request
            # could fetch. The response owns it, hence no `with`.
            handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
            try:
                export = service.export_ledger(
                    actor=user, ledger=ledger, region=region, year=data.get("year"), target=handle,
                    reason=data["reason"], full=full,
                )  # fmt: skip
            except BaseException:
                handle.close()
                raise
            handle.seek(0)
            response = FileResponse(
                handle, as_attachment=True, filename=f"{export.title}.xlsx", content_type=XLSX
            )
            response["Cache-Control"] = "private, no-store"
            return response
        region = _region(request, request.POST.get("region", ""))
        messages.error(request, "请检查填写的内容。")
    else:
        region = _region(request, request.GET.get("region", ""))
        form = ExportForm(
            initial=_initial(ledger, region, request.GET.get("year", "")),
            ledger=ledger,
            may_reveal=may_reveal,
        )
    return _form_page(request, ledger, form, region)


@login_required
@require_safe
def export_run(request: HttpRequest, export_run_pk: int) -> HttpResponse:
    """The run's status page; polled by htmx for its progress partial until the run is finished."""
    run = runs.get_run(user=request.user, pk=export_run_pk)
    context = {"run": run, "may_download": runs.may_download(request.user, run), "keep": runs.KEEP.days}
    template = "ledgers/export_run.html#progress" if request.htmx else "ledgers/export_run.html"
    return render(request, template, context)


@login_required
@require_safe
def export_download(request: HttpRequest, export_run_pk: int) -> FileResponse:
    run = runs.get_run(user=request.user, pk=export_run_pk)
    handle = runs.open_download(user=request.user, run=run)
    response = FileResponse(handle, as_attachment=True, filename=f"{run.title}.xlsx", content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
def print_ledger(request: HttpRequest, slug: str) -> HttpResponse:
    """The ledger as an A4 roster. Opening it counts as printing it and is audited, with the
    purpose; full numbers only with the explicit choice (?full=1) and a purpose."""
    ledger = _ledger(request, slug)
    region = _region(request, request.GET.get("region", ""))
    year = _year(request.GET.get("year", ""))
    try:
        roster = service.print_roster(
            actor=request.user, ledger=ledger, region=region, year=year,
            full=request.GET.get("full") == "1", reason=request.GET.get("reason", "").strip()[:100],
        )  # fmt: skip
    except (service.TooLargeToPrint, ValidationError) as exc:
        messages.error(request, "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc))
        form = ExportForm(
            initial=_initial(ledger, region, request.GET.get("year", "")), ledger=ledger,
            may_reveal=request.user.can(Perm.REVEAL_PII),
        )  # fmt: skip
        return _form_page(request, ledger, form, region)
    return render(request, "ledgers/print_roster.html", {"roster": roster, "ledger": ledger})


def _initial(ledger: Ledger, region: Region, year: str) -> dict:
    return {"region": region.code, "year": service.effective_year(ledger, _year(year))}


def _form_page(request: HttpRequest, ledger: Ledger, form: ExportForm, region: Region) -> HttpResponse:
    context = {
        "ledger": ledger,
        "form": form,
        "region": region,
        "regions": service.export_regions(request.user),
        "full": request.user.can(Perm.REVEAL_PII),
        "large": service.LARGE,
        "background": runs.BACKGROUND_ABOVE,
    }
    return render(request, "ledgers/export_form.html", context)


@login_required
@require_POST
def campaign_export(request: HttpRequest, campaign_pk: int) -> FileResponse:
    """The campaign's 走访慰问登记表 for the user's part of it (the campaign's region, or his own
    region under a county's campaign), written during the request."""
    user = request.user
    campaign = care_selectors.get_campaign(user=user, pk=campaign_pk)
    lo, hi = campaign.region.bounds
    inside = [post.region for post in user.active_posts if post.region_id and lo <= post.region_id < hi]
    region = campaign.region if not inside else min(inside, key=lambda r: len(r.code.rstrip("0")))
    region = service.region_in_scope(user, region.code)
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    try:
        export = service.export_ledger(
            actor=user, ledger=campaign_ledger(campaign), region=region, year=None, target=handle, reason="走访慰问活动台账",
        )  # fmt: skip
    except BaseException:
        handle.close()
        raise
    handle.seek(0)
    response = FileResponse(handle, as_attachment=True, filename=f"{export.title}.xlsx", content_type=XLSX)
    response["Cache-Control"] = "private, no-store"
    return response

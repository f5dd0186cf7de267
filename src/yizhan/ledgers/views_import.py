"""Thin views of the import flow: upload (stored and queued) → the worker reads it → preview and
mapping → dry run / commit (queued, with a progress bar) → result, error report, cancel and undo.
No view parses a spreadsheet: the preview is what the worker read. Reads go through
importing.selectors (scoped, 404 when out of jurisdiction), writes through importing.services."""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from yizhan.accounts.roles import Perm
from yizhan.ledgers.forms import MappingForm, UploadForm
from yizhan.ledgers.importing import selectors, services
from yizhan.ledgers.importing.kinds import KINDS, field_choices
from yizhan.ledgers.importing.report import errors_of
from yizhan.ledgers.importing.undo import UndoRefused, undo_run
from yizhan.ledgers.models import RunStatus

SHOWN_ERRORS = 200


def _require_import(request: HttpRequest) -> None:
    if not services.can_import(request.user):
        raise PermissionDenied("您的岗位不能导入台账。")


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not (services.can_import(request.user) or request.user.can(Perm.EXPORT)):
        raise PermissionDenied("您的岗位没有台账功能。")
    runs = selectors.runs_visible_to(request.user)[:10]
    return render(
        request, "ledgers/import_index.html", {"runs": runs, "can_import": services.can_import(request.user)}
    )


@login_required
def upload(request: HttpRequest) -> HttpResponse:
    _require_import(request)
    posted = request.method == "POST"
    form = UploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        regions=selectors.regions_for_import(request.user),
    )
    if posted and form.is_valid():
        region = selectors.get_region_for_import(user=request.user, code=form.cleaned_data["region"])
        file = form.cleaned_data["file"]
        try:
            draft = services.upload(
                actor=request.user,
                kind=form.cleaned_data["kind"],
                region=region,
                file_name=file.name,
                chunks=file.chunks(),
            )
        except ValidationError as exc:
            form.add_error("file", exc.message_dict.get("file", exc.messages))
        else:
            return redirect("ledgers:import_preview", run_pk=draft.pk)
    return render(request, "ledgers/import_upload.html", {"form": form}, status=400 if posted else 200)


@login_required
def preview(request: HttpRequest, run_pk: int) -> HttpResponse:
    draft = selectors.get_draft(user=request.user, pk=run_pk)
    _require_import(request)
    if draft.status != RunStatus.DRAFT or request.htmx:  # with the worker, or refused by it
        return _reading(request, draft)
    posted = request.method == "POST"
    headers = {int(i): text for i, text in draft.preview.get("headers", {}).items()}
    rows = draft.preview.get("rows", [])
    form = MappingForm(
        request.POST if posted else None,
        initial={"header_row": draft.header_row},
        headers=headers,
        fields=field_choices(draft.kind),
        mapping=draft.mapping,
    )
    if posted and form.is_valid():
        header_row = form.cleaned_data["header_row"]
        try:
            if header_row != draft.header_row:  # another header row: the worker reads it afresh
                services.set_header_row(actor=request.user, draft=draft, header_row=header_row)
                return redirect("ledgers:import_preview", run_pk=draft.pk)
            services.set_mapping(
                actor=request.user, draft=draft, header_row=header_row, mapping=form.mapping()
            )
            if form.cleaned_data["template_name"]:
                services.save_template(
                    actor=request.user, draft=draft, name=form.cleaned_data["template_name"], headers=headers
                )
                messages.success(request, f"已保存模板“{form.cleaned_data['template_name']}”。")
            action = request.POST.get("action")
            if action in {"dry_run", "commit"}:
                run = services.start_run(actor=request.user, draft=draft, dry_run=action == "dry_run")
                return redirect("ledgers:run", run_pk=run.pk)
            return redirect("ledgers:import_preview", run_pk=draft.pk)
        except ValidationError as exc:
            form.add_error(None, exc.messages)
    columns = sorted(headers)
    context = {
        "draft": draft,
        "form": form,
        "rows": [(n, [cells[i] if i < len(cells) else "" for i in columns]) for n, cells in rows],
        "missing": _missing(draft),
    }
    return render(request, "ledgers/import_preview.html", context, status=400 if posted else 200)


def _reading(request: HttpRequest, draft) -> HttpResponse:
    """The upload while the worker reads it (polled), or the reason it refused the file."""
    if request.htmx:
        response = render(request, "ledgers/import_reading.html#reading", {"draft": draft})
        if draft.status not in {RunStatus.UPLOADED, RunStatus.READING}:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "ledgers/import_reading.html", {"draft": draft})


def _missing(draft) -> list[str]:
    present = set(draft.mapping.values())
    return [c.label for c in KINDS[draft.kind].columns if c.required and c.field not in present]


@login_required
def runs(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.runs_visible_to(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "ledgers/import_runs.html", {"page": page})


@login_required
def run(request: HttpRequest, run_pk: int) -> HttpResponse:
    run_ = selectors.get_run(user=request.user, pk=run_pk)
    if request.htmx:
        response = render(request, "ledgers/import_run.html#progress", {"run": run_})
        if run_.is_finished or run_.is_stale:
            response["HX-Refresh"] = "true"  # the whole page, now with the errors, report, undo
        return response
    errors = list(itertools.islice(errors_of(run_), SHOWN_ERRORS))
    context = {
        "run": run_,
        "errors": errors,
        "more_errors": run_.rejected > len({e["row"] for e in errors}),
    }
    return render(request, "ledgers/import_run.html", context)


@login_required
def run_report(request: HttpRequest, run_pk: int) -> FileResponse:
    run_ = selectors.get_run(user=request.user, pk=run_pk)
    # The report is the clerk's own sheet, full numbers included, so he can correct and re-import
    # it: only a post that may see full personal values downloads it.
    if not (request.user.can(Perm.EXPORT) and request.user.can(Perm.REVEAL_PII)):
        raise PermissionDenied("您的岗位不能下载含完整个人信息的错误报告。")
    if not run_.is_finished or run_.header_row is None or not Path(run_.source_path).is_file():
        raise Http404("没有可下载的错误报告。")
    # Closed by FileResponse when the download ends; deleted by the OS on close.
    handle = tempfile.TemporaryFile(suffix=".xlsx")  # noqa: SIM115
    services.write_error_report(actor=request.user, run=run_, out=handle)
    handle.seek(0)
    return FileResponse(handle, as_attachment=True, filename=f"错误报告-{Path(run_.file_name).stem}.xlsx")


@login_required
@require_POST
def run_cancel(request: HttpRequest, run_pk: int) -> HttpResponse:
    run_ = selectors.get_run(user=request.user, pk=run_pk)
    _require_import(request)
    try:
        services.cancel_run(actor=request.user, run=run_)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已取消导入 #{run_.pk}。已导入的批次保留，可撤销。")
    return redirect("ledgers:run", run_pk=run_.pk)


@login_required
@require_POST
def run_undo(request: HttpRequest, run_pk: int) -> HttpResponse:
    run_ = selectors.get_run(user=request.user, pk=run_pk)
    _require_import(request)
    try:
        undo_run(actor=request.user, run=run_)
    except UndoRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, f"已撤销导入 #{run_.pk}。")
    return redirect("ledgers:run", run_pk=run_.pk)

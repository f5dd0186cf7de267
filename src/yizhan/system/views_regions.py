"""Regions and grids (区划与网格): the region tree browsed and searched within one's reach, a
village added or a region renamed (a county officer in his county, an administrator anywhere),
an official code list loaded after a preview of what it changes (administrators), and the grids
under villages with their liaisons (also the station head). Each township's and village's kind
(街道/镇/乡, 居委会/村委会) comes from its code (regions.models.kind_of)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from yizhan.accounts.authority import check, holds_at, perm_bounds
from yizhan.accounts.roles import Perm, require
from yizhan.accounts.selectors import liaisons_for
from yizhan.core.forms import add_errors
from yizhan.core.scoping import get_in_scope
from yizhan.regions import loader
from yizhan.regions import services as region_services
from yizhan.regions.models import Level
from yizhan.system.forms import GridForm, RegionListForm, RenameForm, VillageForm
from yizhan.system.picker import REACH, picker, tree
from yizhan.system.selectors import grids_for, regions_for
from yizhan.worklist import services as task_services

BROWSE = Perm.MANAGE_GRIDS  # everyone who keeps grids browses the tree they lie in


@login_required
def region_pick(request: HttpRequest) -> HttpResponse:
    """The picker box of a form field, one level or one search at a time (htmx)."""
    reach = request.GET.get("reach", "")
    if reach not in REACH:
        raise Http404("未找到")
    require(request.user, REACH[reach])
    context = picker(
        request.user, reach, field=re.sub(r"\W", "", request.GET.get("field", "region")) or "region",
        node=request.GET.get("node", ""), query=request.GET.get("picker_q", ""),
    )  # fmt: skip
    return render(request, "system/_region_picker.html", {"picker": context})


def _region_page(request: HttpRequest, node_code: str, **forms) -> HttpResponse:
    user = request.user
    region_tree = tree(user, BROWSE, node_code=node_code, query=request.GET.get("q", ""))
    node = region_tree["node"]
    context = {"tree": region_tree, "area_key": "system", **forms}
    if node is not None:
        context["may_edit"] = holds_at(user, Perm.MANAGE_REGIONS, node.code)
        context.setdefault("rename_form", RenameForm(initial={"name": node.name}))
        if node.level == Level.TOWNSHIP and context["may_edit"]:
            context.setdefault("village_form", VillageForm(initial={"code": node.code[:9]}))
        if node.level == Level.VILLAGE:
            context["grids"] = grids_for(user).filter(village=node)
            context.setdefault("grid_form", GridForm(liaisons=liaisons_for(node)))
    context["grid_counts"] = dict(
        grids_for(user).filter(village__parent=node).values_list("village").annotate(n=Count("pk"))
    ) if node is not None else {}  # fmt: skip
    context["may_load"] = perm_bounds(user, Perm.MANAGE_REGIONS) is None
    return render(request, "system/regions.html", context)


@login_required
def regions(request: HttpRequest) -> HttpResponse:
    require(request.user, BROWSE)
    return _region_page(request, request.GET.get("region", ""))


def _editable(request: HttpRequest, code: str):
    """The region if the user may edit it; a region beyond his reach answers like a missing one."""
    region = get_in_scope(regions_for(request.user, BROWSE), code=code)
    check(holds_at(request.user, Perm.MANAGE_REGIONS, region.code))
    return region


@require_POST
@login_required
def region_rename(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_REGIONS)
    region = _editable(request, request.POST.get("region", ""))
    form = RenameForm(request.POST)
    if form.is_valid():
        try:
            region_services.rename_region(actor=request.user, region=region, name=form.cleaned_data["name"])
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已更名为 {region.name}。")
            return redirect(f"{reverse('system:regions')}?region={region.code}")
    return _region_page(request, region.code, rename_form=form)


@require_POST
@login_required
def village_add(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_REGIONS)
    township = _editable(request, request.POST.get("township", ""))
    form = VillageForm(request.POST)
    if form.is_valid():
        try:
            village = region_services.add_village(actor=request.user, township=township, **form.cleaned_data)
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已添加 {village.name}（{village.kind}）。")
            return redirect(f"{reverse('system:regions')}?region={township.code}")
    return _region_page(request, township.code, village_form=form)


def _save_grid(request: HttpRequest, village, grid=None) -> HttpResponse | GridForm:
    form = GridForm(request.POST, liaisons=liaisons_for(village))
    if form.is_valid():
        try:
            task_services.save_grid_and_hand_over(
                actor=request.user, village=village, grid=grid, **form.cleaned_data
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存网格 {form.cleaned_data['name']}。")
            return redirect(f"{reverse('system:regions')}?region={village.code}")
    return form


@require_POST
@login_required
def grid_add(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_GRIDS)
    village = get_in_scope(regions_for(request.user, Perm.MANAGE_GRIDS).filter(level=Level.VILLAGE),
                           code=request.POST.get("village", ""))  # fmt: skip
    answer = _save_grid(request, village)
    return (
        answer if isinstance(answer, HttpResponse) else _region_page(request, village.code, grid_form=answer)
    )


@login_required
def grid_edit(request: HttpRequest, grid_pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_GRIDS)
    grid = get_in_scope(grids_for(request.user), pk=grid_pk)
    if request.method == "POST":
        answer = _save_grid(request, grid.village, grid)
        if isinstance(answer, HttpResponse):
            return answer
        form = answer
    else:
        form = GridForm(
            initial={"name": grid.name, "liaison": grid.liaison_id or ""}, liaisons=liaisons_for(grid.village)
        )
    return render(request, "system/grid_form.html", {"grid": grid, "form": form})


# --- the official list ----------------------------------------------------------------------

UPLOAD_NAME = re.compile(r"^[0-9a-f]{32}$")
LIST_LIMIT = 64 * 1024 * 1024  # the national list is about 40 MB as CSV


def _upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "region-lists"


@login_required
def region_load(request: HttpRequest) -> HttpResponse:
    """Upload → preview of what changes → load. The list is public reference data, kept as a
    plain file between the two steps under a random name."""
    if perm_bounds(request.user, Perm.MANAGE_REGIONS) is not None or not request.user.can(
        Perm.MANAGE_REGIONS
    ):
        raise PermissionDenied("只有系统管理员可以载入区划代码表。")
    form = RegionListForm()
    if request.method == "POST" and "upload" in request.POST:
        name = request.POST["upload"]
        path = _upload_dir() / f"{name}.csv"
        if not UPLOAD_NAME.match(name) or not path.is_file():
            messages.error(request, "上传的文件已失效，请重新上传。")
            return redirect("system:region_load")
        entries = loader.read_region_list(path.read_bytes())
        changed = region_services.load_region_list(
            actor=request.user, entries=entries, file_name=request.POST.get("file_name", "")[:100]
        )
        path.unlink(missing_ok=True)
        messages.success(request, f"已载入 {len(entries)} 条区划，新增或更名 {changed} 条。")
        return redirect("system:regions")
    if request.method == "POST":
        form = RegionListForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > LIST_LIMIT:
                    raise ValueError("文件超过 64 MB，不像区划代码表。")
                raw = upload.read()
                entries = loader.read_region_list(raw)
            except ValueError as exc:
                form.add_error("file", str(exc))
            else:
                name = secrets.token_hex(16)
                _upload_dir().mkdir(parents=True, exist_ok=True)
                (_upload_dir() / f"{name}.csv").write_bytes(raw)
                context = {"preview": loader.preview(entries), "upload": name, "file_name": upload.name,
                           "rows": len(entries)}  # fmt: skip
                return render(request, "system/region_load.html", context)
    return render(request, "system/region_load.html", {"form": form})

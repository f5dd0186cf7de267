"""参数设置: every rule value DOMAIN.md sets per year or locality, by topic, for one region at a
time — the value in force there, where it comes from, who set it and when — and per value its
history and the form that changes it. The values with a table of their own (registration years,
intakes, allowance and bonus rates, the holiday calendar) keep their pages, linked from here with
their latest changes."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from yizhan.core.forms import add_errors
from yizhan.core.models import PolicyValue
from yizhan.core.policy import NATIONAL, may_change, policy_chain
from yizhan.core.policy_values import (
    AWAITING_READER,
    REGISTRY,
    TOPICS,
    PolicySpec,
    may_read_policies,
    readable_regions,
    row_in_force,
    set_policy_value,
    values_visible_to,
)
from yizhan.desk.selectors import events_visible_to
from yizhan.regions.models import Region
from yizhan.system.forms_policy import PolicyValueForm

# Topic → the pages of the values that have their own table, and the audit object type of
# their changes (shown as the topic's latest changes). The registration settings are per year:
# linked for this year and the next, for the chosen region.
BY_YEAR = {"conscription:settings"}
DEDICATED = {
    "registration": [("兵役登记时间与年龄（按年度）", "conscription:settings", "registration_year")],
    "conscription": [("征兵批次：报名、批准入伍日期与任务数", "conscription:index", "campaign")],
    "allowance": [("优待金年标准与增发（大学生、艰苦边远）", "benefits:allowance_rates", "allowance_rate")],
    "merit_notice": [("立功受奖奖励金标准", "benefits:bonus_rates", "bonus_rate")],
    "calendar": [("法定节假日与调休", "lifecycle:calendar", "calendar_day")],
}
RECENT = 5


@dataclass
class Line:
    """One value as the page shows it for the chosen region."""

    spec: PolicySpec
    shown: str
    row: PolicyValue | None  # None: the national default of the registry
    source: str
    own: bool  # set by the chosen region itself
    awaiting: str


def _labels(codes) -> dict[str, str]:
    names = dict(Region.objects.filter(code__in=[c for c in codes if c]).values_list("code", "name"))
    return {code: names.get(code, code) if code else "全国默认" for code in codes}


def _region(request: HttpRequest, codes: list[str]) -> str:
    """The region asked for (the user's most specific one by default); 404 for any other, the
    same for a foreign region as for one that does not exist."""
    asked = (request.POST or request.GET).get("region_code")
    if asked is None:
        return codes[-1]
    if asked not in codes:
        raise Http404
    return asked


def _reader(request: HttpRequest) -> list[str]:
    if not may_read_policies(request.user):
        raise Http404
    return readable_regions(request.user)


@login_required
def policy_index(request: HttpRequest) -> HttpResponse:
    codes = _reader(request)
    region = _region(request, codes)
    labels = _labels({*codes, *policy_chain(region)})
    today = timezone.localdate()
    lines: dict[str, list[Line]] = {key: [] for key, _ in TOPICS}
    for spec in REGISTRY.values():
        row = row_in_force(spec.name, region_code=region, on=today)
        value = spec.default if row is None else row.value
        lines[spec.topic].append(
            Line(
                spec=spec,
                shown=spec.show(value),
                row=row,
                source="全国默认（法规规定值）" if row is None else labels[row.region_code],
                own=row is not None and row.region_code == region,
                awaiting=AWAITING_READER.get(spec.name, ""),
            )
        )
    events = events_visible_to(request.user).order_by("-at")
    topics = [
        {
            "key": key,
            "label": label,
            "lines": lines[key],
            "pages": [
                {
                    "title": title,
                    "url": url,
                    "years": [today.year, today.year + 1] if url in BY_YEAR else [],
                    "recent": list(events.filter(object_type=object_type)[:RECENT]),
                }
                for title, url, object_type in DEDICATED.get(key, [])
            ],
        }
        for key, label in TOPICS
    ]
    context = {
        "area_key": "system",
        "regions": [(code, labels[code]) for code in codes],
        "region": region,
        "region_name": labels[region],
        "topics": topics,
    }
    return render(request, "system/policy_index.html", context)


@login_required
def policy_detail(request: HttpRequest, name: str) -> HttpResponse:
    codes = _reader(request)
    spec = REGISTRY.get(name)
    if spec is None:
        raise Http404
    region = _region(request, codes)
    user = request.user
    editable = may_change(user, region, departments=spec.departments)
    if request.method == "POST" and not editable:
        raise PermissionDenied(f"您的岗位不能修改{_labels([region])[region]}的{spec.label}。")
    today = timezone.localdate()
    current = row_in_force(spec.name, region_code=region, on=today)
    form = PolicyValueForm(
        request.POST or None,
        spec=spec,
        may_inherit=region != NATIONAL,
        initial={"effective_from": today, "value": spec.default if current is None else current.value},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            set_policy_value(
                actor=user,
                name=spec.name,
                region_code=region,
                effective_from=data["effective_from"],
                value=data["value"],
                inherits=data.get("inherits", False),
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已保存{_labels([region])[region]}的{spec.label}。")
            return redirect(f"{reverse('system:policy_detail', args=[spec.name])}?region_code={region}")
    chain = policy_chain(region)
    history = list(
        values_visible_to(user)
        .filter(name=spec.name, region_code__in=chain)
        .select_related("changed_by")
        .order_by("-effective_from", "-changed_at", "-pk")
    )
    labels = _labels({*codes, *chain})
    for row in history:
        row.region_name = labels.get(row.region_code, row.region_code)
        row.shown = "沿用上级" if row.inherits else spec.show(row.value)
        row.in_force = current is not None and row.pk == current.pk
        row.pending = row.effective_from > today
    context = {
        "area_key": "system",
        "spec": spec,
        "regions": [(code, labels[code]) for code in codes],
        "region": region,
        "region_name": labels[region],
        "current": current,
        "current_shown": spec.show(current.value if current else spec.default),
        "source": labels[current.region_code] if current else "全国默认（法规规定值）",
        "default_shown": spec.show(spec.default),
        "history": history,
        "form": form if editable else None,
        "awaiting": AWAITING_READER.get(spec.name, ""),
    }
    return render(request, "system/policy_value.html", context)

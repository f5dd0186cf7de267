"""操作日志 and 登录日志: the audit trail, scoped by region, filtered, exported as xlsx.

Read-only by design: the trail is append-only (audit.models) and kept for good, which covers
the 等保 minimum of 180 days; no page deletes or edits a row."""

from __future__ import annotations

import datetime
import io

import xlsxwriter
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_http_methods

from yizhan.accounts.roles import Perm, require
from yizhan.audit.labels import ACTIONS, action_label, object_label
from yizhan.audit.models import AuditEvent
from yizhan.core.dates import FactDateField
from yizhan.core.forms import StyledForm
from yizhan.core.idnumber import chinese_date
from yizhan.core.search import search_query
from yizhan.core.sheets import write_xlsx_row
from yizhan.desk import selectors
from yizhan.people.selectors import search_people
from yizhan.system import services

EXPORT_MAX_ROWS = 100_000  # a year of a county's trail; narrow the dates for more
LOGIN_RESULTS = {
    "login": "登录成功",
    "login_failed": "密码错误",
    "login.otp_failed": "验证码错误",
    "logout": "退出",
}
LOGOUT_REASONS = {"idle": "（超时未操作）", "max_age": "（超过最长时限）"}


class _DateRange(StyledForm):
    since = FactDateField(label="起始日期", required=False)
    until = FactDateField(label="截止日期", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("since", "until"):
            self.fields[name].error_messages["invalid"] = "日期格式应为 年-月-日，如 2027-01-31。"

    def clean(self):
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "截止日期不能早于起始日期。")
        return data


class OperationFilter(_DateRange):
    # Posted and kept in the session behind a token (core.search): a name or an ID number is
    # personal data, and an address ends up in the history, the access log and the Referer.
    person = forms.CharField(label="人员（姓名、拼音或身份证号）", required=False, max_length=50)
    actor = forms.CharField(label="操作人（用户名或姓名）", required=False, max_length=150)
    action = forms.ChoiceField(label="操作", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # By name, as a clerk looks for them (the audit labels registry, audit/labels.py).
        self.fields["action"].choices = [("", "全部操作"), *sorted(ACTIONS.items(), key=lambda kv: kv[1])]


class LoginFilter(_DateRange):
    account = forms.CharField(label="账号", required=False, max_length=150)
    result = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *LOGIN_RESULTS.items()])


def _operations(request: HttpRequest, form: OperationFilter) -> QuerySet[AuditEvent]:
    events = selectors.operations_visible_to(request.user)
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    ids = None
    if data["person"].strip():
        ids = [str(p.pk) for p in search_people(user=request.user, query=data["person"], limit=50)]
    return selectors.filtered(
        events,
        actor=data["actor"].strip(),
        action=data["action"],
        object_type="person",
        object_ids=ids,
        since=data["since"],
        until=data["until"],
    ).select_related("actor")


def _logins(request: HttpRequest, form: LoginFilter) -> QuerySet[AuditEvent]:
    events = selectors.logins_visible_to(request.user)
    if not form.is_valid():
        return events.none()
    data = form.cleaned_data
    events = selectors.filtered(events, action=data["result"], since=data["since"], until=data["until"])
    account = data["account"].strip()
    if account:
        events = events.filter(Q(actor__username=account) | Q(changes__username=account))
    return events.select_related("actor")


def _when(event: AuditEvent) -> str:
    at = timezone.localtime(event.at)
    return f"{chinese_date(at.date())} {at:%H:%M:%S}"


def _login_row(event: AuditEvent) -> list:
    account = event.actor.username if event.actor_id else event.changes.get("username", "")
    result = LOGIN_RESULTS.get(event.action, event.action)
    if event.action == "login_failed" and not event.object_id:
        result = "账号不存在"
    result += LOGOUT_REASONS.get(event.changes.get("reason", ""), "")
    return [
        _when(event),
        account,
        event.actor_name,
        result,
        event.ip or "",
        event.changes.get("user_agent", ""),
    ]


def _operation_row(event: AuditEvent) -> list:
    return [
        _when(event),
        event.actor_name or "系统",
        event.post,
        action_label(event.action),
        object_label(event.object_type),
        event.object_id,
        event.region_code,
        event.ip or "",
        event.reason,
    ]


LOGIN_HEADER = ["时间", "账号", "姓名", "结果", "IP", "浏览器"]
OPERATION_HEADER = ["时间", "操作人", "岗位", "操作", "对象", "编号", "区划", "IP", "事由"]
# Columns of values as typed or sent (a user name, a browser's user agent) or keys (an object's
# number, e.g. a ledger's or a year's), shown as data.
LOGIN_CODE_COLUMNS = {1, 5}
OPERATION_CODE_COLUMNS = {1, 5}


def _export(
    request: HttpRequest, *, events: QuerySet[AuditEvent], title: str, header: list, row, filters: dict
) -> HttpResponse:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(title)
    write_xlsx_row(sheet, 0, header)
    count = 0
    for count, event in enumerate(events.order_by("-id")[:EXPORT_MAX_ROWS].iterator(chunk_size=2000), 1):
        write_xlsx_row(sheet, count, row(event))
    book.close()
    services.record_log_export(actor=request.user, log=title, rows=count, filters=filters)
    filename = f"{title}-{datetime.date.today():%Y%m%d}.xlsx"
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _log(
    request: HttpRequest, *, title: str, header: list, code_columns: set[int], form, events, row
) -> HttpResponse:
    """The page of a log, or with `export` its xlsx."""
    if request.GET.get("export"):
        filters = {name: value for name, value in form.data.items() if value and name not in ("s", "export")}
        return _export(request, events=events, title=title, header=header, row=row, filters=filters)
    page = Paginator(events.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "area_key": "system",
        "title": title,
        "header": header,
        "code_columns": code_columns,
        "form": form,
        "page": page,
        "rows": [row(e) for e in page],
        "query": query.urlencode(),
        "posted": isinstance(form, OperationFilter),
    }
    return render(request, "system/log.html", context)


OPERATION_FILTERS = ("actor", "action", "since", "until", "export")


@login_required
@require_http_methods(["GET", "POST"])
def operations(request: HttpRequest) -> HttpResponse:
    """The filter is posted (it writes nothing but the session), then the page is the address
    with the person behind a token."""
    require(request.user, Perm.VIEW_AUDIT)
    person, address = search_query(request, keep=OPERATION_FILTERS, field="person", names_in_address=False)
    if address:
        return redirect(address)
    form = OperationFilter({**request.GET.dict(), "person": person})
    events = _operations(request, form)
    return _log(
        request,
        title="操作日志",
        header=OPERATION_HEADER,
        code_columns=OPERATION_CODE_COLUMNS,
        form=form,
        events=events,
        row=_operation_row,
    )


@login_required
@require_GET
def logins(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.VIEW_AUDIT)
    form = LoginFilter(request.GET)
    return _log(
        request,
        title="登录日志",
        header=LOGIN_HEADER,
        code_columns=LOGIN_CODE_COLUMNS,
        form=form,
        events=_logins(request, form),
        row=_login_row,
    )

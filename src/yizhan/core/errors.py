"""The error pages (400, 403, 404, 409, 500, CSRF failure): Chinese, in the app's layout, and
saying no more than the clerk may know — a 404 never tells missing from out of jurisdiction, no
page shows an exception's text unless it is one of our own Chinese sentences."""

from __future__ import annotations

import errno
import logging
import re
import sys

from django.core.exceptions import ValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template import loader

logger = logging.getLogger("yizhan.errors")
_CHINESE = re.compile(r"[\u4e00-\u9fff]")

NOT_ALLOWED = "您的岗位没有此项权限。"
DATABASE_DOWN = "数据库暂时无法连接，您的操作没有保存。请稍候片刻再试；如持续出现，请联系系统管理员。"
DISK_FULL = "服务器磁盘空间已满，文件没有保存（也没有留下不完整的文件）。请联系系统管理员清理空间后重新上传。"
# A full disk or a file-size limit: the write failed and nothing of it was kept.
_NO_SPACE = {errno.ENOSPC, errno.EFBIG, errno.EDQUOT}
CONFLICT = "保存失败：与已有的记录冲突（可能刚被他人登记或修改）。请刷新页面，核对后再试。"


def chinese_or(text: str, default: str) -> str:
    """Our own messages are Chinese sentences; anything else (a library's English) is replaced."""
    return text if text and _CHINESE.search(text) else default


def page(request: HttpRequest, status: int, title: str, *lines: str, **extra) -> HttpResponse:
    context = {"status": status, "title": title, "lines": lines, **extra}
    return render(request, "errors/page.html", context, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return page(request, 400, "请求无效", "提交的内容无法处理，请返回检查后重试。")


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    reason = str(exception.args[0]) if exception is not None and exception.args else ""
    return page(request, 403, "没有权限", chinese_or(reason, NOT_ALLOWED))


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    # The same words for a missing record and one outside the user's jurisdiction — and the same
    # bytes: without the CSRF token, whose random mask would differ from one answer to the next
    # (the layout's sign-out button then meets the CSRF page, which has one, and signs out from there).
    return page(request, 404, "未找到", "页面或记录不存在，或不在您的管辖范围内。", csrf_token="")


def server_error(request: HttpRequest) -> HttpResponse:
    # No request context: the layout's menu and user would ask the database, which may be down.
    # Django calls this inside its except block, so the exception is at hand.
    exception = sys.exc_info()[1]
    if isinstance(exception, OperationalError | InterfaceError):
        # The database is unreachable (restarting, network cut): the next request reconnects.
        response = _bare_page(503, "暂时无法服务", DATABASE_DOWN)
        response["Retry-After"] = "5"
        return response
    if isinstance(exception, OSError) and exception.errno in _NO_SPACE:
        # From the upload's own temporary file or from the sealed store: either way the write
        # failed whole (core.files removes its partial file) and its transaction rolled back.
        return _bare_page(507, "磁盘空间不足", DISK_FULL)
    return _bare_page(500, "系统出错", "系统处理时出错，已记录。请稍后重试；如仍出错，请联系系统管理员。")


def _bare_page(status: int, title: str, line: str) -> HttpResponse:
    body = loader.get_template("errors/page.html").render({"status": status, "title": title, "lines": [line]})
    return HttpResponse(body, status=status)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return page(
        request,
        403,
        "页面已过期",
        "为了安全，提交被拒绝：页面打开太久或已在别处退出登录。请刷新页面后重新提交。",
    )


class ErrorPagesMiddleware:
    """The last line for what a view let through: a database constraint becomes a Chinese 409
    (its name stays in the log), a service's ValidationError a Chinese 400 with its sentences."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, IntegrityError):
            logger.warning("integrity error reached a view: %s", exception)
            return page(request, 409, "保存失败", CONFLICT)
        if isinstance(exception, ValidationError):
            lines = [chinese_or(m, "提交的内容有误，请检查后重试。") for m in exception.messages]
            return page(request, 400, "提交的内容有误", *lines)
        return None

"""在线用户 (end a session) and 接口令牌 (issue with an expiry, list, revoke)."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from yizhan.accounts import sessions
from yizhan.accounts.models import ApiToken, User
from yizhan.accounts.roles import Perm, require
from yizhan.accounts.services import TokenRefused, issue_api_token, revoke_api_token
from yizhan.core.forms import StyledForm
from yizhan.desk.selectors import sessions_visible_to


@login_required
def online(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.END_SESSIONS)
    rows = sessions_visible_to(request.user)
    current = request.session.session_key
    return render(request, "system/online.html", {"area_key": "system", "rows": rows, "current": current})


@login_required
@require_POST
def end_session(request: HttpRequest, session_pk: int) -> HttpResponse:
    require(request.user, Perm.END_SESSIONS)
    # Out of the user's region answers like missing.
    active = get_object_or_404(sessions_visible_to(request.user), pk=session_pk)
    if active.session_key == request.session.session_key:
        messages.error(request, "不能在这里结束自己的会话，请用“退出”。")
    else:
        sessions.end(actor=request.user, active=active)
        messages.success(request, f"已结束 {active.user} 的会话。")
    return redirect("system:online")


class TokenForm(StyledForm):
    username = forms.CharField(label="账号（用户名）", max_length=150)
    name = forms.CharField(label="用途", max_length=100, help_text="如：区县人员库对接")
    expires_on = forms.DateField(
        label="有效期至", widget=forms.DateInput(attrs={"type": "date"}), help_text="到期当天 24 时起失效"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["required"] = "请填写此项。"
        self.fields["expires_on"].error_messages["invalid"] = "日期格式应为 年-月-日，如 2027-12-31。"

    def clean_username(self) -> User:
        user = User.objects.filter(username=self.cleaned_data["username"].strip()).first()
        if user is None:
            raise forms.ValidationError("没有这个账号。")
        return user

    def clean_expires_on(self) -> datetime.date:
        day = self.cleaned_data["expires_on"]
        if day < timezone.localdate():
            raise forms.ValidationError("有效期不能早于今天。")
        return day


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_TOKENS)
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        end_of_day = datetime.datetime.combine(
            form.cleaned_data["expires_on"] + datetime.timedelta(days=1), datetime.time.min
        )
        try:
            issued = issue_api_token(
                actor=request.user,
                user=form.cleaned_data["username"],
                name=form.cleaned_data["name"],
                expires_at=timezone.make_aware(end_of_day),
            )
        except TokenRefused as exc:
            form.add_error("username", str(exc))
        else:
            form = TokenForm()
    rows = tokens_of(request.user).order_by("-created_at")
    context = {"area_key": "system", "form": form, "rows": rows, "issued": issued}
    return render(request, "system/tokens.html", context)


def tokens_of(user: User):
    """Tokens are the administrators' to manage; for anyone else there are none (a token id
    answers 404, like a missing one)."""
    return (
        ApiToken.objects.select_related("user") if user.can(Perm.MANAGE_TOKENS) else ApiToken.objects.none()
    )


@login_required
@require_POST
def revoke_token(request: HttpRequest, token_pk: int) -> HttpResponse:
    token = get_object_or_404(tokens_of(request.user), pk=token_pk)
    revoke_api_token(actor=request.user, token=token)
    messages.success(request, f"已停用令牌“{token.name}”，立即生效。")
    return redirect("system:tokens")

"""Staff and posts (人员与岗位): the list by region tree, account creation with its first post,
lock and unlock, password reset, posts given through the region-tree picker and ended with a
preview of the work they hand back. A county officer and a station head see and manage what
accounts.authority (roles.GRANTS) lets them; an administrator everything."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from yizhan.accounts import authority, otp, services
from yizhan.accounts.roles import Perm, require
from yizhan.core.forms import add_errors
from yizhan.core.masking import mask_name
from yizhan.core.pinyin import query_kind
from yizhan.core.scoping import get_in_scope
from yizhan.people.selectors import people_visible_to, search_people
from yizhan.system.forms import AccountForm, PersonLinkForm, PostForm, StaffFilter
from yizhan.system.picker import picker, tree
from yizhan.system.selectors import posts_for, staff_for
from yizhan.worklist.selectors import open_work_of
from yizhan.worklist.services import end_post


@login_required
def staff_list(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_ACCOUNTS)
    filters = StaffFilter(request.GET)
    filters.is_valid()
    region_tree = tree(request.user, Perm.MANAGE_ACCOUNTS, node_code=request.GET.get("region", ""))
    users = staff_for(request.user, region=region_tree["node"], **filters.cleaned_data)
    page = Paginator(users.prefetch_related("posts__region"), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "system/staff_list.html",
        {"filters": filters, "tree": region_tree, "page": page, "area_key": "system"},
    )


def _show_password(request: HttpRequest, user, password: str, *, first: bool) -> HttpResponse:
    """The one time a password is shown: in this answer only (never in a message or the
    session); the views that call this are never_cache."""
    return render(
        request, "system/staff_password.html", {"account": user, "password": password, "first": first}
    )


@never_cache
@login_required
def staff_create(request: HttpRequest) -> HttpResponse:
    require(request.user, Perm.MANAGE_ACCOUNTS)
    form = AccountForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        region = data["region"]
        try:
            user, password = services.create_account(
                actor=request.user, username=data["username"], display_name=data["display_name"],
                role=data["role"], department=data["department"], region_code=region.code if region else None,
                title=data["title"],
            )  # fmt: skip
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            return _show_password(request, user, password, first=True)
    return render(request, "system/staff_form.html", {"form": form, "picker": _post_picker(request, form)})


def _post_picker(request: HttpRequest, form) -> dict:
    return picker(
        request.user, "accounts", label="岗位所在区划", selected=form.data.get("region", ""),
        errors=form.errors.get("region", ()),
    )  # fmt: skip


def _managed(request: HttpRequest, user_pk: int):
    """The account, or 404 — the same for one outside the manager's reach as for a missing one."""
    return get_in_scope(staff_for(request.user), pk=user_pk)


@login_required
def staff_detail(request: HttpRequest, user_pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_ACCOUNTS)
    account = _managed(request, user_pk)
    form = PostForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            post = services.grant_post(
                actor=request.user, user=account, role=data["role"], department=data["department"],
                region_code=data["region"].code if data["region"] else None, title=data["title"],
            )  # fmt: skip
        except ValidationError as exc:
            add_errors(form, exc)
        else:
            messages.success(request, f"已设置岗位：{post}")
            return redirect("system:staff_detail", user_pk=account.pk)
    return _detail(request, account, form=form)


def _detail(request: HttpRequest, account, *, form=None, person_form=None) -> HttpResponse:
    form = form or PostForm(user=request.user)
    posts = [(p, authority.may_end(request.user, p)) for p in account.posts.select_related("region")]
    # His own registry person, named only to those who may see that person.
    person = (
        people_visible_to(request.user).filter(pk=account.person_id).first() if account.person_id else None
    )
    return render(
        request,
        "system/staff_detail.html",
        {
            "account": account, "posts": posts, "form": form, "picker": _post_picker(request, form),
            "manageable": authority.may_manage(request.user, account), "person": person,
            "otp_enabled": otp.enabled(account),
            "person_form": person_form or PersonLinkForm(), "links_people": request.user.can(Perm.VIEW_PEOPLE),
        },
    )  # fmt: skip


@require_POST
@login_required
def staff_person(request: HttpRequest, user_pk: int) -> HttpResponse:
    """Links the account to his own registry person, found by ID number among the people the
    manager sees (a person outside them is "not found", like a missing one); or unlinks it."""
    require(request.user, Perm.VIEW_PEOPLE)
    account = _managed(request, user_pk)
    form = PersonLinkForm(request.POST)
    if request.POST.get("action") == "unlink":
        services.link_person(actor=request.user, user=account, person=None)
        messages.success(request, "已取消关联。")
        return redirect("system:staff_detail", user_pk=account.pk)
    if form.is_valid():
        number = form.cleaned_data["id_number"]
        found = (
            search_people(user=request.user, query=number, limit=2)
            if query_kind(number) == "id_number"
            else []
        )
        if len(found) != 1:
            form.add_error("id_number", "未找到该身份证号的人员。")
        else:
            try:
                services.link_person(actor=request.user, user=account, person=found[0])
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(request, f"已关联本人登记信息：{found[0].name}。")
                return redirect("system:staff_detail", user_pk=account.pk)
    return _detail(request, account, person_form=form)


@require_POST
@login_required
def staff_lock(request: HttpRequest, user_pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_ACCOUNTS)
    account = _managed(request, user_pk)
    locked = request.POST.get("action") == "lock"
    services.set_locked(actor=request.user, user=account, locked=locked)
    messages.success(request, f"已{'锁定' if locked else '解锁'}账号 {account.username}。")
    return redirect("system:staff_detail", user_pk=account.pk)


@never_cache
@require_POST
@login_required
def staff_reset(request: HttpRequest, user_pk: int) -> HttpResponse:
    require(request.user, Perm.MANAGE_ACCOUNTS)
    account = _managed(request, user_pk)
    return _show_password(
        request, account, services.reset_password(actor=request.user, user=account), first=False
    )


@require_POST
@login_required
def staff_otp_reset(request: HttpRequest, user_pk: int) -> HttpResponse:
    """A lost authenticator: the manager removes the account's second factor, with a reason; the
    holder enrols again at his next login if his role requires it."""
    require(request.user, Perm.MANAGE_ACCOUNTS)
    account = _managed(request, user_pk)
    try:
        otp.disable(actor=request.user, user=account, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"已重置 {account.username} 的双因素登录，对方下次登录时重新绑定。")
    return redirect("system:staff_detail", user_pk=account.pk)


@login_required
def post_end(request: HttpRequest, post_pk: int) -> HttpResponse:
    """GET: what ending the post hands back to the station; POST: end it."""
    require(request.user, Perm.MANAGE_ACCOUNTS)
    post = get_in_scope(posts_for(request.user).select_related("user", "region"), pk=post_pk)
    authority.check(authority.may_end(request.user, post))
    if request.method == "POST":
        end_post(actor=request.user, post=post)
        messages.success(request, f"已结束岗位：{post}")
        return redirect("system:staff_detail", user_pk=post.user_id)
    # An administrator sees no personal data: the names of the work's subjects are masked for him.
    shown = str if request.user.can(Perm.VIEW_PEOPLE) else mask_name
    tasks = [
        (task, shown(task.subject_name)) for task in open_work_of(post).select_related("person", "household")
    ]
    return render(request, "system/post_end.html", {"post": post, "tasks": tasks})

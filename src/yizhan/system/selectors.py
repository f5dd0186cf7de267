"""Scoped reads of the 系统 pages: staff, posts, regions, grids and devices a manager may see.

A manager's reach is the ranges of his posts that carry the permission (accounts.authority);
None is an administrator's: everything. Every range goes through core.scopes, like every other
read."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from yizhan.accounts.authority import perm_bounds
from yizhan.accounts.models import Device, Post, User
from yizhan.accounts.roles import ROLE_PERMISSIONS, Perm
from yizhan.core.scopes import covers, within
from yizhan.regions.models import Grid, Region


def _rows(model, label: str, user: User, perm: str) -> QuerySet:
    bounds = perm_bounds(user, perm)
    return model.objects.all() if bounds is None else model.objects.filter(within(label, bounds))


def regions_for(user: User, perm: str) -> QuerySet[Region]:
    return _rows(Region, "regions.Region", user, perm)


def region_roots(user: User, perm: str) -> list[Region]:
    """Where the user's tree starts: his posts' regions (the outermost), or the provinces for an
    administrator."""
    if perm_bounds(user, perm) is None:
        return list(Region.objects.filter(parent__isnull=True))
    regions = {p.region for p in user.active_posts if p.region_id and perm in ROLE_PERMISSIONS[p.role]}
    outermost = [r for r in regions if not any(o != r and covers([o.bounds], r.code) for o in regions)]
    return sorted(outermost, key=lambda r: r.code)


def posts_for(user: User) -> QuerySet[Post]:
    return _rows(Post, "accounts.Post", user, Perm.MANAGE_ACCOUNTS)


def staff_for(
    user: User, *, region: Region | None = None, role: str = "", department: str = "", state: str = ""
) -> QuerySet[User]:
    """The accounts holding (or having held) a post the user can see, filtered; an administrator
    also sees accounts without any post (administrators' own)."""
    bounds = perm_bounds(user, Perm.MANAGE_ACCOUNTS)
    posts = posts_for(user)
    if region is not None:
        posts = posts.filter(within("accounts.Post", [region.bounds]))
    if role:
        posts = posts.filter(role=role)
    if department:
        posts = posts.filter(department=department)
    users = User.objects.all()
    if bounds is not None or region is not None or role or department:
        users = users.filter(Exists(posts.filter(user=OuterRef("pk"))))
    active = Exists(Post.objects.filter(Post.active_q(), user=OuterRef("pk")))
    if state == "active":
        users = users.filter(active, is_active=True)
    elif state == "locked":
        users = users.filter(is_active=False)
    elif state == "ended":
        users = users.exclude(active)
    return users.order_by("username")


def grids_for(user: User) -> QuerySet[Grid]:
    return _rows(Grid, "regions.Grid", user, Perm.MANAGE_GRIDS).select_related("village", "liaison")


def devices_for(user: User) -> QuerySet[Device]:
    return _rows(Device, "accounts.Device", user, Perm.MANAGE_DEVICES).select_related("region", "issued_by")

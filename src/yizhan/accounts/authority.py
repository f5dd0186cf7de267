"""Who may give, end and manage which posts: roles.GRANTS read against the actor's own posts.

Checks only (no queries beyond the actor's and target's posts): the services call them so that a
write is refused whatever page or command it comes from; the 系统 pages' selectors narrow their
lists with the same ranges.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import GRANTS, ROLE_PERMISSIONS, Role

Bounds = list[tuple[str, str]]


def perm_bounds(user: User, perm: str) -> Bounds | None:
    """The code ranges where the user holds `perm`; None means everywhere (an administrator)."""
    posts = [p for p in user.active_posts if perm in ROLE_PERMISSIONS[p.role]]
    if any(p.role == Role.SYSADMIN for p in posts):
        return None
    return [p.region.bounds for p in posts if p.region_id]


def grant_bounds(user: User, role: str) -> Bounds | None:
    """The code ranges where the user may give a post of `role`; None: anywhere."""
    posts = [p for p in user.active_posts if role in GRANTS.get(p.role, ())]
    if any(p.role == Role.SYSADMIN for p in posts):
        return None
    return [p.region.bounds for p in posts if p.region_id]


def grantable_roles(user: User) -> list[str]:
    roles: set[str] = set()
    for post in user.active_posts:
        roles |= GRANTS.get(post.role, frozenset())
    return [r for r in Role if r in roles]


def _within(bounds: Bounds, code: str | None) -> bool:
    return code is not None and any(lo <= code < hi for lo, hi in bounds)


def holds_at(user: User | None, perm: str, code: str) -> bool:
    """Whether the user holds `perm` at the region `code` (no user: the operator's commands)."""
    if user is None:
        return True
    bounds = perm_bounds(user, perm)
    return bounds is None or _within(bounds, code)


def may_grant(actor: User | None, *, role: str, region_code: str | None) -> bool:
    """Whether the actor may give (or end) a post of `role` at `region_code`. No actor: the
    command line and the demo seed, run by the operator."""
    if actor is None:
        return True
    if (role == Role.SYSADMIN) != (region_code is None):
        return False
    bounds = grant_bounds(actor, role)  # [] when none of his posts gives this role
    return bounds is None or _within(bounds, region_code)


def may_manage(actor: User | None, user: User) -> bool:
    """Whether the actor may lock, unlock and reset the password of `user`: every post the user
    holds (or, if none is active, ever held) is one the actor may give. Never his own account:
    his own password is changed on the change-password page."""
    if actor is None:
        return True
    if actor.pk == user.pk:
        return False
    posts = user.active_posts or list(user.posts.select_related("region"))
    if not posts:
        return grant_bounds(actor, Role.SYSADMIN) is None  # an account without posts: administrators
    return all(may_grant(actor, role=p.role, region_code=p.region_id) for p in posts)


def may_end(actor: User | None, post: Post) -> bool:
    return post.ended_on is None and may_grant(actor, role=post.role, region_code=post.region_id)


def check(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("您的岗位无权管理该账号或岗位。")

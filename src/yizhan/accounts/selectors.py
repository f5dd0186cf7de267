"""Reads on staff that the accounts services share with the 系统 pages."""

from __future__ import annotations

from django.db.models import QuerySet

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import Role
from yizhan.regions.models import Region, parent_code


def user_with_posts(posts: QuerySet[Post]) -> User | None:
    """The active user whose active posts these are (the filter names one user), read in one
    query with his posts and their regions, which fills `user.active_posts` as its own query
    would; None when there is none (an ended post, a locked account). A request's user costs
    one query instead of two (the sign-in session's and a bearer token's alike)."""
    found = list(posts.filter(Post.active_q(), user__is_active=True).select_related("user", "region"))
    if not found:
        return None
    user = found[0].user
    user.__dict__["active_posts"] = found  # the cached_property
    for post in found:
        post.user = user
    return user


def liaisons_for(village: Region) -> QuerySet[User]:
    """The users with an active liaison post at this village or a region above it: who may look
    after one of its grids."""
    covering, code = [], village.code
    while code is not None:
        covering.append(code)
        code = parent_code(code)
    posts = Post.objects.filter(Post.active_q(), role=Role.VILLAGE_LIAISON, region_id__in=covering)
    return User.objects.filter(is_active=True, posts__in=posts).distinct().order_by("username")

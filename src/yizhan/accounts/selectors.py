"""Reads on staff that the accounts services share with the 系统 pages."""

from __future__ import annotations

from django.db.models import QuerySet

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import Role
from yizhan.regions.models import Region, parent_code


def liaisons_for(village: Region) -> QuerySet[User]:
    """The users with an active liaison post at this village or a region above it: who may look
    after one of its grids."""
    covering, code = [], village.code
    while code is not None:
        covering.append(code)
        code = parent_code(code)
    posts = Post.objects.filter(Post.active_q(), role=Role.VILLAGE_LIAISON, region_id__in=covering)
    return User.objects.filter(is_active=True, posts__in=posts).distinct().order_by("username")

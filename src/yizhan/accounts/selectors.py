"""Reads on staff that the accounts services share with the 系统 pages."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone

from yizhan.accounts.models import Post, User
from yizhan.accounts.roles import Role
from yizhan.regions.models import Region, parent_code
from yizhan.statements import Statements


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


_USER = [f.attname for f in User._meta.concrete_fields]
_POST = [f.attname for f in Post._meta.concrete_fields]
_REGION = [f.attname for f in Region._meta.concrete_fields]
_STATEMENTS = Statements()


def user_for_token_hash(key_hash: str) -> User | None:
    """user_with_posts for the API token whose SHA-256 this is (unrevoked, unexpired), read
    through a statement compiled once a day (yizhan/statements.py): the token is checked on every
    API call, and compiling its query cost more than running it."""
    today = timezone.localdate()

    def build(word: str) -> QuerySet:
        posts = Post.objects.filter(
            Post.active_q(today),
            user__is_active=True,
            user__api_tokens__key_hash=word,
            user__api_tokens__revoked_at__isnull=True,
        )
        return posts.values_list(
            *_POST, *(f"user__{f}" for f in _USER), *(f"region__{f}" for f in _REGION),
            "user__api_tokens__expires_at",
        )  # fmt: skip

    rows = _STATEMENTS.rows(("token", today, Post.objects.db), key_hash, build)
    if rows is None:
        rows = list(build(key_hash))
    now = timezone.now()
    rows = [row for row in rows if row[-1] is None or row[-1] > now]
    if not rows:
        return None
    db, users_at, regions_at = Post.objects.db, len(_POST), len(_POST) + len(_USER)
    user = User.from_db(db, _USER, rows[0][users_at:regions_at])
    posts = []
    for row in rows:
        post = Post.from_db(db, _POST, row[:users_at])
        post.user = user
        if row[regions_at] is not None:
            post.region = Region.from_db(db, _REGION, row[regions_at:-1])
        posts.append(post)
    user.__dict__["active_posts"] = posts  # the cached_property
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

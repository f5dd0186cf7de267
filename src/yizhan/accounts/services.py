"""Writes on staff accounts and posts; each one audited."""

from __future__ import annotations

import hashlib
import secrets

from django.core.cache import cache
from django.db import transaction

from yizhan.accounts.models import ApiToken, Post, User
from yizhan.audit.services import record
from yizhan.text import check_name


@transaction.atomic
def create_user(*, actor: User | None, username: str, display_name: str, password: str) -> User:
    check_name(display_name, field="display_name")
    user = User(username=username, display_name=display_name)
    user.set_password(password)
    user.save()
    record(
        actor=actor,
        action="user.create",
        object_type="user",
        object_id=user.pk,
        changes={"username": username},
    )
    return user


@transaction.atomic
def grant_post(
    *, actor: User | None, user: User, role: str, department: str, region_code: str | None, title: str = ""
) -> Post:
    post = Post.objects.create(
        user=user, role=role, department=department, region_id=region_code, title=title
    )
    record(
        actor=actor,
        action="post.grant",
        object_type="post",
        object_id=post.pk,
        region_code=region_code or "",
        changes={"user": user.username, "role": role, "department": department, "title": title},
    )
    return post


@transaction.atomic
def issue_api_token(*, actor: User | None, user: User, name: str) -> str:
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(user=user, name=name, key_hash=hashlib.sha256(token.encode()).hexdigest())
    record(
        actor=actor, action="api_token.issue", object_type="user", object_id=user.pk, changes={"name": name}
    )
    return token


# An integration calls the API many times a second; the token's user and his posts are kept for
# this long (per process), so a revoked token or an ended post takes effect within a minute.
TOKEN_CACHE_SECONDS = 60


def user_for_token(token: str) -> User | None:
    digest = hashlib.sha256(token.encode()).hexdigest()
    key = f"api-token:{digest}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    found = ApiToken.objects.filter(key_hash=digest, revoked_at__isnull=True).select_related("user").first()
    if found is None or not found.user.is_active or not found.user.active_posts:
        return None
    user = found.user
    _ = user.permissions, user.scope_bounds, user.menu_areas  # computed once, cached with the user
    cache.set(key, user, TOKEN_CACHE_SECONDS)
    return user

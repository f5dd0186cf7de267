"""Writes on staff accounts and posts; each one audited."""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from yizhan.accounts import authority
from yizhan.accounts.models import ApiToken, Device, PasswordHistory, Post, User
from yizhan.accounts.roles import Perm, Role
from yizhan.accounts.selectors import liaisons_for, user_for_token_hash
from yizhan.audit.services import record
from yizhan.regions.models import Grid, Region
from yizhan.text import check_name

USERNAME_RULE = "用户名为 3–30 位小写字母、数字或下划线，以字母开头。"


def _check_username(username: str) -> None:
    if not (3 <= len(username) <= 30 and username[0].isascii() and username[0].islower()) or not all(
        c.isascii() and (c.islower() or c.isdigit() or c == "_") for c in username
    ):
        raise ValidationError({"username": USERNAME_RULE})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": "该用户名已被使用。"})


@transaction.atomic
def create_user(
    *, actor: User | None, username: str, display_name: str, password: str, must_change_password: bool = False
) -> User:
    check_name(display_name, field="display_name")
    user = User(username=username, display_name=display_name, must_change_password=must_change_password)
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


def first_password() -> str:
    """A one-time password handed over in person: 12 characters of three kinds (the password
    policy's minimum), without look-alikes (0/O, 1/l/I) so it is read out without mistakes."""
    lower, upper, digits = "abcdefghijkmnpqrstuvwxyz", "ABCDEFGHJKLMNPQRSTUVWXYZ", "23456789"
    while True:
        word = "".join(secrets.choice(lower + upper + digits) for _ in range(12))
        if all(any(c in kind for c in word) for kind in (lower, upper, digits)):
            return word


@transaction.atomic
def create_account(
    *,
    actor: User | None,
    username: str,
    display_name: str,
    role: str,
    department: str,
    region_code: str | None,
    title: str = "",
) -> tuple[User, str]:
    """A new staff account with its first post and a first password, returned to be shown once;
    the holder must change it at his first login. Only someone who may give that post creates it,
    so no account exists outside a manager's reach."""
    authority.check(authority.may_grant(actor, role=role, region_code=region_code))
    _check_username(username)
    password = first_password()
    user = create_user(
        actor=actor,
        username=username,
        display_name=display_name,
        password=password,
        must_change_password=True,
    )
    grant_post(actor=actor, user=user, role=role, department=department, region_code=region_code, title=title)
    return user, password


@transaction.atomic
def reset_password(*, actor: User | None, user: User) -> str:
    """A new one-time password (shown once); the holder must change it at his next login."""
    authority.check(authority.may_manage(actor, user))
    password = first_password()
    user.set_password(password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    record(actor=actor, action="user.reset_password", object_type="user", object_id=user.pk)
    return password


@transaction.atomic
def set_locked(*, actor: User | None, user: User, locked: bool) -> User:
    """A locked account cannot sign in (its posts stay: unlocking gives the same work back)."""
    authority.check(authority.may_manage(actor, user))
    if user.is_active == (not locked):
        return user
    user.is_active = not locked
    user.save(update_fields=["is_active"])
    record(
        actor=actor, action="user.lock" if locked else "user.unlock", object_type="user", object_id=user.pk
    )
    return user


@transaction.atomic
def link_person(*, actor: User | None, user: User, person) -> User:
    """Links the account to its holder's own registry person (None: unlinks). The caller found
    the person through the actor's jurisdiction; the two records stay separate."""
    authority.check(authority.may_manage(actor, user))
    if person is not None and User.objects.filter(person=person).exclude(pk=user.pk).exists():
        raise ValidationError({"id_number": "该人员已关联其他账号。"})
    if user.person_id == (person.pk if person else None):
        return user
    region = person.region_id if person is not None else ""
    user.person = person
    user.save(update_fields=["person"])
    record(
        actor=actor, action="user.link_person" if person else "user.unlink_person", object_type="user",
        object_id=user.pk, region_code=region, changes={"person": person.pk if person else ""},
    )  # fmt: skip
    return user


@transaction.atomic
def grant_post(
    *, actor: User | None, user: User, role: str, department: str, region_code: str | None, title: str = ""
) -> Post:
    authority.check(authority.may_grant(actor, role=role, region_code=region_code))
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


class TokenRefused(ValueError):
    """An API token the policy does not allow (the message is Chinese)."""


@transaction.atomic
def issue_api_token(
    *, actor: User | None, user: User, name: str, expires_at: datetime.datetime | None = None
) -> str:
    """A new token (returned once; only its hash is kept). Administrators get none: a token
    acting as a sysadmin would bypass his second factor."""
    if any(p.role == Role.SYSADMIN for p in user.active_posts):
        raise TokenRefused("系统管理员账号不能持有接口令牌。")
    if not user.active_posts:
        raise TokenRefused("该账号没有有效岗位，不能持有接口令牌。")
    if expires_at is not None and expires_at <= timezone.now():
        raise TokenRefused("有效期须晚于现在。")
    token = secrets.token_urlsafe(32)
    issued = ApiToken.objects.create(user=user, name=name, key_hash=token_hash(token), expires_at=expires_at)
    record(
        actor=actor,
        action="api_token.issue",
        object_type="api_token",
        object_id=issued.pk,
        changes={
            "user": user.username,
            "name": name,
            "expires_at": expires_at.isoformat() if expires_at else "",
        },
    )
    return token


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(
            actor=actor,
            action="api_token.revoke",
            object_type="api_token",
            object_id=token.pk,
            changes={"user": token.user.username, "name": token.name},
        )
    return token


def user_for_token(token: str) -> User | None:
    """The user a bearer token acts as, read from the database on every call: a revoked or
    expired token, an ended post or a locked account stops answering at once. (A per-process
    cache used to keep a revoked token alive for a minute.) One query (user_for_token_hash)."""
    user = user_for_token_hash(token_hash(token))
    if user is None or any(p.role == Role.SYSADMIN for p in user.active_posts):
        return None
    return user


def password_expired(user: User) -> bool:
    """Older than PASSWORD_MAX_AGE_DAYS (counted from the account's creation when it was never
    changed)."""
    changed = user.password_changed_at or user.date_joined
    return changed + datetime.timedelta(days=settings.PASSWORD_MAX_AGE_DAYS) <= timezone.now()


@transaction.atomic
def change_password(*, actor: User, user: User, password: str) -> User:
    """Sets the user's own new password after the policy's checks (ValidationError with the
    Chinese reasons); the one it replaces joins the history the policy compares with."""
    validate_password(password, user=user)
    if user.password:
        PasswordHistory.objects.create(user=user, password=user.password)
    # The current password plus this many earlier ones make "the last PASSWORD_HISTORY".
    keep = PasswordHistory.objects.filter(user=user).values_list("pk", flat=True)[
        : settings.PASSWORD_HISTORY - 1
    ]
    PasswordHistory.objects.filter(user=user).exclude(pk__in=list(keep)).delete()
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    record(actor=actor, action="user.change_password", object_type="user", object_id=user.pk)
    return user


@transaction.atomic
def issue_device(*, actor: User | None, region_code: str, kind: str, name: str) -> tuple[Device, str]:
    """A device token for a station's kiosk or screen (or a county's 大屏), returned to be shown
    once; only its SHA-256 is kept."""
    authority.check(authority.holds_at(actor, Perm.MANAGE_DEVICES, region_code))
    if not name.strip():
        raise ValidationError({"name": "请填写设备名称。"})
    token = secrets.token_urlsafe(32)
    device = Device.objects.create(
        region_id=region_code, kind=kind, name=name.strip(), issued_by=actor, key_hash=token_hash(token)
    )
    record(
        actor=actor, action="device.issue", object_type="device", object_id=device.pk,
        region_code=region_code, changes={"name": device.name, "kind": kind},
    )  # fmt: skip
    return device, token


@transaction.atomic
def revoke_device(*, actor: User | None, device: Device) -> Device:
    """Takes effect on the device's next request: devices are looked up afresh every time."""
    authority.check(authority.holds_at(actor, Perm.MANAGE_DEVICES, device.region_id))
    if device.revoked_at is not None:
        return device
    device.revoked_at = timezone.now()
    device.save(update_fields=["revoked_at"])
    record(
        actor=actor, action="device.revoke", object_type="device", object_id=device.pk,
        region_code=device.region_id,
    )  # fmt: skip
    return device


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def save_grid(
    *, actor: User | None, village: Region, name: str, liaison: User | None, grid: Grid | None = None
) -> Grid:
    """Creates a grid (网格) under a village, or renames it and changes its liaison. A liaison
    is a staff assignment like a post, so it lives here rather than in regions."""
    authority.check(authority.holds_at(actor, Perm.MANAGE_GRIDS, village.code))
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写网格名称。"})
    if liaison is not None and not liaisons_for(village).filter(pk=liaison.pk).exists():
        raise ValidationError({"liaison": "请选择本村（社区）的联络员。"})
    if Grid.objects.filter(village=village, name=name).exclude(pk=grid.pk if grid else None).exists():
        raise ValidationError({"name": "该村（社区）已有同名网格。"})
    created = grid is None
    grid = grid or Grid(village=village)
    grid.name, grid.liaison = name, liaison
    grid.save()
    record(
        actor=actor, action="grid.create" if created else "grid.update", object_type="grid",
        object_id=grid.pk, region_code=village.code,
        changes={"name": name, "liaison": liaison.username if liaison else ""},
    )  # fmt: skip
    return grid

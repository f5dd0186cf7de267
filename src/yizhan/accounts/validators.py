"""The 等保 password policy, one validator per rule, each message in Chinese (settings
AUTH_PASSWORD_VALIDATORS lists them; Django runs every one and shows every failure)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError

MIN_LENGTH = 10
MIN_KINDS = 3


def _kinds(password: str) -> int:
    """Upper-case letters, lower-case letters, digits, anything else (punctuation, Chinese)."""
    return sum(
        [
            any(c.isascii() and c.isupper() for c in password),
            any(c.isascii() and c.islower() for c in password),
            any(c.isdigit() for c in password),
            any(not (c.isascii() and c.isalnum()) for c in password),
        ]
    )


class LengthAndKindsValidator:
    def validate(self, password: str, user=None) -> None:
        if len(password) < MIN_LENGTH or _kinds(password) < MIN_KINDS:
            raise ValidationError(
                f"密码至少 {MIN_LENGTH} 位，并包含大写字母、小写字母、数字、符号中的至少 {MIN_KINDS} 种。",
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return f"至少 {MIN_LENGTH} 位，含大写字母、小写字母、数字、符号中的至少 {MIN_KINDS} 种。"


class NotContainingUsernameValidator:
    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if username and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_contains_username")

    def get_help_text(self) -> str:
        return "不能包含用户名。"


class NotDemoPasswordValidator:
    """The published demo password never protects a real account."""

    def validate(self, password: str, user=None) -> None:
        if password == settings.YIZHAN_DEMO_PASSWORD and settings.YIZHAN_MODE == "production":
            raise ValidationError("不能使用演示密码。", code="demo_password")

    def get_help_text(self) -> str:
        return "生产模式下不能使用演示密码。"


class NotRecentlyUsedValidator:
    """None of the last PASSWORD_HISTORY passwords again: the current one and those it replaced
    (accounts.services.change_password keeps them)."""

    def validate(self, password: str, user=None) -> None:
        if user is None or user.pk is None:
            return
        earlier = [user.password] if user.password else []
        earlier += list(
            user.password_history.values_list("password", flat=True)[: settings.PASSWORD_HISTORY - 1]
        )
        if any(check_password(password, encoded) for encoded in earlier):
            raise ValidationError(
                f"不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同。", code="password_reused"
            )

    def get_help_text(self) -> str:
        return f"不能与最近 {settings.PASSWORD_HISTORY} 次使用过的密码相同。"

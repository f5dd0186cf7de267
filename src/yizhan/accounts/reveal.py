"""The masking rule for every export and print, in one function.

Masked by default, for every role — the holder of `reveal_pii` too. Full personal numbers only when
the user holds the permission, asks for them explicitly (the "显示完整号码" choice) and gives a
purpose; the caller records the purpose in the export's or print's audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError

from yizhan.accounts.roles import Perm

if TYPE_CHECKING:
    from yizhan.accounts.models import User

CHOICE_LABEL = "显示完整号码"


def full_values(user: User, *, requested: bool, purpose: str) -> bool:
    """True only for an explicit, permitted request with a purpose; False when not requested.
    A request without the permission is refused (PermissionDenied), one without a purpose too
    (ValidationError on "reason"): neither silently falls back to another file than asked for."""
    if not requested:
        return False
    if not user.can(Perm.REVEAL_PII):
        raise PermissionDenied("您的岗位不能导出或打印完整号码。")
    if not purpose.strip():
        raise ValidationError({"reason": "显示完整号码须填写用途。"})
    return True

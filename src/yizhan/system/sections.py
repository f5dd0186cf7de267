"""The 系统 area's index: one table of its pages, (label, url name, who sees it). Each page of
the area adds its row here; the index shows the rows whose test passes for the user."""

from __future__ import annotations

from collections.abc import Callable

from yizhan.accounts.models import User
from yizhan.accounts.roles import Perm
from yizhan.core.policy_values import may_read_policies


def _settings(user: User) -> bool:
    return user.can(Perm.MANAGE_SETTINGS)


def _may(perm: str) -> Callable[[User], bool]:
    return lambda user: user.can(perm)


SECTIONS: list[tuple[str, str, Callable[[User], bool]]] = [
    ("参数设置", "system:policy", may_read_policies),
    ("服务事项清单", "hall:items", may_read_policies),
    ("人员与岗位", "system:staff", _may(Perm.MANAGE_ACCOUNTS)),
    ("区划与网格", "system:regions", _may(Perm.MANAGE_GRIDS)),
    ("设备令牌", "system:devices", _may(Perm.MANAGE_DEVICES)),
    ("操作日志", "system:operations", _may(Perm.VIEW_AUDIT)),
    ("登录日志", "system:logins", _may(Perm.VIEW_AUDIT)),
    ("在线用户", "system:online", _may(Perm.END_SESSIONS)),
    ("接口令牌", "system:tokens", _may(Perm.MANAGE_TOKENS)),
    ("法定节假日与调休", "lifecycle:calendar", _settings),
    ("兵役登记设置（全国默认）", "conscription:settings", _settings),
    ("优待金标准（全国默认）", "benefits:allowance_rates", _settings),
    ("奖励金标准（全国默认）", "benefits:bonus_rates", _settings),
]


def sections_for(user: User) -> list[tuple[str, str]]:
    return [(label, name) for label, name, shown in SECTIONS if shown(user)]

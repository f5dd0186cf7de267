"""Roles, departments, permissions and menu areas: what a post lets its holder do.

One table per question, so `grep` finds who may do what. Permissions derive from posts only.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models


class Role(models.TextChoices):
    COUNTY_OFFICER = "county_officer", "区县业务主管"
    STATION_HEAD = "station_head", "部长兼站长"
    STATION_DEPUTY = "station_deputy", "副部长兼副站长"
    STATION_CLERK = "station_clerk", "干事"
    VILLAGE_LIAISON = "village_liaison", "村（社区）联络员"
    SYSADMIN = "sysadmin", "系统管理员"


class Department(models.TextChoices):
    ARMED_FORCES = "armed_forces", "武装部"
    VETERANS = "veterans", "退役军人服务站"
    BOTH = "both", "部站合一"


class Perm:
    VIEW_PEOPLE = "view_people"
    EDIT_PEOPLE = "edit_people"
    REVEAL_PII = "reveal_pii"
    MERGE_PEOPLE = "merge_people"
    EXPORT = "export"
    VIEW_AUDIT = "view_audit"
    # Staff accounts and posts: a sysadmin everywhere; a county officer and a station head for
    # the posts GRANTS lets them give, under their own region.
    MANAGE_ACCOUNTS = "manage_accounts"
    # Add or rename villages (a sysadmin everywhere, a county officer in his county).
    MANAGE_REGIONS = "manage_regions"
    # Grids under villages and their liaisons; device tokens for the hall and the 大屏.
    MANAGE_GRIDS = "manage_grids"
    MANAGE_DEVICES = "manage_devices"
    # The official holiday calendar and the national default policies (no region above them).
    MANAGE_SETTINGS = "manage_settings"
    # 在线用户: end another user's session (an administrator anywhere, a station head in his station).
    END_SESSIONS = "end_sessions"
    # 接口令牌 for system integrations: administrators only (a token reaches a whole post's scope
    # without a second factor, so no station manages them).
    MANAGE_TOKENS = "manage_tokens"


STATION_WORK = {Perm.VIEW_PEOPLE, Perm.EDIT_PEOPLE, Perm.REVEAL_PII, Perm.EXPORT}
STATION_RUNNING = {Perm.MANAGE_ACCOUNTS, Perm.MANAGE_GRIDS, Perm.MANAGE_DEVICES}

ROLE_PERMISSIONS: dict[str, frozenset[str]] = {
    Role.COUNTY_OFFICER: frozenset(
        STATION_WORK | STATION_RUNNING | {Perm.MERGE_PEOPLE, Perm.VIEW_AUDIT, Perm.MANAGE_REGIONS}
    ),
    Role.STATION_HEAD: frozenset(
        STATION_WORK | STATION_RUNNING | {Perm.MERGE_PEOPLE, Perm.VIEW_AUDIT, Perm.END_SESSIONS}
    ),
    Role.STATION_DEPUTY: frozenset(STATION_WORK | {Perm.MERGE_PEOPLE}),
    Role.STATION_CLERK: frozenset(STATION_WORK),
    # Liaisons visit and collect information; they see people masked and export nothing.
    Role.VILLAGE_LIAISON: frozenset({Perm.VIEW_PEOPLE, Perm.EDIT_PEOPLE}),
    # Administrators run accounts and regions; by default they see no personal data in bulk.
    Role.SYSADMIN: frozenset(
        STATION_RUNNING
        | {Perm.MANAGE_REGIONS, Perm.MANAGE_SETTINGS, Perm.VIEW_AUDIT, Perm.END_SESSIONS, Perm.MANAGE_TOKENS}
    ),
}

# Which posts a holder of each role may give and end (and so manage the accounts that hold only
# such posts), at or under his own region: nobody manages his own level or above, and no role
# sits above the county but the administrator's.
GRANTS: dict[str, frozenset[str]] = {
    Role.SYSADMIN: frozenset(Role),
    Role.COUNTY_OFFICER: frozenset(
        {Role.STATION_HEAD, Role.STATION_DEPUTY, Role.STATION_CLERK, Role.VILLAGE_LIAISON}
    ),
    Role.STATION_HEAD: frozenset({Role.STATION_CLERK, Role.VILLAGE_LIAISON}),
}

# Roles that must sign in with a second factor (TOTP) when settings.REQUIRE_OTP is on.
OTP_ROLES = frozenset({Role.SYSADMIN, Role.COUNTY_OFFICER, Role.STATION_HEAD})

STAFF_ROLES = [r for r in Role if r != Role.SYSADMIN]
STATION_ROLES = [Role.STATION_HEAD, Role.STATION_DEPUTY, Role.STATION_CLERK]
ARMED = [Department.ARMED_FORCES, Department.BOTH]
VETERANS = [Department.VETERANS, Department.BOTH]
ALL_DEPTS = list(Department)

# The left menu: (key, label, roles that see it, departments that see it, url name).
AREAS: list[tuple[str, str, list[str], list[str], str]] = [
    ("people", "人员", STAFF_ROLES, ALL_DEPTS, "people:list"),
    ("conscription", "征兵", STAFF_ROLES, ARMED, "conscription:index"),
    ("veterans", "退役军人", STAFF_ROLES, VETERANS, "veterans:index"),
    ("benefits", "优抚", STAFF_ROLES, VETERANS, "benefits:index"),
    ("care", "走访慰问", STAFF_ROLES, ALL_DEPTS, "care:index"),
    # 民兵整组 and 应急装备 are the 武装部's; teams, joint activities, honors and archives both sides'.
    ("militia", "民兵", STAFF_ROLES, ARMED, "militia:index"),
    ("station", "服务阵地", STAFF_ROLES, ALL_DEPTS, "station:index"),
    ("hall", "服务大厅", STATION_ROLES, ALL_DEPTS, "hall:index"),
    ("ledgers", "台账", [Role.COUNTY_OFFICER, *STATION_ROLES], ALL_DEPTS, "ledgers:index"),
    (
        "reports",
        "统计",
        [Role.COUNTY_OFFICER, Role.STATION_HEAD, Role.STATION_DEPUTY],
        ALL_DEPTS,
        "reports:index",
    ),
    # County officers and station heads open 参数设置, their staff pages and their region's logs and
    # online users there (system/sections.py).
    ("system", "系统", [Role.SYSADMIN, Role.COUNTY_OFFICER, Role.STATION_HEAD], ALL_DEPTS, "system:index"),
    (
        "audit",
        "操作日志",
        [Role.COUNTY_OFFICER, Role.STATION_HEAD, Role.SYSADMIN],
        ALL_DEPTS,
        "system:operations",
    ),
]


# The offices that take the steps of a workflow: a step table names one per step (e.g.
# veterans.services.CARD_FLOW), and `steps_for` is what both the page (which buttons to show) and
# the service (whether to refuse) ask, so no one sees a button that would refuse him.
OFFICES: dict[str, tuple[str, list[str], list[str]]] = {
    # office: (its name in Chinese, roles, departments)
    "station": ("乡镇（街道）服务站", STATION_ROLES, VETERANS),
    "county": ("县级退役军人事务部门", [Role.COUNTY_OFFICER], VETERANS),
}


def holds_office(user, office: str) -> bool:
    _, roles, departments = OFFICES[office]
    return any(p.role in roles and p.department in departments for p in user.active_posts)


def steps_for(user, flow: dict[str, dict[str, str]], status: str) -> list[str]:
    """The next steps of a step table (status → {next status: office}) that the user's office takes."""
    return [to for to, office in flow.get(status, {}).items() if holds_office(user, office)]


def require_office(user, office: str) -> None:
    if not holds_office(user, office):
        raise PermissionDenied(f"此步骤由{OFFICES[office][0]}办理。")


def require(user, perm: str) -> None:
    """403 with the same Chinese sentence everywhere when a post lacks the permission."""
    if not user.can(perm):
        raise PermissionDenied("您的岗位没有此项权限。")

"""Demo accounts (README lists them). Every one gets the demo password on creation only."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction

from yizhan.accounts.models import User
from yizhan.accounts.roles import Department, Role
from yizhan.accounts.services import create_user, grant_post

# username, display name (invented), role, department, region code, title
ACCOUNTS = [
    ("admin", "系统管理员", Role.SYSADMIN, Department.BOTH, None, "系统管理员"),
    (
        "decheng",
        "郑国栋",
        Role.COUNTY_OFFICER,
        Department.BOTH,
        "371402000000",
        "德城区人武部·退役军人事务局业务主管",
    ),
    ("xinhu_head", "宋立军", Role.STATION_HEAD, Department.BOTH, "371402001000", "部长兼站长"),
    ("xinhu_clerk", "韩晓东", Role.STATION_CLERK, Department.VETERANS, "371402001000", "服务站干事"),
    ("xinhu_village", "魏长山", Role.VILLAGE_LIAISON, Department.BOTH, "371402001001", "民兵连长"),
    ("huaqiao_clerk", "钱佳怡", Role.STATION_CLERK, Department.BOTH, "320583400000", "服务站干事"),
]


@transaction.atomic
def seed() -> int:
    created = 0
    for username, display_name, role, department, region_code, title in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = create_user(
                actor=None,
                username=username,
                display_name=display_name,
                password=settings.YIZHAN_DEMO_PASSWORD,
            )
            created += 1
        if not user.posts.filter(role=role, department=department, region_id=region_code).exists():
            grant_post(
                actor=None, user=user, role=role, department=department, region_code=region_code, title=title
            )
            created += 1
    return created


def describe() -> list[str]:
    return [f"{u:<14} {title}" for u, _, _, _, _, title in ACCOUNTS]

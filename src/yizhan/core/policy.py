"""Region-owned policies: registration settings, intakes, quotas, allowance rates, bonus tables.

Each row carries the region it applies to — a 12-digit province, city or county code, or "" for
the national default (DOMAIN.md's values, seeded by migrations). The one in force for a place is
the most specific: county over city over province over the national default. Only an officer
at or above a row's region changes it, and the audit row is filed under that region, so the
stations it governs see the change (desk/selectors.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, Q, QuerySet

from yizhan.accounts.models import User
from yizhan.accounts.roles import Perm, Role
from yizhan.regions.models import Level, Region, level_of, parent_code, scope_bounds

M = TypeVar("M", bound=Model)

NATIONAL = ""
# Policies are set for a county, a city or a province, or nationally; not for a township.
POLICY_LEVELS = (Level.PROVINCE, Level.CITY, Level.COUNTY)
OFFICER_ROLES = (Role.COUNTY_OFFICER,)
# The audit object types of policy changes: shown to every station under the policy's region.
POLICY_OBJECT_TYPES = ("registration_year", "campaign", "allowance_rate", "bonus_rate")


def policy_chain(region_code: str) -> list[str]:
    """The region and every region above it, most specific first, ending with the national ""."""
    chain = []
    code: str | None = region_code or None
    while code:
        chain.append(code)
        code = parent_code(code)
    return [*chain, NATIONAL]


def most_specific(by_region: Mapping[str, M], region_code: str) -> M | None:
    """Of rows keyed by their region code, the one in force for `region_code`."""
    return next((by_region[code] for code in policy_chain(region_code) if code in by_region), None)


def in_force(rows: QuerySet[M], region_code: str) -> M | None:
    """Of `rows` (already narrowed to one year, level …), the one of the most specific region
    that has one for `region_code`, or None when not even the national default exists."""
    found = {row.region_code: row for row in rows.filter(region_code__in=policy_chain(region_code))}
    return most_specific(found, region_code)


def region_label(region_code: str) -> str:
    if region_code == NATIONAL:
        return "全国默认"
    region = Region.objects.filter(code=region_code).first()
    return region.name if region else region_code


def check_policy_region(region_code: str) -> None:
    if region_code != NATIONAL and level_of(region_code) not in POLICY_LEVELS:
        raise ValidationError("政策按县（区）、市、省或全国设置，不按乡镇（街道）设置。")


def _officer_posts(user: User, departments: Iterable[str]):
    return [
        post
        for post in user.active_posts
        if post.role in OFFICER_ROLES and post.department in departments and post.region_id
    ]


def may_change(user: User, region_code: str, *, departments: Iterable[str]) -> bool:
    """An officer of those departments whose post is at or above the region; the national
    default is the system administrators' (no region lies above it)."""
    if region_code == NATIONAL:
        return user.can(Perm.MANAGE_SETTINGS)
    return any(
        post.region.bounds[0] <= region_code < post.region.bounds[1]
        for post in _officer_posts(user, departments)
    )


def require_officer(user: User | None, region_code: str, *, departments: Iterable[str], what: str) -> None:
    """Refuses, in Chinese, a change of a policy of `region_code` by anyone not at or above it.
    `user` None is the system itself (demo seeding, management commands), never a web request."""
    check_policy_region(region_code)
    if user is None or may_change(user, region_code, departments=departments):
        return
    if region_code == NATIONAL:
        raise PermissionDenied(f"{what}的全国默认值只能由系统管理员修改。")
    name = region_label(region_code)
    raise PermissionDenied(f"{name}的{what}只能由{name}或上级的业务主管设置。")


def policy_regions_of(user: User, *, departments: Iterable[str]) -> QuerySet[Region]:
    """The regions whose policies the user may set: those of his officer posts and the counties,
    cities and provinces under them, highest first."""
    condition = Q(pk__in=[])
    for post in _officer_posts(user, departments):
        lo, hi = scope_bounds(post.region_id)
        condition |= Q(code__gte=lo, code__lt=hi)
    return Region.objects.filter(condition, level__in=POLICY_LEVELS).order_by("code")

"""The target groups of a 走访慰问 campaign, and how each is recognised in the registry — as SQL,
because a county-wide campaign matches its households in one statement per batch
(care.generation), never person by person in Python.

A group value is "<kind>:<code>": an identity kind, a 三属 subtype, a 建档立卡 category, or one of
the two facts (aged 80 or over, an open 帮扶援助 case)."""

from __future__ import annotations

import datetime

from yizhan.core.policy_values import policy_value
from yizhan.people.models import BereavedSubtype, IdentityKind
from yizhan.veterans.models import AssistanceStatus, ProfileCategory
from yizhan.worklist.models import TaskDepartment

IDENTITY_KINDS = [
    IdentityKind.PRIORITY_ENTITLED,
    IdentityKind.VETERAN,
    IdentityKind.DISABLED_VETERAN,
    IdentityKind.MILITARY_FAMILY,
    IdentityKind.BEREAVED_FAMILY,
    IdentityKind.ACTIVE_SERVICEMEMBER,
]
AGED = "fact:aged_80"
HARDSHIP = "fact:hardship"
OPEN_CASE = [AssistanceStatus.APPLIED, AssistanceStatus.ASSESSED, AssistanceStatus.APPROVED]

GROUPS: list[tuple[str, str]] = [
    *((f"identity:{kind.value}", kind.label) for kind in IDENTITY_KINDS),
    *((f"bereaved:{subtype.value}", subtype.label) for subtype in BereavedSubtype),
    *((f"profile:{category.value}", f"建档立卡·{category.label}") for category in ProfileCategory),
    (AGED, "80周岁以上老人"),
    (HARDSHIP, "帮扶援助在办对象"),
]
GROUP_LABELS = dict(GROUPS)

# 慰问军烈属 is work the two departments share (DOMAIN.md: they overlap on 慰问军烈属); other
# campaign visits are the 服务站's (走访慰问: owner S).
JOINT_GROUPS = {
    f"identity:{IdentityKind.MILITARY_FAMILY.value}",
    f"identity:{IdentityKind.BEREAVED_FAMILY.value}",
    f"identity:{IdentityKind.ACTIVE_SERVICEMEMBER.value}",
    *(f"bereaved:{subtype.value}" for subtype in BereavedSubtype),
    f"profile:{ProfileCategory.MARTYR_FAMILY.value}",
    f"profile:{ProfileCategory.DIED_ON_DUTY_FAMILY.value}",
    f"profile:{ProfileCategory.DIED_OF_ILLNESS_FAMILY.value}",
    f"profile:{ProfileCategory.SERVICEMEMBER_FAMILY.value}",
}


def label_of(group: str) -> str:
    return GROUP_LABELS.get(group, group)


def department_of(group: str) -> str:
    return TaskDepartment.JOINT if group in JOINT_GROUPS else TaskDepartment.VETERANS


def condition(group: str, *, today: datetime.date, born_by: datetime.date) -> tuple[str, list]:
    """The SQL test, with its parameters, that person row `p` belongs to the group on `today`
    (born on or before `born_by`: aged 80 or over)."""
    kind, _, code = group.partition(":")
    current = "i.since <= %s AND (i.until IS NULL OR i.until > %s)"
    if kind == "identity":
        sql = (
            f"EXISTS (SELECT 1 FROM people_identity i WHERE i.person_id = p.id AND i.kind = %s AND {current})"
        )
        return sql, [code, today, today]
    if kind == "bereaved":
        sql = (
            "EXISTS (SELECT 1 FROM people_identity i WHERE i.person_id = p.id AND i.kind = %s "
            f"AND i.subtype = %s AND {current})"
        )
        return sql, [IdentityKind.BEREAVED_FAMILY.value, code, today, today]
    if kind == "profile":
        return (
            "EXISTS (SELECT 1 FROM veterans_profilerecord r WHERE r.person_id = p.id AND r.category = %s)",
            [code],
        )
    if group == AGED:
        return "p.birth_date <= %s", [born_by]
    if group == HARDSHIP:
        marks = ", ".join(["%s"] * len(OPEN_CASE))
        sql = f"EXISTS (SELECT 1 FROM veterans_assistancecase c WHERE c.person_id = p.id AND c.status IN ({marks}))"
        return sql, [s.value for s in OPEN_CASE]
    raise ValueError(f"unknown campaign group {group!r}")


def members(group: str, *, today: datetime.date, ids: tuple[int, int]) -> tuple[str, list] | None:
    """The persons of the group with ids in (ids[0], ids[1]], as a SELECT of person ids from the
    group's own table by its person index (identities, the veterans' records, the open cases) —
    a few hundred of a batch of 50,000, so that generation tests `condition` only on them rather
    than on every person. None for 80 or over: birth dates are on the person rows themselves."""
    kind, _, code = group.partition(":")
    current = "i.since <= %s AND (i.until IS NULL OR i.until > %s)"
    within = "{0}.person_id > %s AND {0}.person_id <= %s"
    if kind == "identity":
        sql = f"SELECT i.person_id FROM people_identity i WHERE {within.format('i')} AND i.kind = %s AND {current}"
        return sql, [*ids, code, today, today]
    if kind == "bereaved":
        sql = (
            f"SELECT i.person_id FROM people_identity i WHERE {within.format('i')} AND i.kind = %s "
            f"AND i.subtype = %s AND {current}"
        )
        return sql, [*ids, IdentityKind.BEREAVED_FAMILY.value, code, today, today]
    if kind == "profile":
        sql = (
            f"SELECT r.person_id FROM veterans_profilerecord r WHERE {within.format('r')} AND r.category = %s"
        )
        return sql, [*ids, code]
    if group == HARDSHIP:
        marks = ", ".join(["%s"] * len(OPEN_CASE))
        sql = f"SELECT c.person_id FROM veterans_assistancecase c WHERE {within.format('c')} AND c.status IN ({marks})"
        return sql, [*ids, *(case.value for case in OPEN_CASE)]
    if group == AGED:
        return None
    raise ValueError(f"unknown campaign group {group!r}")


# Who is kept in regular contact; 重点优抚对象 on their own (shorter) cadence.
CONTACT_KINDS = [
    IdentityKind.PRIORITY_ENTITLED,
    IdentityKind.VETERAN,
    IdentityKind.DISABLED_VETERAN,
    IdentityKind.MILITARY_FAMILY,
    IdentityKind.BEREAVED_FAMILY,
]


def cadence(*, region_code: str, on: datetime.date) -> dict[str, int]:
    """The county's cadences (参数设置), in days: contact for 重点优抚对象 and for the others (the
    tick's contact-due tasks), and the home visit (the liaison's page marks who needs one)."""
    return {
        "priority": policy_value("visits.priority_contact_days", region_code=region_code, on=on),
        "contact": policy_value("visits.contact_days", region_code=region_code, on=on),
        "visit": policy_value("visits.visit_days", region_code=region_code, on=on),
    }

"""Who may be on the militia roster (民兵整组), in one place: every join and every candidate list asks
`refusal`, and people.services.grant_identity refuses the 民兵 identity from anywhere else.

The limits are rule values (core/policy_values.py, 参数设置; their bounds keep every one inside
DOMAIN.md's 18–45): 基干民兵 are discharged soldiers and men trained before, up to 28; 普通民兵
the other eligible men up to 35; both widened for militia cadres and specialists. Those serving
are never militia."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from yizhan.core.policy_values import policy_value
from yizhan.militia.models import CADRE_POSTS, Category, Membership, Specialty
from yizhan.people.models import Identity, IdentityKind, Person, Sex


@dataclass(frozen=True)
class Limits:
    min_age: int
    backbone: int
    ordinary: int
    backbone_widened: int
    ordinary_widened: int

    def max_age(self, category: str, *, widened: bool) -> int:
        if category == Category.BACKBONE:
            return self.backbone_widened if widened else self.backbone
        return self.ordinary_widened if widened else self.ordinary


def limits(*, region_code: str, on: datetime.date) -> Limits:
    def value(name: str) -> int:
        return int(policy_value(name, region_code=region_code, on=on))

    return Limits(
        min_age=value("militia.min_age"),
        backbone=value("militia.backbone_max_age"),
        ordinary=value("militia.ordinary_max_age"),
        backbone_widened=value("militia.backbone_max_age_widened"),
        ordinary_widened=value("militia.ordinary_max_age_widened"),
    )


def is_widened(*, post: str, specialty: str) -> bool:
    """民兵干部 and 专业技术民兵 may be older."""
    return post in CADRE_POSTS or specialty != Specialty.GENERAL


def holds(person: Person, kind: str, on: datetime.date) -> bool:
    return person.identities.filter(Identity.current_q(on), kind=kind).exists()


def is_trained(person: Person, year: int) -> bool:
    """Trained men: discharged soldiers, or on a roster of an earlier year (trained there)."""
    return (
        holds(person, IdentityKind.VETERAN, datetime.date(year, 1, 1))
        or Membership.objects.filter(person=person, year__lt=year).exists()
    )


def refusal(person: Person, *, category: str, post: str, specialty: str, year: int, on: datetime.date) -> str:
    """Why `person` may not join the `year` roster as `category` on `on` — "" when he may."""
    if person.sex != Sex.MALE:
        return "民兵整组对象为符合条件的男性公民。"
    if person.birth_date is None:
        return "该人员没有出生日期，无法核对民兵年龄，请先补全身份证号或出生日期。"
    if holds(person, IdentityKind.ACTIVE_SERVICEMEMBER, on):
        return "现役军人不编入民兵组织。"
    rule = limits(region_code=person.region_id, on=on)
    age = person.age(on)
    if age < rule.min_age:
        return f"编入时{age}周岁，未满{rule.min_age}周岁，不能编入民兵组织。"
    widened = is_widened(post=post, specialty=specialty)
    high = rule.max_age(category, widened=widened)
    label = Category(category).label
    if age > high:
        who = "民兵干部和专业技术民兵" if widened else label
        return f"编入时{age}周岁，超过{who}的年龄上限{high}周岁，不能编入{label}。"
    if category == Category.BACKBONE and not is_trained(person, year):
        return "基干民兵须为退役士兵或受过军事训练的人员，请编为普通民兵。"
    return ""


def suggested_category(person: Person, *, on: datetime.date, rule: Limits, trained: bool) -> str:
    """The category a candidate fits without any widening ("" when only a cadre post or a
    specialty would let him in)."""
    age = person.age(on)
    if trained and age <= rule.backbone:
        return Category.BACKBONE
    if age <= rule.ordinary:
        return Category.ORDINARY
    return ""

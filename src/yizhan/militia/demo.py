"""Demo 民兵整组 and 应急装备: in each demo township a 民兵连 with two 排, the roster being drawn up
(the first candidates militia.selectors offers, veterans first, each in the category he fits),
and a few items of emergency equipment with an inspection. Idempotent: what exists is kept."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.militia import selectors, services
from yizhan.militia.models import Equipment, Membership, MilitiaPost, Unit, UnitLevel
from yizhan.regions.models import Region

# township code: (the demo account whose jurisdiction it is, the company's name)
TOWNSHIPS = {
    "371402001000": ("xinhu_head", "新湖街道民兵应急连"),
    "320583400000": ("huaqiao_clerk", "花桥民兵连"),
}
PER_ROSTER = 12
EQUIPMENT = [
    ("冲锋舟", 2, "艘", "武装部器材库"),
    ("救生衣", 40, "件", "武装部器材库"),
    ("发电机", 1, "台", "服务站后院"),
]


def _unit(township: Region, name: str, level: str, parent: Unit | None = None) -> tuple[Unit, int]:
    unit = Unit.objects.filter(township=township, name=name).first()
    if unit is not None:
        return unit, 0
    return services.create_unit(actor=None, township=township, name=name, level=level, parent=parent), 1


@transaction.atomic
def seed() -> int:
    created = 0
    year, today = selectors.default_year(), timezone.localdate()
    for code, (username, company_name) in TOWNSHIPS.items():
        township, user = (
            Region.objects.filter(code=code).first(),
            User.objects.filter(username=username).first(),
        )
        if township is None or user is None:
            continue
        company, n = _unit(township, company_name, UnitLevel.COMPANY)
        created += n
        platoons = []
        for name in ("一排", "二排"):
            platoon, n = _unit(township, f"{company_name}{name}", UnitLevel.PLATOON, company)
            platoons.append(platoon)
            created += n
        if not Membership.objects.filter(unit__township=township, year=year).exists():
            fitting = [c for c in selectors.candidates(user=user, township=township, year=year) if c.category]
            for index, candidate in enumerate(fitting[:PER_ROSTER]):
                services.join(
                    actor=None, person=candidate.person, unit=company if index == 0 else platoons[index % 2],
                    year=year, category=candidate.category, joined_on=today,
                    post=MilitiaPost.SQUAD_LEADER if index in (1, 2) else MilitiaPost.MEMBER,
                )  # fmt: skip
                created += 1
        if not Equipment.objects.filter(township=township).exists():
            for item, quantity, measure, place in EQUIPMENT:
                equipment = services.register_equipment(
                    actor=None, township=township, item=item, quantity=quantity, unit_of_measure=measure,
                    place=place, units=[company],
                )  # fmt: skip
                services.inspect(
                    actor=None, equipment=equipment, inspected_on=today - datetime.timedelta(days=30),
                    inspector="武装部干事", condition=equipment.condition, quantity=quantity, notes="汛前检查",
                )  # fmt: skip
                created += 1
    return created

"""Demo 办件 in 新湖街道, so the case list, the 工作台's overdue row, a rating and a 差评整改 have
content: opened through the services by xinhu_clerk for veterans the demo already knows.
Skipped once the township has any case, so a second run changes nothing."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.hall import case_services as services
from yizhan.hall.models import CaseState, Material, RatingLevel, ServiceCase, ServiceItem
from yizhan.lifecycle.calendar import add_working_days
from yizhan.people.models import IdentityKind, Person
from yizhan.regions.models import scope_bounds
from yizhan.veterans import services as veterans_services

TOWNSHIP = "371402001000"


def _item(code: str, name: str, workflow: str, days: int | None) -> ServiceItem:
    # The catalog's own rows when it is seeded (hall's migration); the same codes otherwise.
    item, created = ServiceItem.objects.get_or_create(
        code=code,
        defaults={"name": name, "owner": "veterans", "kind": "promised" if days else "immediate",
                  "promised_days": days, "applicants": ["self"], "workflow": workflow},
    )  # fmt: skip
    if created:
        Material.objects.create(item=item, name="居民身份证", form="original", on_file="id_number", order=1)
        Material.objects.create(item=item, name="居民户口簿", form="copy", on_file="household", order=2)
    return item


@transaction.atomic
def seed() -> int:
    if ServiceCase.objects.filter(region_id=TOWNSHIP).exists():
        return 0
    lo, hi = scope_bounds(TOWNSHIP)
    veterans = list(
        Person.objects.filter(region_id__gte=lo, region_id__lt=hi, identities__kind=IdentityKind.VETERAN)
        .distinct()
        .order_by("pk")[:4]
    )
    if len(veterans) < 4:
        return 0
    clerk = User.objects.get(username="xinhu_clerk")
    employment = _item("YZ-S-07", "就业创业服务", "employment", None)
    assistance = _item("YZ-S-06", "帮扶援助申请", "assistance", 15)
    bundle = ServiceItem.objects.get(code="YZ-S-08")
    # Two 就业 cases closed by their form's fact: one rated 满意, one 不满意 (its 整改 open).
    rated = []
    for person in veterans[:2]:
        case = services.open_case(actor=clerk, item=employment, person=person)
        veterans_services.add_employment_service(
            actor=clerk, person=person, kind="referral", on=timezone.localdate(), details="推荐园区物流岗位"
        )
        case.refresh_from_db()
        rated.append(case)
    services.rate(
        case=rated[0], level=RatingLevel.SATISFIED, indicators=["once", "attitude"], comment="", channel="pad"
    )
    services.rate(
        case=rated[1],
        level=RatingLevel.DISSATISFIED,
        indicators=["slow"],
        comment="等候时间较长",
        channel="qr",
    )
    # A 承诺件 in 补正, and one past its promised day (as the tick would stamp it).
    waiting = services.open_case(actor=clerk, item=assistance, person=veterans[2])
    services.move_case(actor=clerk, case=waiting, to=CaseState.CORRECTION, note="缺病历复印件")
    late = services.open_case(actor=clerk, item=bundle, person=veterans[3])
    # Accepted three weeks ago (the demo has no past): the tick then finds it past its promised day.
    accepted = timezone.localdate() - datetime.timedelta(days=21)
    ServiceCase.objects.filter(pk=late.pk).update(
        accepted_on=accepted, due_on=add_working_days(accepted, bundle.promised_days or 5)
    )
    services.mark_overdue_cases(today=timezone.localdate())
    return 4

"""Demo veterans' work in 新湖街道: profiles for some veterans, cards in every state, and two
members discharged recently so the station's 工作台 shows 报到 and 建档立卡 to do, and three
awards whose 喜报 and 奖励金 follow.

Made through the services (the events and tasks are real); skipped once the township has any
profile record, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from PIL import Image

from yizhan.accounts.models import User
from yizhan.people.models import AwardLevel, Identity, IdentityKind, Person
from yizhan.regions.models import scope_bounds
from yizhan.veterans import services
from yizhan.veterans.models import CardStatus, ProfileCategory, ProfileRecord
from yizhan.worklist import services as worklist_services
from yizhan.worklist.models import OPEN_STATUSES, Task, TaskKind

TOWNSHIP = "371402001000"
TODAY = datetime.date(2026, 11, 1)
AWARDED_ON = TODAY - datetime.timedelta(days=40)
# How far along each demo card goes, in order.
CARD_PATHS = [
    [],
    [CardStatus.COUNTY_REVIEW],
    [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION],
    [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION, CardStatus.ARRIVED],
    [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION, CardStatus.ARRIVED, CardStatus.ISSUED],
]
# The day after acceptance each step is taken (plus the card's number, so the stays differ): the
# 统计 page's 各环节平均用时 has something to average.
CARD_STEP_DAY = {
    CardStatus.COUNTY_REVIEW: 2,
    CardStatus.IN_PRODUCTION: 6,
    CardStatus.ARRIVED: 20,
    CardStatus.ISSUED: 24,
}


def _photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (352, 440), "white").save(buffer, "JPEG")
    return buffer.getvalue()


@transaction.atomic
def seed() -> int:
    lo, hi = scope_bounds(TOWNSHIP)
    if ProfileRecord.objects.filter(person__region_id__gte=lo, person__region_id__lt=hi).exists():
        return 0
    in_township = Person.objects.filter(region_id__gte=lo, region_id__lt=hi)
    veterans = list(in_township.filter(identities__kind=IdentityKind.VETERAN).order_by("pk")[:25])
    changed = 0
    # The card steps are taken as the demo personas whose office takes them in real life.
    station, county = User.objects.get(username="xinhu_clerk"), User.objects.get(username="decheng")
    for index, person in enumerate(veterans[:20]):
        services.save_profile(
            actor=None,
            person=person,
            on=TODAY,
            category=ProfileCategory.DISCHARGED_SOLDIER,
            employment="employed",
        )
        changed += 1
        if index < len(CARD_PATHS):
            accepted = TODAY - datetime.timedelta(days=35 - index)
            card = services.apply_card(actor=None, person=person, on=accepted, photo_content=_photo())
            for step in CARD_PATHS[index]:
                actor = county if step in {CardStatus.IN_PRODUCTION, CardStatus.ARRIVED} else station
                services.move_card(
                    actor=actor,
                    card=card,
                    to=step,
                    on=accepted + datetime.timedelta(days=CARD_STEP_DAY[step] + index),
                    signed_by=person.name if step == CardStatus.ISSUED else "",
                )
            changed += 1
    # 帮扶援助: one case assessed and waiting for the decision, one just applied.
    for number, person in enumerate(veterans[20:22]):
        case = services.open_assistance(
            actor=station, person=person, on=TODAY - datetime.timedelta(days=20 - 10 * number),
            hardship="因病", description="家庭成员患病住院，医疗支出较大（演示）",
        )  # fmt: skip
        if number == 0:
            services.move_assistance(
                actor=station, case=case, to="assessed", note="情况属实，建议给予临时救助。"
            )
        changed += 1
    serving = list(
        in_township.filter(
            identities__kind=IdentityKind.ACTIVE_SERVICEMEMBER,
            identities__until__isnull=True,
            service_records__enlisted_on__lte=AWARDED_ON,
        ).order_by("pk")
    )
    # 立功受奖 of three serving members, long enough into their service and in the past: the 喜报
    # to deliver (care's demo delivers two, one waits) and the 奖励金 follow through the rules.
    for number, person in enumerate(serving[2:5], start=1):
        services.record_award(
            actor=station, person=person, level=AwardLevel.THIRD_CLASS, awarded_on=AWARDED_ON,
            notice_number=f"演示〔{AWARDED_ON.year}〕{number}号", received_on=AWARDED_ON + datetime.timedelta(days=2),
        )  # fmt: skip
        changed += 1
    for person in serving[:2]:
        if Identity.objects.filter(
            person=person, kind=IdentityKind.ACTIVE_SERVICEMEMBER, until__isnull=True
        ).exists():
            services.record_discharge(
                actor=None,
                person=person,
                on=TODAY - datetime.timedelta(days=10),
                settlement_type="self_employed",
            )
            changed += 1
    # Their 报到 is on the clerk's own desk and their 建档立卡 on the head's (a 工作台 lists the
    # tasks its user has taken on).
    head = User.objects.get(username="xinhu_head")
    for kind, taker in [(TaskKind.DISCHARGE_CHECKIN, station), (TaskKind.PROFILE_RECORD, head)]:
        open_tasks = Task.objects.filter(
            kind=kind, status__in=OPEN_STATUSES, region_code__gte=lo, region_code__lt=hi
        )
        for task in open_tasks:
            worklist_services.claim(actor=taker, task=task)
    return changed

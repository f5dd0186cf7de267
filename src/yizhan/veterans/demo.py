"""Demo veterans' work in 新湖街道: profiles for some veterans, cards in every state, and two
members discharged recently so the station's 工作台 shows 报到 and 建档立卡 to do.

Made through the services (the events and tasks are real); skipped once the township has any
profile record, so a second run changes nothing.
"""

from __future__ import annotations

import datetime
import io

from django.db import transaction
from PIL import Image

from yizhan.accounts.models import User
from yizhan.people.models import Identity, IdentityKind, Person
from yizhan.regions.models import scope_bounds
from yizhan.veterans import services
from yizhan.veterans.models import CardStatus, ProfileCategory, ProfileRecord

TOWNSHIP = "371402001000"
TODAY = datetime.date(2026, 11, 1)
# How far along each demo card goes, in order.
CARD_PATHS = [
    [],
    [CardStatus.COUNTY_REVIEW],
    [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION],
    [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION, CardStatus.ARRIVED],
    [CardStatus.COUNTY_REVIEW, CardStatus.IN_PRODUCTION, CardStatus.ARRIVED, CardStatus.ISSUED],
]


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
            card = services.apply_card(actor=None, person=person, on=TODAY, photo_content=_photo())
            for step in CARD_PATHS[index]:
                actor = county if step in {CardStatus.IN_PRODUCTION, CardStatus.ARRIVED} else station
                services.move_card(
                    actor=actor,
                    card=card,
                    to=step,
                    on=TODAY,
                    signed_by=person.name if step == CardStatus.ISSUED else "",
                )
            changed += 1
    serving = in_township.filter(
        identities__kind=IdentityKind.ACTIVE_SERVICEMEMBER, identities__until__isnull=True
    ).order_by("pk")
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
    return changed

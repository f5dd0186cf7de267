"""Demo windows for every demo station's hall: 征兵, 民兵, 退役军人事务 and 综合, as 秀全街道's hall
has them. Idempotent: a station that has windows keeps them."""

from __future__ import annotations

from django.db import transaction

from yizhan.hall.models import Owner, ServiceItem, Window, WindowKind
from yizhan.regions.demo import TOWNSHIPS
from yizhan.regions.models import Region

MILITIA_ITEM = "YZ-A-06"
# (number, kind, prefix, which catalog items it serves)
WINDOWS = [
    (1, WindowKind.CONSCRIPTION, "A", lambda i: i.owner == Owner.ARMED_FORCES and i.code != MILITIA_ITEM),
    (2, WindowKind.MILITIA, "B", lambda i: i.code == MILITIA_ITEM),
    (3, WindowKind.VETERANS, "C", lambda i: i.owner == Owner.VETERANS),
    (4, WindowKind.GENERAL, "D", lambda i: i.owner == Owner.JOINT),
]


@transaction.atomic
def seed_station(code: str) -> int:
    station = Region.objects.get(code=code)
    if station.hall_windows.exists():
        return 0
    items = list(ServiceItem.objects.all())
    for number, kind, prefix, serves in WINDOWS:
        window = Window.objects.create(region=station, number=number, kind=kind, prefix=prefix)
        window.items.set([item for item in items if serves(item)])
    return len(WINDOWS)


def seed() -> int:
    return sum(seed_station(code) for code in TOWNSHIPS)

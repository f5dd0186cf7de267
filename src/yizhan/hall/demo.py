"""Demo windows for every demo station's hall: 征兵, 民兵, 退役军人事务 and 综合, as 秀全街道's hall
has them. Idempotent: a station that has windows keeps them."""

from __future__ import annotations

from django.db import transaction

from yizhan.hall import services
from yizhan.regions.demo import TOWNSHIPS
from yizhan.regions.models import Region


@transaction.atomic
def seed_station(code: str) -> int:
    return services.open_standard_windows(actor=None, station=Region.objects.get(code=code))


def seed() -> int:
    return sum(seed_station(code) for code in TOWNSHIPS)

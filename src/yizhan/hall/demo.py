"""Demo windows for every demo station's hall: 征兵, 民兵, 退役军人事务 and 综合, as 秀全街道's hall
has them. Idempotent: a station that has windows keeps them."""

from __future__ import annotations

import importlib

from django.apps import apps
from django.db import transaction

from yizhan.hall import services
from yizhan.hall.models import ServiceItem
from yizhan.regions.demo import TOWNSHIPS
from yizhan.regions.models import Region

# The migrations that seed the catalog: DOMAIN.md's 事项清单, then the 退役"一件事" bundle.
CATALOG_MIGRATIONS = ["0002_catalog", "0011_cases_bundle_item"]


def ensure_catalog() -> None:
    """The 事项清单 as its migration seeds it, when a flushed test database (a live-server test)
    lost it; a database that has the catalog keeps its own."""
    if not ServiceItem.objects.exists():
        for migration in CATALOG_MIGRATIONS:
            importlib.import_module(f"yizhan.hall.migrations.{migration}").seed(apps, None)


@transaction.atomic
def seed_station(code: str) -> int:
    ensure_catalog()
    return services.open_standard_windows(actor=None, station=Region.objects.get(code=code))


def seed() -> int:
    return sum(seed_station(code) for code in TOWNSHIPS)

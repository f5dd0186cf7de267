"""The 办件 scenarios: a veteran of 新湖街道 and catalog items as the hall's catalog seeds them."""

from __future__ import annotations

import datetime

import pytest

from tests.benefits.conftest import approve
from yizhan.hall.models import Material, ServiceItem
from yizhan.veterans import services as veterans

D = datetime.date


@pytest.fixture
def make_item(db):
    """make_item("YZ-S-03", "优待证申领", workflow="preferential_card", days=30) -> ServiceItem."""

    def create(code: str, name: str, *, workflow: str = "plain", days: int | None = None, owner="veterans"):
        item, _ = ServiceItem.objects.get_or_create(
            code=code,
            defaults={
                "name": name, "owner": owner, "kind": "promised" if days else "immediate", "promised_days": days,
                "applicants": ["self", "family"], "workflow": workflow,
            },
        )  # fmt: skip
        if not item.materials.exists():
            Material.objects.create(
                item=item, name="居民身份证", form="original", on_file="id_number", order=1
            )
            Material.objects.create(item=item, name="白底证件照", form="original", on_file="photo", order=2)
            Material.objects.create(item=item, name="居民户口簿", form="copy", order=3)
        return item

    return create


@pytest.fixture
def veteran(make_person, persona):
    """商春旺, enlisted 2024, discharged 1 Sep 2026 (自主就业), known to the registry."""
    person = make_person(name="商春旺", born=D(2004, 3, 1))
    approve(person, on=D(2024, 9, 1))
    veterans.record_discharge(
        actor=persona("xinhu_clerk"), person=person, on=D(2026, 9, 1), settlement_type="self_employed"
    )
    person.refresh_from_db()
    return person

"""The walk's 办件 rows (hall/case_models.py): a closed, rated case with its 差评整改 in the world."""

from __future__ import annotations

import datetime

from django.utils import timezone

from yizhan.hall.models import (
    CaseMaterial,
    CaseStep,
    Material,
    Rating,
    Rectification,
    ServiceCase,
    ServiceItem,
)
from yizhan.regions.models import Region
from yizhan.worklist.models import TaskKind
from yizhan.worklist.services import ensure_task


def cases_of(person, township: str, opened_by, day: datetime.date) -> dict[str, list]:
    item, _ = ServiceItem.objects.get_or_create(
        code="YZ-S-07",
        defaults={"name": "就业创业服务", "owner": "veterans", "kind": "immediate", "workflow": "employment"},
    )
    material = item.materials.first() or Material.objects.create(
        item=item, name="居民身份证", form="original"
    )
    bundle = ServiceItem.objects.get(code="YZ-S-08")
    case = ServiceCase.objects.create(
        region=Region.objects.get(code=township), item=item, person=person, accepted_at=timezone.now(),
        accepted_on=day, opened_by=opened_by, state="done", finished_on=day, finished_at=timezone.now(),
    )  # fmt: skip
    open_bundle = ServiceCase.objects.create(
        region=Region.objects.get(code=township), item=bundle, person=person, accepted_at=timezone.now(),
        accepted_on=day, opened_by=opened_by, due_on=day,
    )  # fmt: skip
    step = CaseStep.objects.create(case=open_bundle, order=1, workflow="reserve_registration")
    row = CaseMaterial.objects.create(case=open_bundle, material=material, status="missing")
    rating = Rating.objects.create(case=case, level="1", channel="pad")
    task, _ = ensure_task(
        kind=TaskKind.RATING_RECTIFICATION, rule="test:rectification", department="veterans", due_on=day,
        region_code=person.region_id, person=person,
    )  # fmt: skip
    rectification = Rectification.objects.create(rating=rating, task=task, due_on=day)
    return {
        "hall.ServiceCase": [case, open_bundle],
        "hall.CaseMaterial": [row],
        "hall.CaseStep": [step],
        "hall.Rating": [rating],
        "hall.Rectification": [rectification],
    }

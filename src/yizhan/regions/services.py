from __future__ import annotations

from django.db import transaction

from yizhan.regions.models import Region, level_of, parent_code


@transaction.atomic
def upsert_region(*, code: str, name: str, is_demo: bool = False) -> int:
    """Creates or renames one region; its parent must exist. Returns 1 if anything changed.

    Regions are public reference data (the national code list), so they are not audited row by
    row; the load command records one audit event per run.
    """
    level = level_of(code)
    parent = parent_code(code)
    # A county directly under a province (省直辖县) skips the city level: climb until found.
    parent_obj = None
    while parent is not None and parent_obj is None:
        parent_obj = Region.objects.filter(code=parent).first()
        parent = parent_code(parent) if parent_obj is None else parent
    if parent_code(code) is not None and parent_obj is None:
        raise ValueError(f"区划 {code} {name} 的上级区划尚未载入。")
    region = Region.objects.filter(code=code).first()
    if region is None:
        Region.objects.create(code=code, name=name, level=level, parent=parent_obj, is_demo=is_demo)
        return 1
    if (region.name, region.parent_id, region.is_demo) == (name, parent_obj and parent_obj.code, is_demo):
        return 0
    region.name, region.parent, region.is_demo = name, parent_obj, is_demo
    region.save(update_fields=["name", "parent", "is_demo"])
    return 1

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from yizhan.audit.services import record
from yizhan.regions.models import Level, Region, level_of, parent_code


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


@transaction.atomic
def load_region_list(*, actor, entries: list[tuple[str, str]], file_name: str) -> int:
    """Loads an official list (regions.loader.read_region_list); one audit event per load.
    Returns how many regions were added or renamed."""
    changed = sum(upsert_region(code=code, name=name) for code, name in entries)
    record(
        actor=actor,
        action="regions.load",
        object_type="region",
        changes={"file": file_name, "rows": len(entries), "changed": changed},
    )
    return changed


@transaction.atomic
def add_village(*, actor, township: Region, code: str, name: str) -> Region:
    """A village or community the official list does not have yet (a new 社区), under its township.
    Who may: checked by the caller (the 系统 page), as regions sits below accounts."""
    name = name.strip()
    if township.level != Level.TOWNSHIP:
        raise ValidationError("只能在乡镇（街道）下添加村（社区）。")
    if (
        len(code) != 12
        or not code.isdigit()
        or level_of(code) != Level.VILLAGE
        or code[:9] != township.code[:9]
    ):
        raise ValidationError(
            {"code": f"村（社区）代码须为 12 位数字，以 {township.code[:9]} 开头，末三位不为 000。"}
        )
    if Region.objects.filter(code=code).exists():
        raise ValidationError({"code": "该代码已存在。"})
    if not name:
        raise ValidationError({"name": "请填写名称。"})
    region = Region.objects.create(code=code, name=name, level=Level.VILLAGE, parent=township)
    record(
        actor=actor, action="region.add", object_type="region", object_id=code, region_code=code,
        changes={"name": name},
    )  # fmt: skip
    return region


@transaction.atomic
def rename_region(*, actor, region: Region, name: str) -> Region:
    name = name.strip()
    if not name:
        raise ValidationError({"name": "请填写名称。"})
    if name == region.name:
        return region
    old, region.name = region.name, name
    region.save(update_fields=["name"])
    record(
        actor=actor, action="region.rename", object_type="region", object_id=region.code,
        region_code=region.code, changes={"name": [old, name]},
    )  # fmt: skip
    return region

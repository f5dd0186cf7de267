"""The people ledger's 网格 column: it names a grid of the person's own village, and the row's
household is placed in it (people.services.set_household_grid, audited there). Checked before
anything of the row is written, so a wrong grid rejects the whole row with its reason."""

from __future__ import annotations

from yizhan.ledgers.importing import cells
from yizhan.ledgers.importing.rows import Row
from yizhan.people import services as people
from yizhan.people.models import Household, Person
from yizhan.regions.models import Grid, Level, Region


class GridIndex:
    """The grids under the run's region, by village and name: read once per run (a township
    has tens of grids, not thousands)."""

    def __init__(self, root: Region):
        lo, hi = root.bounds
        self.by_name: dict[str, list[Grid]] = {}
        for grid in Grid.objects.filter(village_id__gte=lo, village_id__lt=hi).select_related("village"):
            self.by_name.setdefault(cells.key(grid.name), []).append(grid)

    def grid_of(
        self, row: Row, *, village: Region, household: Household | None, has_key: bool
    ) -> Grid | None:
        """The row's grid, or the reason it cannot be used (Rejected); None without the column."""
        if "grid" not in row.values:
            return None
        name = row.values["grid"]
        if household is None and not has_key:
            raise row.reject("grid", "填写网格须同时填写户号（网格按户划分）")
        if village.level != Level.VILLAGE:
            raise row.reject("grid", f"网格“{name}”须属于本人所在村（社区），请同时填写所属村（社区）")
        same = self.by_name.get(cells.key(name), [])
        grid = next((g for g in same if g.village_id == village.code), None)
        if grid is None:
            elsewhere = "、".join(sorted({g.village.name for g in same}))
            reason = (
                f"属于{elsewhere}，不是{village.name}的网格" if elsewhere else f"在{village.name}下不存在"
            )
            raise row.reject("grid", f"网格“{name}”{reason}")
        if household is not None and household.grid_id not in (None, grid.pk):
            raise row.reject(
                "grid", f"系统中此户属于“{household.grid.name}”，不会自动调整，请核对后更正表格或户的网格"
            )
        return grid


def place(*, actor, row: Row, household: Household, grid: Grid | None) -> bool:
    """Puts the household into the row's grid; whether it was moved (an unchanged one writes nothing)."""
    if grid is None or household.grid_id == grid.pk:
        return False
    people.set_household_grid(actor=actor, household=household, grid=grid)
    return True


def village_of(row: Row, person: Person | None, run_region: Region) -> Region:
    """The village the row's person lives in: the sheet's, else the registry's, else the run's."""
    return row.values.get("region") or (person.region if person is not None else run_region)

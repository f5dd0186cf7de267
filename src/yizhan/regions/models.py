"""The region tree, keyed by the 12-digit 统计用区划代码, and the grids (网格) under villages."""

from __future__ import annotations

from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    COUNTY = "county", "县（区）"
    TOWNSHIP = "township", "乡镇（街道）"
    VILLAGE = "village", "村（社区）"


# Significant digits of a code at each level: 2 + 2 + 2 + 3 + 3.
PREFIX_LENGTH = {Level.PROVINCE: 2, Level.CITY: 4, Level.COUNTY: 6, Level.TOWNSHIP: 9, Level.VILLAGE: 12}


def level_of(code: str) -> Level:
    """The level a 12-digit code denotes: the shortest prefix after which only zeros follow."""
    if len(code) != 12 or not code.isdigit():
        raise ValueError(f"区划代码必须是 12 位数字：{code!r}")
    for level, length in PREFIX_LENGTH.items():
        if code[length:] == "0" * (12 - length):
            return level
    raise AssertionError("unreachable: a 12-digit code always ends at the village level")


def parent_code(code: str) -> str | None:
    levels = list(PREFIX_LENGTH.items())
    index = [lvl for lvl, _ in levels].index(level_of(code))
    if index == 0:
        return None
    length = levels[index - 1][1]
    return code[:length].ljust(12, "0")


def scope_bounds(code: str) -> tuple[str, str]:
    """The half-open range [lo, hi) of 12-digit codes lying under `code` (itself included).

    A range on an indexed column instead of LIKE 'prefix%': both databases answer it from the
    index, and it is the one rule of jurisdiction every selector builds on.
    """
    prefix = code[: PREFIX_LENGTH[level_of(code)]]
    upper = str(int(prefix) + 1).zfill(len(prefix))
    return prefix.ljust(12, "0"), upper.ljust(12, "0")


class Region(models.Model):
    code = models.CharField("区划代码", max_length=12, primary_key=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    is_demo = models.BooleanField("演示代码", default=False)

    class Meta:
        verbose_name = "行政区划"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def bounds(self) -> tuple[str, str]:
        return scope_bounds(self.code)

    def ancestors(self) -> list[Region]:
        """From the province down to the parent, for breadcrumbs and full names."""
        chain: list[Region] = []
        node = self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self] if r.level != Level.PROVINCE)


class Grid(models.Model):
    """A 网格 under a village: the unit a liaison covers in regular contact work."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField("网格名称", max_length=100)

    class Meta:
        verbose_name = "网格"
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="grid_unique_name_per_village")
        ]

    def __str__(self) -> str:
        return f"{self.village.name}·{self.name}"

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


# What a township's or a village's code says it is (统计用区划代码编制规则): the three digits of
# its level, by range.
KINDS = {
    Level.TOWNSHIP: [(1, 99, "街道"), (100, 199, "镇"), (200, 399, "乡"), (400, 599, "类似乡级单位")],
    Level.VILLAGE: [(1, 199, "居委会"), (200, 399, "村委会"), (400, 599, "类似村级单位")],
}


def kind_of(code: str) -> str:
    """街道/镇/乡 for a township, 居委会/村委会 for a village, "" for the levels above."""
    level = level_of(code)
    if level not in KINDS:
        return ""
    digits = int(code[PREFIX_LENGTH[level] - 3 : PREFIX_LENGTH[level]])
    return next((label for lo, hi, label in KINDS[level] if lo <= digits <= hi), "")


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
        """From the province down to the parent, for breadcrumbs and full names. One query for
        the codes the code itself names above it (parent_code), then the stored parent links
        are followed; a parent outside those codes is still fetched (one query each)."""
        above, code = [], parent_code(self.code)
        while code is not None:
            above.append(code)
            code = parent_code(code)
        known = {r.code: r for r in Region.objects.filter(code__in=above)} if self.parent_id else {}
        chain: list[Region] = []
        parent = self.parent_id
        while parent is not None:
            node = known.get(parent) or Region.objects.get(code=parent)
            chain.append(node)
            parent = node.parent_id
        return list(reversed(chain))

    @property
    def kind(self) -> str:
        return kind_of(self.code)

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self] if r.level != Level.PROVINCE)


class Grid(models.Model):
    """A 网格 under a village: the unit a liaison covers in regular contact work."""

    village = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="grids")
    name = models.CharField("网格名称", max_length=100)
    # Named by string: regions sits below accounts and imports nothing of it.
    liaison = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.PROTECT, related_name="grids",
        verbose_name="网格联络员",
    )  # fmt: skip

    class Meta:
        verbose_name = "网格"
        constraints = [
            models.UniqueConstraint(fields=["village", "name"], name="grid_unique_name_per_village")
        ]

    def __str__(self) -> str:
        return f"{self.village.name}·{self.name}"

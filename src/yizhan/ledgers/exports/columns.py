"""What a standard ledger is (its columns, its scoped read) and the helpers its columns share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from yizhan.accounts.roles import Department
from yizhan.core.masking import mask_id_number, mask_phone
from yizhan.people.models import Person
from yizhan.regions.models import Region

ARMED = frozenset({Department.ARMED_FORCES, Department.BOTH})


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]
    width: int = 12
    # A personal number: shown through this mask unless the exporter holds REVEAL_PII.
    mask: Callable[[str], str] | None = None


@dataclass(frozen=True)
class Ledger:
    slug: str
    name: str
    rows: Callable[[Any, Region, int | None], QuerySet | list]
    columns: tuple[Column, ...]
    # The ledger can be limited to one year (of what `year_label` says); "" when it cannot.
    year_label: str = ""
    # Departments whose staff export it; None for any (兵役 and 征兵 belong to the 武装部).
    departments: frozenset[str] | None = None
    # Without a year the ledger makes no sense (应登未登 is always of one year): this year by default.
    year_required: bool = False
    # Printing keeps the rows sharing this key on one page (a household, a family).
    group: Callable[[Any], Any] | None = None

    @property
    def headers(self) -> list[str]:
        return ["序号", *(c.header for c in self.columns)]

    @property
    def widths(self) -> list[int]:
        return [6, *(c.width for c in self.columns)]

    def values(self, row: Any, *, full: bool) -> list[Any]:
        values = []
        for column in self.columns:
            value = column.value(row)
            if column.mask is not None and value and not full:
                value = column.mask(value)
            values.append(value)
        return values


# --- helpers shared by the columns -----------------------------------------------------------


def under(queryset: QuerySet, field_name: str, region: Region) -> QuerySet:
    lo, hi = region.bounds
    return queryset.filter(**{f"{field_name}__gte": lo, f"{field_name}__lt": hi})


def in_year(queryset: QuerySet, field_name: str, year: int | None) -> QuerySet:
    return queryset.filter(**{field_name: year}) if year else queryset


def yes_no(value: bool) -> str:
    return "是" if value else "否"


def this_year() -> int:
    return timezone.localdate().year


def person_columns(of: Callable[[Any], Person]) -> tuple[Column, ...]:
    """Village, name, sex, birth date and ID number of the row's person."""
    return (
        Column("村（社区）", lambda r: of(r).region.name, 14),
        Column("姓名", lambda r: of(r).name, 10),
        Column("性别", lambda r: of(r).get_sex_display(), 6),
        Column("出生日期", lambda r: of(r).birth_date, 12),
        Column("公民身份号码", lambda r: of(r).id_number, 22, mask=mask_id_number),
    )


def phone_column(of: Callable[[Any], Person]) -> Column:
    return Column("联系电话", lambda r: of(r).phone, 15, mask=mask_phone)


def itself(person: Person) -> Person:
    return person


def its_person(row: Any) -> Person:
    """The person of a row that names one (a registration, a card, a militia membership)."""
    return row.person

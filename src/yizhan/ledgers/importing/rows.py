"""One data row on its way through an import: its parsed values, where each came from, its errors."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from yizhan.ledgers.importing import cells
from yizhan.ledgers.importing.columns import Column


@dataclass(frozen=True)
class RowError:
    column: str  # the header as the file spells it (or the field's label when the file lacks it)
    value: str  # masked for ID numbers and phones
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"column": self.column, "value": self.value, "reason": self.reason}


class Rejected(Exception):
    """Raised by a row handler: the row changes nothing and reports these errors."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(e.reason for e in errors))
        self.errors = errors


@dataclass
class Row:
    number: int
    spec: dict[str, Column]  # field → column spec of the kind
    values: dict[str, Any] = field(default_factory=dict)  # field → parsed value (non-empty cells only)
    sources: dict[str, tuple[str, Any]] = field(default_factory=dict)  # field → (header, raw cell)
    errors: list[RowError] = field(default_factory=list)
    bidx: str | None = None  # the ID number's blind index, computed once when it is parsed

    def header(self, name: str) -> str:
        if name in self.sources:
            return self.sources[name][0]
        column = self.spec.get(name)
        return column.label if column else name

    def error(self, name: str, reason: str) -> RowError:
        raw = self.sources.get(name, ("", None))[1]
        return RowError(self.header(name), cells.masked(name, raw) if raw is not None else "", reason)

    def reject(self, name: str, reason: str) -> Rejected:
        return Rejected([self.error(name, reason)])


@dataclass(slots=True)
class Result:
    """A row's outcome, as it will be stored (ImportRunRow's columns): a plain object, since one
    is made for every row of the file."""

    run_id: int
    row: int
    outcome: str
    errors: list[dict[str, str]] = field(default_factory=list)
    person_id: int | None = None
    person_created: bool = False
    person_version: int | None = None
    previous: dict[str, Any] = field(default_factory=dict)
    records: list[list] = field(default_factory=list)

    COLUMNS = (
        "run_id", "row", "outcome", "errors", "person_id", "person_created", "person_version", "previous",
        "records",
    )  # fmt: skip

    def as_row(self) -> tuple:
        """The values of COLUMNS, JSON columns serialised (most rows have none to write)."""
        return (
            self.run_id, self.row, self.outcome, _json(self.errors, "[]"), self.person_id, self.person_created,
            self.person_version, _json(self.previous, "{}"), _json(self.records, "[]"),
        )  # fmt: skip


def _json(value, empty: str) -> str:
    return json.dumps(value, ensure_ascii=False) if value else empty

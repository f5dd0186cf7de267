"""One data row on its way through an import: its parsed values, where each came from, its errors."""

from __future__ import annotations

import json
import pickle
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
    key: bytes | None = None  # what makes a later row a repeat of this one (Importer._fact_key)

    def has(self, name: str) -> bool:
        return name in self.values

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


class PackedRow(Row):
    """A Row as a worker process hands it over: its number, ID number's index, repeat key, errors
    and field names at hand, its values and sources read from its batch's one pickle only when
    first asked for. For most rows of a people ledger (a new person, no errors) the writer never
    asks: it needs the row's prepared person, not its cells, and the one writer is the import's
    narrowest step."""

    def __init__(self, spec: dict[str, Column], packed: tuple, batch: PackedBatch):
        self.spec, self._batch = spec, batch
        self.number, self.bidx, self.key, self.errors, self._fields, self._index = packed

    def has(self, name: str) -> bool:
        return name in self._fields

    def __getattr__(self, name: str):
        # Only for the attributes not set yet: values and sources, decoded on first use.
        if name not in ("values", "sources"):
            raise AttributeError(name)
        self.values, self.sources = self._batch.parse(self._index)
        return self.__dict__[name]


class PackedBatch:
    """The values and sources of a batch's rows, pickled together in the worker (so the batch's
    shared objects, its regions and header strings, are written once) and unpickled together,
    the first time a row of the batch needs them."""

    def __init__(self, rows: list[Row]):
        self.packed = [(r.number, r.bidx, r.key, r.errors, tuple(r.values), i) for i, r in enumerate(rows)]
        self._blob = pickle.dumps([(r.values, r.sources) for r in rows], protocol=pickle.HIGHEST_PROTOCOL)
        self._parsed: list | None = None

    def __getstate__(self) -> dict:
        return {"packed": self.packed, "_blob": self._blob, "_parsed": None}

    def parse(self, index: int) -> tuple[dict, dict]:
        if self._parsed is None:
            self._parsed = pickle.loads(self._blob)
        return self._parsed[index]


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

"""Finding the header row under the title rows, and which column means which field."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

from yizhan.ledgers.importing import cells
from yizhan.ledgers.importing.columns import IGNORED, SEQUENCE, Column, header_index
from yizhan.ledgers.importing.kinds import KINDS
from yizhan.ledgers.importing.reading import UnreadableFile

HEADER_SCAN_ROWS = 50
SPECIAL = {SEQUENCE, IGNORED}


@dataclass
class Layout:
    header_row: int
    headers: dict[int, str]  # column index → header text as written (stripped)
    columns: dict[int, Column]  # column index → what it means (unmapped columns absent)
    _data_columns: list | None = field(default=None, init=False, repr=False, compare=False)

    def mapping(self) -> dict[str, str]:
        """{column index: field}, the form a run stores."""
        return {str(i): c.field for i, c in self.columns.items()}

    def data_columns(self) -> list[tuple[int, str, Column]]:
        # Asked once a row; a layout does not change once located.
        if self._data_columns is None:
            self._data_columns = [
                (i, self.headers.get(i, ""), c)
                for i, c in sorted(self.columns.items())
                if c.field not in SPECIAL
            ]
        return self._data_columns

    def is_blank(self, row: list) -> bool:
        """No data at all, a sequence number (or our own 错误原因) at most."""
        for index, value in enumerate(row):
            if value is None or (isinstance(value, str) and not value.strip()):
                continue
            column = self.columns.get(index)
            if column is None or column.field not in SPECIAL:
                return False
        return True

    def missing_required(self, kind: str) -> list[str]:
        present = {c.field for c in self.columns.values()}
        return [c.label for c in KINDS[kind].columns if c.required and c.field not in present]


def _recognise(row: list, index: dict[str, Column]) -> dict[int, Column]:
    found = {}
    for position, value in enumerate(row):
        if value is None:
            continue
        column = index.get(cells.key(value))
        if column is not None:
            found[position] = column
    return found


def _is_header(columns: dict[int, Column]) -> bool:
    fields = {c.field for c in columns.values()} - SPECIAL
    return len(fields) >= 2 and bool(fields & {"name", "id_number"})


def locate(
    rows: Iterator[tuple[int, list]],
    kind: str,
    *,
    extra_headers: dict[str, str] | None = None,
    header_row: int | None = None,
    mapping: dict[str, str] | None = None,
) -> tuple[Layout, Iterator[tuple[int, list]]]:
    """Reads up to the header row and returns the layout and the rows after it.

    The header is `header_row` when given, else the first row among the first 50 whose cells
    name at least two known fields, one of them 姓名 or 身份证号. `mapping` ({column index:
    field}, from the preview page) replaces the recognised columns; `extra_headers` are a mapping
    template's spellings."""
    spec = KINDS[kind]
    index = header_index(spec.columns, extra_headers)
    by_field = {c.field: c for c in index.values()}
    for number, row in itertools.islice(rows, HEADER_SCAN_ROWS if header_row is None else header_row):
        recognised = _recognise(row, index)
        if number == header_row or (header_row is None and _is_header(recognised)):
            headers = {i: cells.text(v) for i, v in enumerate(row) if v is not None}
            if mapping is not None:
                recognised = {int(i): by_field[f] for i, f in mapping.items() if f in by_field}
            return Layout(number, headers, recognised), rows
    raise UnreadableFile(
        f"前 {HEADER_SCAN_ROWS} 行中没有找到表头：表头行应包含“姓名”“身份证号”等列名。"
        if header_row is None
        else f"第 {header_row} 行不存在。"
    )

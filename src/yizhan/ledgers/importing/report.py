"""The error report: the original sheet, every row as read (title rows too), with a 错误原因
column filled for the rejected rows. The clerk corrects it and imports it again; the import
ignores the 错误原因 column.

Streams both ways: the source is read again row by row, the reasons come from the database in row
order, and XlsxWriter's constant_memory mode writes each row as it goes.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import xlsxwriter

from yizhan.core.sheets import merge_text
from yizhan.ledgers.importing import cells
from yizhan.ledgers.importing.columns import IGNORED_COLUMN
from yizhan.ledgers.importing.reading import open_sheet
from yizhan.ledgers.models import ImportRun, ImportRunRow, Outcome

REASON_HEADER = IGNORED_COLUMN.label


def errors_of(run: ImportRun) -> Iterator[dict]:
    """{"row", "column", "value", "reason"} of each rejected row in row order (values masked)."""
    rows = ImportRunRow.objects.filter(run=run, outcome=Outcome.REJECTED).order_by("row")
    for number, errors in rows.values_list("row", "errors").iterator(chunk_size=2000):
        for error in errors:
            yield {"row": number, **error}


def _reasons(run: ImportRun) -> Iterator[tuple[int, str]]:
    rows = ImportRunRow.objects.filter(run=run, outcome=Outcome.REJECTED).order_by("row")
    for number, errors in rows.values_list("row", "errors").iterator(chunk_size=2000):
        yield (
            number,
            "；".join(f"{e['column']}：{e['reason']}" if e["column"] else e["reason"] for e in errors),
        )


def write_report(*, run: ImportRun, out: Path | str | IO[bytes]) -> None:
    sheet = open_sheet(run.source_path)
    header_row = run.header_row or 0
    reason_column = None
    width = 0
    for number, row in sheet.rows():  # one pass to find the width (and an existing 错误原因 column)
        width = max(width, len(row))
        if number == header_row:
            reason_column = next(
                (i for i, v in enumerate(row) if v is not None and cells.key(v) == cells.key(REASON_HEADER)),
                None,
            )
    if reason_column is None:
        reason_column = width
    book = xlsxwriter.Workbook(out, {"constant_memory": True, "in_memory": False})
    sheet_out = book.add_worksheet("错误报告")
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    header_format = book.add_format({"bold": True, "font_color": "#B00020"})
    reason_format = book.add_format({"font_color": "#B00020", "text_wrap": False})
    merges = {}
    for first_row, first_col, last_row, last_col in sheet.merged:
        merges.setdefault(first_row + 1, []).append((first_row, first_col, last_row, last_col))
    reasons = _reasons(run)
    pending = next(reasons, None)
    sheet_out.set_column(reason_column, reason_column, 60)
    for number, row in sheet.rows():
        index = number - 1
        merged_starts = {(c, lr, lc) for _, c, lr, lc in merges.get(number, [])}
        for column, value in enumerate(row):
            if column == reason_column or value is None:
                continue
            span = next(((lr, lc) for c, lr, lc in merged_starts if c == column), None)
            if span is not None and isinstance(value, str):
                merge_text(sheet_out, index, column, span[0], span[1], value)
            else:
                _write(sheet_out, index, column, value, date_format)
        if number == header_row:
            sheet_out.write_string(index, reason_column, REASON_HEADER, header_format)
        while pending is not None and pending[0] < number:
            pending = next(reasons, None)
        if pending is not None and pending[0] == number:
            sheet_out.write_string(index, reason_column, pending[1], reason_format)
    book.close()


def _write(sheet, row: int, column: int, value, date_format) -> None:
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value)
    elif isinstance(value, datetime.datetime | datetime.date):
        sheet.write_datetime(row, column, value, date_format)
    else:
        sheet.write_string(row, column, str(value))

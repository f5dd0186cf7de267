"""Every cell an export writes, in CSV and xlsx alike, goes through here: values are data, never
formulas.

A registry value a clerk or an import typed (a name, an address, a note) may begin with "=", "+",
"-" or "@"; Excel and WPS would run it as a formula when the file is opened (CSV injection). In
xlsx a string is written with write_string — a string cell is never evaluated, whatever it starts
with. CSV has no cell types, so such a value gets a leading apostrophe, which the spreadsheet shows
as text and hides (OWASP's advice); a tab or carriage return at the start is treated alike.
Numbers and dates stay numbers and dates: they cannot carry a formula.
"""

from __future__ import annotations

import csv
import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import IO, Any

from yizhan.core.idnumber import chinese_date

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def printed_text(value: Any) -> str:
    """A value on a printed roster: as on screen, a date written 2026年12月1日."""
    if isinstance(value, datetime.date):
        return chinese_date(value)
    return cell_text(value)


def cell_text(value: Any) -> str:
    """A value as a CSV cell holds it (a date in ISO form, which spreadsheets read as a date)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_text(value: Any) -> str:
    """A cell for CSV: text that no spreadsheet will evaluate."""
    text = cell_text(value)
    typed = isinstance(value, int | float | Decimal | datetime.date)  # bool is an int
    return "'" + text if not typed and text.startswith(FORMULA_STARTS) else text


def write_csv(target: IO[str], header: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """UTF-8 with a BOM (so Excel opens it in Chinese), every cell through csv_text; returns the
    number of data rows."""
    target.write("\ufeff")
    writer = csv.writer(target)
    writer.writerow([csv_text(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
        count += 1
    return count


def write_xlsx_cell(sheet, row: int, col: int, value: Any, formats: dict | None = None) -> None:
    """One XlsxWriter cell: strings as string cells (never sheet.write, which turns "=…" into a
    formula), numbers as numbers, dates as dates. `formats` may name "text", "day" and "money"."""
    formats = formats or {}
    text = formats.get("text")
    if value is None or value == "":
        sheet.write_blank(row, col, None, text)
    elif isinstance(value, bool):
        sheet.write_string(row, col, "是" if value else "否", text)
    elif isinstance(value, datetime.datetime | datetime.date):
        sheet.write_datetime(row, col, value, formats.get("day", text))
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), formats.get("money", text))
    elif isinstance(value, int | float):
        sheet.write_number(row, col, value, text)
    else:
        sheet.write_string(row, col, str(value), text)


def write_xlsx_row(sheet, row: int, values: Sequence[Any], formats: dict | None = None) -> None:
    for col, value in enumerate(values):
        write_xlsx_cell(sheet, row, col, value, formats)


def merge_text(
    sheet, first_row: int, first_col: int, last_row: int, last_col: int, text: str, fmt=None
) -> None:
    """A merged cell holding text: merge_range alone writes through sheet.write, formulas and all."""
    sheet.merge_range(first_row, first_col, last_row, last_col, "", fmt)
    sheet.write_string(first_row, first_col, text, fmt)

"""The workbook every standard ledger is written as: the title, the unit and the export date above
the Chinese headers, then one row per record.

Rows are streamed (XlsxWriter's constant_memory mode keeps one row in memory and flushes the rest
to a temporary file), so a county-wide roster costs no more memory than a village's. Personal
numbers arrive as text and are written as text: an 18-digit ID or a 19-digit bank account written
as a number would lose its last digits in Excel. Every cell goes through core.sheets: no value a
clerk typed ever becomes a formula.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from typing import IO, Any

import xlsxwriter

from yizhan.core.idnumber import chinese_date
from yizhan.core.sheets import merge_text, write_xlsx_cell, write_xlsx_row

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Row 1: title; row 2: unit and date; row 3: headers; the data starts on row 4.
HEADER_ROW = 2
A4 = 9


def write_ledger_xlsx(
    target: str | IO[bytes],
    *,
    title: str,
    unit: str,
    on: datetime.date,
    headers: Sequence[str],
    widths: Sequence[int],
    rows: Iterable[Sequence[Any]],
) -> int:
    """Writes the workbook to `target` (a path or a binary file); returns the number of data rows."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True})
    try:
        sheet = workbook.add_worksheet(_sheet_name(title))
        formats = _formats(workbook)
        last = len(headers) - 1
        middle = max(last // 2, 1)
        for col, width in enumerate(widths):
            sheet.set_column(col, col, width)
        sheet.set_row(0, 30)
        _span(sheet, 0, 0, last, title, formats["title"])
        _span(sheet, 1, 0, middle - 1, f"填报单位：{unit}", formats["meta"])
        _span(sheet, 1, middle, last, f"导出日期：{chinese_date(on)}", formats["date"])
        write_xlsx_row(sheet, HEADER_ROW, headers, {"text": formats["header"]})
        count = 0
        for count, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                write_xlsx_cell(sheet, HEADER_ROW + count, col, value, formats)
        sheet.freeze_panes(HEADER_ROW + 1, 0)
        sheet.set_paper(A4)
        sheet.set_landscape()
        sheet.fit_to_pages(1, 0)
        sheet.repeat_rows(HEADER_ROW)
        sheet.set_footer("&C第 &P 页，共 &N 页")
        return count
    finally:
        workbook.close()


def _sheet_name(title: str) -> str:
    # Excel allows at most 31 characters; the ledger's name is the end of the title.
    return title[-31:]


def _formats(workbook) -> dict:
    cell = {"border": 1, "valign": "vcenter"}
    return {
        "title": workbook.add_format({"bold": True, "font_size": 16, "align": "center", "valign": "vcenter"}),
        "meta": workbook.add_format({"font_size": 10}),
        "date": workbook.add_format({"font_size": 10, "align": "right"}),
        "header": workbook.add_format(
            {**cell, "bold": True, "bg_color": "#DDEBF7", "align": "center", "text_wrap": True}
        ),
        "text": workbook.add_format(cell),
        "day": workbook.add_format({**cell, "num_format": "yyyy-mm-dd"}),
        "money": workbook.add_format({**cell, "num_format": "#,##0.00"}),
    }


def _span(sheet, row: int, first: int, last: int, text: str, fmt) -> None:
    if last > first:
        merge_text(sheet, row, first, row, last, text, fmt)
    else:
        sheet.write_string(row, first, text, fmt)

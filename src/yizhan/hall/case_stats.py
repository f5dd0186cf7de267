"""The hall statistics as xlsx (XlsxWriter through core.sheets: every cell written as a value)."""

from __future__ import annotations

import io

import xlsxwriter

from yizhan.core.sheets import write_xlsx_row

HEADERS = ["取号数", "过号数", "等候时间中位数（分钟）", "等候时间90%分位（分钟）", "平均办理时间（分钟）",
           "办件数", "承诺件办结数", "按时办结率（%）", "评价数", "差评数", "好评率（%）"]  # fmt: skip


def row_values(row) -> list:
    def rounded(value):
        return "" if value is None else round(value, 1)

    return [
        row.tickets, row.no_shows, rounded(row.wait_p50), rounded(row.wait_p90), rounded(row.service_mean),
        row.cases, row.promised, rounded(row.on_time_rate), row.ratings, row.bad, rounded(row.good_rate),
    ]  # fmt: skip


def statistics_xlsx(rows, *, group: str) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("服务大厅统计")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    write_xlsx_row(sheet, 0, [group, *HEADERS], {"text": bold})
    for n, row in enumerate(rows, start=1):
        write_xlsx_row(sheet, n, [row.label, *row_values(row)])
    sheet.set_column(0, 0, 24)
    sheet.set_column(1, len(HEADERS), 14)
    sheet.freeze_panes(1, 1)
    workbook.close()
    return buffer.getvalue()

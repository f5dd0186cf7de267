"""The bank's 代发 file for a batch of 优待金 payments (XlsxWriter)."""

from __future__ import annotations

import io
from collections.abc import Iterable

import xlsxwriter

from yizhan.benefits.models import AllowancePayment
from yizhan.core.masking import mask_bank_account, mask_id_number
from yizhan.core.sheets import write_xlsx_row

BANK_HEADERS = ["姓名", "身份证号", "开户行", "账号", "金额", "期次"]


def bank_xlsx(payments: Iterable[AllowancePayment], *, full: bool) -> bytes:
    """One row per payment to the recipient's card; ID numbers and accounts masked unless `full`.
    Numbers are written as text so that banks' 18- and 19-digit values keep every digit; every
    cell goes through core.sheets, so no value becomes a formula."""
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet("代发明细")
    bold = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    money = workbook.add_format({"num_format": "0.00"})
    write_xlsx_row(sheet, 0, BANK_HEADERS, {"text": bold})
    for row, payment in enumerate(payments, start=1):
        recipient = payment.recipient
        id_number = recipient.recipient.id_number
        account = recipient.account
        values = [
            recipient.recipient.name,
            id_number if full else mask_id_number(id_number),
            recipient.bank_name,
            account if full else mask_bank_account(account),
            payment.amount,
            f"{payment.period.person.name} {payment.period.label}",
        ]
        write_xlsx_row(sheet, row, values, {"money": money})
    sheet.set_column(0, 0, 10)
    sheet.set_column(1, 1, 22)
    sheet.set_column(2, 2, 24)
    sheet.set_column(3, 3, 24)
    sheet.set_column(4, 4, 12)
    sheet.set_column(5, 5, 30)
    sheet.freeze_panes(1, 0)
    workbook.close()
    return buffer.getvalue()

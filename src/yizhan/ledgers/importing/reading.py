"""Reading a ledger file row by row: xlsx and xls through python-calamine, large xlsx through
openpyxl's streaming reader, csv in UTF-8 (with or without BOM) or GBK.

calamine is fast but holds the whole sheet in memory (about 20 bytes per byte of xlsx), so an xlsx
above CALAMINE_MAX_BYTES is read with openpyxl's read-only mode instead, which parses the XML as it
goes. Both yield the same Python values (str, int/float, date/datetime, bool, empty as None); the
cell parsers do not care which reader produced them. Rows carry the number Excel shows (1-based)
and cells are indexed by absolute column (0 = A).

`check_limits` runs before any of that: an upload is hostile until proven otherwise, so an xlsx's
zip directory and a first pass over its decompressed bytes (counting the first sheet's rows) or a
csv's lines are checked against settings.UPLOAD_MAX_* before a parser sees the file.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
import python_calamine
from django.conf import settings

from yizhan.core.crypto import DecryptionError
from yizhan.ledgers.storage import open_source

# About 200,000 rows of ten columns, which calamine holds in roughly 200 MB.
CALAMINE_MAX_BYTES = 8 * 1024 * 1024
SNIFF_BYTES = 256 * 1024


class UnreadableFile(Exception):
    """The file cannot be read as a spreadsheet; str() is a Chinese sentence for the clerk."""


@dataclass
class Sheet:
    """A way to iterate one sheet's rows, re-openable (the report writer reads the file again)."""

    path: Path
    format: str  # "xlsx", "xls", "csv"
    streaming: bool = False
    encoding: str = ""
    delimiter: str = ","
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # 0-based, inclusive
    total_rows: int | None = None

    def rows(self) -> Iterator[tuple[int, list]]:
        """(row number as Excel shows it, cells by absolute column), every row including empty ones."""
        if self.format == "csv":
            yield from self._csv_rows()
        elif self.streaming:
            yield from self._openpyxl_rows()
        else:
            yield from self._calamine_rows()

    def _calamine_rows(self) -> Iterator[tuple[int, list]]:
        try:
            with open_source(self.path) as handle:
                sheet = python_calamine.load_workbook(handle).get_sheet_by_index(0)
        except python_calamine.CalamineError as exc:
            raise UnreadableFile(f"无法读取该文件：{exc}") from None
        if sheet.start is None:
            return
        offset = sheet.start[1]
        # calamine yields rows from the sheet's first row (row 1), with columns starting at the
        # first used column.
        for index, cells in enumerate(sheet.iter_rows()):
            yield index + 1, [None] * offset + [None if c == "" else c for c in cells]

    def _openpyxl_rows(self) -> Iterator[tuple[int, list]]:
        with open_source(self.path) as handle:
            try:
                book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
            except Exception as exc:  # openpyxl raises many types for a damaged file
                raise UnreadableFile(f"无法读取该文件：{exc}") from None
            try:
                for index, cells in enumerate(book.worksheets[0].iter_rows(values_only=True)):
                    yield index + 1, [None if c == "" else c for c in cells]
            finally:
                book.close()

    def _csv_rows(self) -> Iterator[tuple[int, list]]:
        with io.TextIOWrapper(open_source(self.path), encoding=self.encoding, newline="") as handle:
            try:
                for index, cells in enumerate(csv.reader(handle, delimiter=self.delimiter)):
                    yield index + 1, [c if c.strip() else None for c in cells]
            except UnicodeDecodeError:
                raise UnreadableFile(
                    f"文件编码不是一致的 {self.encoding.upper()}，请另存为 UTF-8 或 xlsx 后重新上传。"
                ) from None


def check_limits(path: Path | str) -> int:
    """The file's row count (lines of a csv), or UnreadableFile when the file exceeds the upload
    limits: too many rows, or an xlsx that decompresses to too much or inflates too steeply (a zip
    bomb). Reads only zip headers and streams decompressed bytes; parses nothing."""
    path = Path(path)
    try:
        with open_source(path) as handle:
            head = handle.read(4)
        if head.startswith(b"PK\x03\x04"):
            rows = _xlsx_rows_within_limits(path)
        elif head.startswith(b"\xd0\xcf\x11\xe0"):
            rows = 0  # xls holds at most 65,536 rows, and its size is already bounded by the upload's
        else:
            rows = _count_lines(path)
    except DecryptionError:
        raise UnreadableFile("存储的台账文件已损坏，请重新上传。") from None
    if rows > settings.UPLOAD_MAX_ROWS:
        raise UnreadableFile(
            f"文件约有 {rows:,} 行，超过单个文件 {settings.UPLOAD_MAX_ROWS:,} 行的上限，请按乡镇（街道）拆分后分别上传。"
        )
    return rows


_SHEET_REL = re.compile(rb"<(?:\w+:)?sheet\b[^>]*?\br:id=\"([^\"]+)\"")
_ROW_TAG = re.compile(rb"<(?:\w+:)?row[\s>/]")


def _xlsx_rows_within_limits(path: Path) -> int:
    limit_mb = settings.UPLOAD_MAX_UNPACKED_BYTES // (1024 * 1024)
    too_big = UnreadableFile(
        f"文件解压后超过 {limit_mb} MB，已拒绝读取：请确认文件来源，或按乡镇（街道）拆分后上传。"
    )
    source = open_source(path)
    try:
        book = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError):
        source.close()
        raise UnreadableFile("无法读取该文件：不是有效的 xlsx 文件。") from None
    with source, book:
        members = book.infolist()
        # The directory first: what the members claim to be, before decompressing a byte.
        if sum(m.file_size for m in members) > settings.UPLOAD_MAX_UNPACKED_BYTES:
            raise too_big
        if any(m.file_size > settings.UPLOAD_MAX_RATIO * max(m.compress_size, 1024) for m in members):
            raise UnreadableFile(
                f"文件内容的压缩比异常（超过 {settings.UPLOAD_MAX_RATIO} 倍），不像正常的台账文件，已拒绝读取。"
                "请确认文件来源，或用 Excel 重新保存后上传。"
            )
        first_sheet = _first_sheet_name(book)
        # Then the bytes themselves, streamed: a member inflating past what the directory claims
        # stops zipfile (it reads no further than the declared size and checks the CRC).
        unpacked = rows = 0
        for member in members:
            try:
                with book.open(member) as stream:
                    tail = b""
                    for block in iter(lambda s=stream: s.read(1 << 20), b""):
                        unpacked += len(block)
                        if unpacked > settings.UPLOAD_MAX_UNPACKED_BYTES:
                            raise too_big
                        if member.filename == first_sheet:
                            chunk = tail + block
                            rows += len(_ROW_TAG.findall(chunk)) - len(_ROW_TAG.findall(tail))
                            tail = chunk[-16:]
                            if rows > settings.UPLOAD_MAX_ROWS:
                                return rows
            except (zipfile.BadZipFile, NotImplementedError, RuntimeError, OSError, EOFError) as exc:
                raise UnreadableFile(f"无法读取该文件：压缩内容已损坏（{type(exc).__name__}）。") from None
    return rows


def _first_sheet_name(book: zipfile.ZipFile) -> str:
    """The member holding the workbook's first sheet (the one imported), e.g. xl/worksheets/sheet1.xml."""
    try:
        workbook = book.read("xl/workbook.xml")
        relations = book.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        raise UnreadableFile("无法读取该文件：缺少工作簿结构，不是有效的 xlsx 文件。") from None
    found = _SHEET_REL.search(workbook)
    if found is not None:
        for relation in re.finditer(rb"<Relationship\b[^>]*>", relations):
            tag = relation.group(0)
            if re.search(rb'\bId="' + re.escape(found.group(1)) + rb'"', tag):
                target = re.search(rb'\bTarget="([^"]+)"', tag)
                if target is not None:
                    name = target.group(1).decode("utf-8", "replace")
                    return name.lstrip("/") if name.startswith("/") else f"xl/{name}"
    return "xl/worksheets/sheet1.xml"


def open_sheet(path: Path | str) -> Sheet:
    """Recognises the format by content, not by the file name's extension."""
    path = Path(path)
    try:
        with open_source(path) as handle:
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        raise UnreadableFile(f"无法打开文件：{exc.strerror}") from None
    except DecryptionError:
        raise UnreadableFile("存储的台账文件已损坏，请重新上传。") from None
    if not head:
        raise UnreadableFile("文件是空的。")
    if head.startswith(b"PK\x03\x04"):
        return _xlsx(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return _calamine_sheet(path, "xls")
    return _csv(path, head)


def _xlsx(path: Path) -> Sheet:
    if path.stat().st_size > CALAMINE_MAX_BYTES:
        try:
            with open_source(path) as handle:
                book = openpyxl.load_workbook(handle, read_only=True, data_only=True)
                total = book.worksheets[0].max_row
                book.close()
        except Exception as exc:
            raise UnreadableFile(f"无法读取该文件：{exc}") from None
        return Sheet(path=path, format="xlsx", streaming=True, total_rows=total)
    return _calamine_sheet(path, "xlsx")


def _calamine_sheet(path: Path, fmt: str) -> Sheet:
    try:
        with open_source(path) as handle:
            book = python_calamine.load_workbook(handle)
        sheet = book.get_sheet_by_index(0)
    except python_calamine.CalamineError as exc:
        raise UnreadableFile(f"无法读取该文件：{exc}") from None
    except Exception as exc:  # PasswordError, ZipError, XmlError …
        raise UnreadableFile(f"无法读取该文件（{type(exc).__name__}）：{exc}") from None
    merged = [(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])]
    total = sheet.end[0] + 1 if sheet.end is not None else 0
    return Sheet(path=path, format=fmt, merged=merged, total_rows=total)


def _csv(path: Path, head: bytes) -> Sheet:
    if head.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "gb18030"  # a superset of GBK and GB2312, which Excel on Chinese Windows writes
    text = head.decode(encoding, errors="ignore")
    sample = text[:20000]
    delimiter = max([",", "\t", ";"], key=sample.count)
    return Sheet(
        path=path, format="csv", encoding=encoding, delimiter=delimiter, total_rows=_count_lines(path)
    )


def _count_lines(path: Path) -> int:
    lines = 0
    with open_source(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines += block.count(b"\n")
    return lines + 1


def sha256_of(path: Path | str) -> str:
    digest = hashlib.sha256()
    with open_source(path) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def source_size(path: Path | str) -> int:
    """The plaintext size (a sealed source is a little larger on disk)."""
    with open_source(path) as handle:
        return handle.seek(0, io.SEEK_END)


def display(value) -> str:
    """A cell as the clerk saw it, for previews and messages."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return (
            value.strftime("%Y-%m-%d %H:%M") if (value.hour, value.minute) != (0, 0) else f"{value:%Y-%m-%d}"
        )
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float):
        return repr(value)
    return str(value)

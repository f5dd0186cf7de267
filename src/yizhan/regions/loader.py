"""Reading an official 统计用区划代码 list (CSV: 统计用区划代码,名称; UTF-8 or GBK), shared by
`yizhan load_regions` and the 系统 page that previews a list before loading it."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field

from yizhan.regions.models import Region

CODE_HEADERS = {"统计用区划代码", "区划代码", "代码", "code"}
NAME_HEADERS = {"名称", "区划名称", "name"}


def read_region_list(raw: bytes) -> list[tuple[str, str]]:
    """(code, name) pairs, parents before children; ValueError with a Chinese sentence."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = raw.decode("gbk")
        except UnicodeDecodeError:
            raise ValueError("文件须为 UTF-8 或 GBK 编码的 CSV。") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise ValueError("文件为空。")
    header = [h.strip() for h in rows[0]]
    try:
        code_col = next(i for i, h in enumerate(header) if h in CODE_HEADERS)
        name_col = next(i for i, h in enumerate(header) if h in NAME_HEADERS)
    except StopIteration:
        raise ValueError("表头须包含“统计用区划代码”和“名称”两列。") from None
    entries = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = row + [""] * (max(code_col, name_col) + 1 - len(row))
        code, name = cells[code_col].strip(), cells[name_col].strip()
        if len(code) != 12 or not code.isdigit() or not name:
            raise ValueError(f"第 {number} 行：区划代码须为 12 位数字且名称不能为空（{code!r}）。")
        entries.append((code, name))
    entries.sort()  # parents (shorter significant prefixes) sort before their children
    return entries


@dataclass
class Preview:
    """What loading a list would change: new regions, renamed ones, and how many stay as they are."""

    added: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)  # code, old name, new name
    unchanged: int = 0


def preview(entries: list[tuple[str, str]]) -> Preview:
    known: dict[str, str] = {}
    codes = [code for code, _ in entries]
    for start in range(0, len(codes), 500):  # within every database's limit of query parameters
        chunk = codes[start : start + 500]
        known.update(Region.objects.filter(code__in=chunk).values_list("code", "name"))
    result = Preview()
    for code, name in entries:
        if code not in known:
            result.added.append((code, name))
        elif known[code] != name:
            result.renamed.append((code, known[code], name))
        else:
            result.unchanged += 1
    return result

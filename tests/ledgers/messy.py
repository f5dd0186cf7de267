"""A 新湖街道 people ledger with every kind of mess a real one has, built with openpyxl.

Rows 1–2 are merged title rows, row 3 the header (synonyms, a spaced-out 姓 名), data from row 4.
EXPECTED says what each data row must end as; the two people the registry already has are made by
`registry_people`. All people are invented; their ID numbers are valid demonstration numbers.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import openpyxl

from yizhan.core.idnumber import make

D = datetime.date
TOWNSHIP = "371402001000"  # 新湖街道


def id_of(born: datetime.date, sex: str, sequence: int) -> str:
    return make(area_code="371402", birth_date=born, sex=sex, sequence=sequence)


ZHANG = id_of(D(1990, 1, 15), "M", 1)
LI = id_of(D(1991, 2, 3), "F", 2)
WANG = id_of(D(1992, 5, 5), "M", 13)
SUN = id_of(D(1988, 3, 8), "M", 4)  # a man's number, written down for 孙七 as 女
ZHOU = id_of(D(1985, 4, 2), "M", 5)
WU = id_of(D(1986, 6, 6), "M", 6)
ZHENG = id_of(D(1970, 1, 1), "M", 7)  # in the registry without a phone
FENG = id_of(D(1971, 3, 3), "M", 8)  # in the registry with another phone
CHEN = id_of(D(1995, 10, 28), "F", 9)
WANGFANG = id_of(D(1996, 11, 20), "F", 10)
LIU = id_of(D(1990, 10, 5), "M", 11)
ZHAO = id_of(D(1993, 7, 7), "M", 12)

FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
HEADER = ["序号", "姓 名", "性别", "公民身份号码", "出生年月", "民族", "手机号码", "村居", "家庭住址",
          "文化程度", "政治面貌", "户号", "与户主关系"]  # fmt: skip
HEADER_ROW = 3

# Each row after the header: the cells, then the expected outcome (and the column of its error).
ROWS = [
    ([1, "张  三", "男", ZHANG, "1990.01", "汉", "138 1234 5678", "新湖社区", "新湖社区1组2号", "初中", "群众", "H001", "户主"], "created"),
    ([2, "李四", "女", LI.translate(FULL_WIDTH), datetime.datetime(1991, 2, 3), "汉族", "+86 139-1234-5678", "湖滨",
      "新湖社区１组２号", "高中", "团员", "H001", "配偶"], "created"),
    ([3, "王五", "男", float(WANG), "1992-05-05", "汉族", "13512345678", "新湖社区", "", "", "", "", ""], ("rejected", "公民身份号码")),
    ([4, None, None, None, None, None, None, None, None, None, None, None, None], "ignored_blank"),
    ([5, "", " ", None, None, None, None, None, None, None, None, None, None], "ignored_blank"),
    ([6, "孙七", "女", SUN, "1988年3月", "汉族", "", "德兴社区", "", "", "", "", ""], ("rejected", "性别")),
    ([7, "张三", "男", ZHANG, "1990.01", "汉族", "", "新湖社区", "", "", "", "", ""], ("rejected", "公民身份号码")),
    ([8, "周八", "男", ZHOU, "1985-03", "汉族", "", "新湖社区", "", "", "", "", ""], ("rejected", "出生年月")),
    ([9, "吴九", "男", WU, "1986/6/6", "汉族", "", "花桥社区", "", "", "", "", ""], ("rejected", "村居")),
    ([10, "郑十", "男", ZHENG, 19700101, "汉族", "(0534)2345678", "", "", "", "", "", ""], "updated"),
    ([11, "冯十一", "男", FENG, "1971年3月3日", "汉族", "13900002222", "", "", "", "", "", ""], ("rejected", "手机号码")),
    ([12, "陈十二", "女", CHEN, 35000, "汉族", 13712345678, "运河社区居委会", "", "", "", "", ""], "created"),
    ([13, "\u3000王\u3000芳\u3000", "女", WANGFANG, 1996.11, "汉族", "0086 13612345678", "", "", "大学本科", "中共党员", "", ""], "created"),
    ([14, "刘十四", "男", LIU, 1990.1, "汉族", "", "", "", "", "", "", ""], ("rejected", "出生年月")),
    ([15, "赵十五", "男", ZHAO, "1993-07", "汉族", "0534－2345679", "长庆", "", "", "", "", ""], "created"),
]  # fmt: skip
FIRST_DATA_ROW = HEADER_ROW + 1


def expected() -> dict[int, str | tuple[str, str]]:
    """{row number as Excel shows it: outcome or (outcome, column of the error)}."""
    return {FIRST_DATA_ROW + i: outcome for i, (_, outcome) in enumerate(ROWS)}


def build(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员台账"
    sheet["A1"] = "新湖街道人员信息台账"
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEADER))
    sheet["A2"] = "填报单位：新湖街道武装部　　填报日期：2026年10月"
    sheet.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(HEADER))
    sheet.append(HEADER)
    for cells, _ in ROWS:
        sheet.append(cells)
    book.save(path)
    return path


def registry_people(*, actor=None):
    """郑十 without a phone and 冯十一 with one, as the registry already has them."""
    from yizhan.people.services import create_person
    from yizhan.regions.models import Region

    village = Region.objects.get(code="371402001001")
    zheng = create_person(actor=actor, name="郑十", id_number=ZHENG, region=village)
    feng = create_person(actor=actor, name="冯十一", id_number=FENG, phone="13800001111", region=village)
    return zheng, feng

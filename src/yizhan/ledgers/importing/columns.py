"""Column specs: the header spellings found in real 台账, the field each means, and its parser.

A kind's spec is a tuple of these; the header row is recognised by them and a saved mapping
template can add spellings. Choice lists take the labels of the model's TextChoices plus the
everyday spellings clerks use.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from yizhan.ledgers.importing import cells
from yizhan.people.models import Education, PoliticalStatus

SEQUENCE = "_sequence"  # 序号: never data; a row with only this is blank
IGNORED = "_ignored"  # 错误原因 of our own error report, re-imported


@dataclass(frozen=True)
class Column:
    field: str
    label: str  # how the field is named in messages when the file has no such column
    synonyms: tuple[str, ...]
    parse: Callable[[object], object] | None = None
    required: bool = False

    def headers(self) -> tuple[str, ...]:
        return (self.label, *self.synonyms)


def labels(choices, extra: dict[str, str] | None = None) -> dict[str, str]:
    """{spelling: stored value} from TextChoices labels plus extra spellings."""
    return {str(label): value for value, label in choices.choices} | (extra or {})


SEX = {"男": "M", "男性": "M", "m": "M", "女": "F", "女性": "F", "f": "F"}
EDUCATION = labels(
    Education,
    {
        "文盲": "none", "无": "none", "半文盲": "none", "高中": "senior", "中专": "senior", "技校": "senior",
        "职高": "senior", "中职": "senior", "职业高中": "senior", "专科": "college", "大学专科": "college",
        "高职": "college", "大学本科": "bachelor", "大学": "bachelor", "硕士": "postgraduate",
        "博士": "postgraduate", "硕士研究生": "postgraduate", "博士研究生": "postgraduate",
    },
)  # fmt: skip
POLITICAL = labels(
    PoliticalStatus,
    {
        "团员": "league",
        "共青团": "league",
        "预备党员": "probationary",
        "党员": "party",
        "中国共产党党员": "party",
    },
)

SEQUENCE_COLUMN = Column(SEQUENCE, "序号", ("编号", "序", "no", "no."))
IGNORED_COLUMN = Column(IGNORED, "错误原因", ())

# The person a row is about; every kind starts from these.
PERSON_COLUMNS = (
    Column("name", "姓名", ("名字", "人员姓名"), cells.name, required=True),
    Column(
        "id_number",
        "身份证号",
        (
            "身份证号码",
            "公民身份号码",
            "公民身份证号码",
            "身份证",
            "身份证件号码",
            "证件号码",
            "身份证号码(18位)",
        ),
        cells.id_number,
        required=True,
    ),
    Column("sex", "性别", (), cells.choice(SEX, "性别")),
    Column("birth_date", "出生日期", ("出生年月", "出生年月日", "生日", "出生时间"), cells.day),
    Column("ethnicity", "民族", (), cells.ethnicity),
    Column(
        "phone",
        "联系电话",
        ("手机号码", "手机号", "电话", "手机", "联系方式", "电话号码", "联系电话(手机)", "本人电话"),
        cells.phone,
    ),
    Column(
        "township",
        "乡镇（街道）",
        ("乡镇", "街道", "所属乡镇", "乡镇街道", "所属乡镇（街道）", "镇街"),
        cells.text,
    ),
    Column(
        "village",
        "所属村（社区）",
        (
            "村居",
            "村（社区）",
            "村/社区",
            "所属村居",
            "村（居）",
            "所在村",
            "所在村（社区）",
            "村名",
            "社区",
            "所属社区",
            "所属村",
            "村",
            "村（居）委会",
            "户籍所在村",
        ),
        cells.text,
    ),
    Column(
        "address",
        "现住址",
        ("家庭住址", "住址", "家庭地址", "居住地址", "现居住地", "地址", "详细地址"),
        cells.plain_text(200),
    ),
    Column("education", "文化程度", ("学历", "文化"), cells.choice(EDUCATION, "文化程度")),
    Column("political_status", "政治面貌", ("政治身份",), cells.choice(POLITICAL, "政治面貌")),
    Column("notes", "备注", ("说明",), cells.plain_text(2000)),
)

HOUSEHOLD_COLUMNS = (
    Column("household_key", "户号", ("户编号", "户口簿编号", "户口本编号"), cells.plain_text(50)),
    # A grid of the person's village (regions.Grid, by name): his household is placed in it.
    Column("grid", "网格", ("所属网格", "网格名称", "网格名"), cells.plain_text(50)),
    Column(
        "household_head",
        "与户主关系",
        ("户主关系", "是否户主"),
        cells.choice(
            {
                "户主": "head",
                "本人": "head",
                "是": "head",
                "否": "member",
                "配偶": "member",
                "妻": "member",
                "夫": "member",
                "子": "member",
                "女": "member",
                "儿子": "member",
                "女儿": "member",
                "父亲": "member",
                "母亲": "member",
                "父": "member",
                "母": "member",
                "孙子": "member",
                "孙女": "member",
                "儿媳": "member",
                "女婿": "member",
                "兄弟": "member",
                "姐妹": "member",
                "其他": "member",
            },
            "与户主关系",
        ),
    ),
)


def header_index(columns: tuple[Column, ...], extra: dict[str, str] | None = None) -> dict[str, Column]:
    """{normalised header spelling: column}; a template's spellings (`extra`) win."""
    index: dict[str, Column] = {}
    for column in (SEQUENCE_COLUMN, IGNORED_COLUMN, *columns):
        for spelling in column.headers():
            index.setdefault(cells.key(spelling), column)
    by_field = {c.field: c for c in (SEQUENCE_COLUMN, IGNORED_COLUMN, *columns)}
    for spelling, field in (extra or {}).items():
        if field in by_field:
            index[cells.key(spelling)] = by_field[field]
    return index

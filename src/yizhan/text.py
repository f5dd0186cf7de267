"""Names refuse what cannot be seen: control characters, bidirectional overrides (U+202E turns
"商春旺" into something that reads differently on screen than it sorts, searches and prints),
zero-width and other format characters. One check, used by every name field and its service."""

from __future__ import annotations

import unicodedata

from django import forms
from django.core.exceptions import ValidationError

# Cc control, Cf format (U+200B–U+200F, U+202A–U+202E, U+2060–U+2069, U+FEFF …), Co private use,
# Cs surrogates, Zl/Zp line and paragraph separators.
INVISIBLE = {"Cc", "Cf", "Co", "Cs", "Zl", "Zp"}
# A list of names written on several lines (送达人员, 走访人员) may keep its line breaks.
LINE_BREAKS = {"\n", "\r", "\t"}
MESSAGE = "含有不可见的控制或格式字符（常见于从网页、聊天软件复制的文字），请删除后重新输入。"


def invisible_in(value: str, *, multiline: bool = False) -> list[str]:
    """The offending characters, as U+XXXX, in order of appearance."""
    return [
        f"U+{ord(ch):04X}"
        for ch in value
        if unicodedata.category(ch) in INVISIBLE and not (multiline and ch in LINE_BREAKS)
    ]


def name_problem(value: str, *, label: str = "", multiline: bool = False) -> str | None:
    found = invisible_in(value or "", multiline=multiline)
    return f"{label}{MESSAGE}（{'、'.join(found)}）" if found else None


def check_name(value: str, *, field: str, label: str = "姓名", multiline: bool = False) -> str:
    """For services: ValidationError({field: …}) when `value` holds an invisible character."""
    problem = name_problem(value, label=label, multiline=multiline)
    if problem:
        raise ValidationError({field: problem})
    return value


class NameField(forms.CharField):
    """A person's name, or the names of those who took part or signed."""

    def __init__(self, *, multiline: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.multiline = multiline

    def validate(self, value):
        super().validate(value)
        problem = name_problem(value, multiline=self.multiline)
        if problem:
            raise ValidationError(problem, code="invisible_characters")

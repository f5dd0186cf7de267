"""Pinyin search keys for names, and telling what kind of thing a search box query is.

Clerks search by full pinyin ("shangchunwang") or initials ("scw") as often as by characters, so
each person stores both keys. pypinyin reads polyphonic characters by word context and has no
surname mode (mozillazg/python-pinyin#297 is still open), which gives 曾国藩 "cengguofan" and 单雄信
"danxiongxin"; the table below fixes the reading of the surname, i.e. the first character(s).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.constants import PHRASES_DICT

from yizhan.core import idnumber

_LATIN_RUN = re.compile(r"([A-Za-z]+)")
# Only the shape: a query with a wrong check digit is still meant as an ID number, and the lookup
# (an exact blind-index match) simply finds nobody.
_ID_SHAPED = re.compile(r"\d{17}[\dX]")

# Surname readings that pypinyin does not give. Compound surnames are matched first, so 长孙
# wins over 长. Surnames with two living readings (盖 gě/gài, 尉 yù/wèi, 黑 hè/hēi, 隗 wěi/kuí) are
# left out: either key would miss half the searches, so pypinyin's default is as good as any.
# 单于 is left out too: today 单于… is far more often 单 + a given name starting with 于.
COMPOUND_SURNAMES = {
    "尉迟": ("yu", "chi"),
    "长孙": ("zhang", "sun"),
    "万俟": ("mo", "qi"),
    "澹台": ("tan", "tai"),
}
SURNAMES = {
    "单": "shan",
    "曾": "zeng",
    "解": "xie",
    "仇": "qiu",
    "朴": "piao",
    "查": "zha",
    "区": "ou",
    "乐": "yue",
    "长": "chang",
    "覃": "qin",
    "缪": "miao",
    "翟": "zhai",
    "秘": "bi",
    "种": "chong",
    "员": "yun",
    "繁": "po",
    "召": "shao",
    "能": "nai",
    "折": "she",
    "阚": "kan",
}


# Names repeat a great deal (a township has many 王建国): the cache spares pypinyin's segmentation
# on every repeat during imports. A pure function of the name, so caching cannot go stale.
@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials), lowercase ASCII: 商春旺 -> ("shangchunwang", "scw").

    Characters other than Chinese and Latin letters ("·" in 买买提·艾力, digits, spaces) are
    dropped. A run of Latin letters is kept whole in both keys: it has no initials of its own
    that a clerk would think to type.
    """
    text = unicodedata.normalize("NFKC", name).strip()  # full-width Ｌａｔｉｎ -> ASCII
    surname, rest = _surname(text)
    full = list(surname)
    initials = [syllable[0] for syllable in surname]
    # re.split with a capture group alternates: non-Latin text, Latin run, non-Latin text, ...
    for position, part in enumerate(_LATIN_RUN.split(rest)):
        if position % 2:
            full.append(part.lower())
            initials.append(part.lower())
        else:
            # The given name is read apart from the surname so that the two cannot form a
            # "word" that changes either reading. errors="ignore" drops "·", digits and the like.
            syllables = _reading(part)
            full.extend(syllables)
            initials.extend(syllable[0] for syllable in syllables)
    return "".join(full), "".join(initials)


# Each character's reading alone, filled on first use (a few thousand characters make up nearly
# every name): pypinyin's segmenter costs ~50 µs a name, a dictionary lookup a character ~0.1 µs.
_ALONE: dict[str, tuple[str, ...]] = {}
_LONGEST_CHECKED = 8  # longer text (rare in a name) is always left to pypinyin


def _reading(text: str) -> list[str]:
    """lazy_pinyin(text, style=NORMAL, errors="ignore"), without its segmenter where that cannot
    matter: pypinyin reads a word of its phrase dictionary as a word, and every other character
    alone (its segmenter, strict maximum matching, cuts only at phrases), so text containing no
    phrase of two or more characters reads as its characters read one by one.
    tests/core/test_pinyin.py compares the two on tens of thousands of names."""
    size = len(text)
    if size > _LONGEST_CHECKED or any(
        text[start:end] in PHRASES_DICT for start in range(size - 1) for end in range(start + 2, size + 1)
    ):
        return lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    syllables: list[str] = []
    for char in text:
        alone = _ALONE.get(char)
        if alone is None:
            alone = _ALONE[char] = tuple(lazy_pinyin(char, style=Style.NORMAL, errors="ignore"))
        syllables.extend(alone)
    return syllables


def query_kind(q: str) -> str:
    """ "id_number", "pinyin" or "name": which column a search box query should be matched on."""
    normalized = idnumber.normalize(q)
    if _ID_SHAPED.fullmatch(normalized):
        return "id_number"
    if _LATIN_RUN.fullmatch(normalized):
        return "pinyin"
    return "name"


def _surname(text: str) -> tuple[tuple[str, ...], str]:
    if text[:2] in COMPOUND_SURNAMES:
        return COMPOUND_SURNAMES[text[:2]], text[2:]
    if text[:1] in SURNAMES:
        return (SURNAMES[text[:1]],), text[1:]
    return (), text

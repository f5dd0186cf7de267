import pytest
from hypothesis import given
from hypothesis import strategies as st

from yizhan.core.pinyin import name_keys, query_kind


def test_it_gives_full_pinyin_and_initials():
    assert name_keys("商春旺") == ("shangchunwang", "scw")


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("单雄信", "shanxiongxin", "sxx"),
        ("曾国藩", "zengguofan", "zgf"),
        ("解缙", "xiejin", "xj"),
        ("仇英", "qiuying", "qy"),
        ("朴正熙", "piaozhengxi", "pzx"),
        ("查良镛", "zhaliangyong", "zly"),
        ("区志航", "ouzhihang", "ozh"),
        ("乐毅", "yueyi", "yy"),
        ("尉迟恭", "yuchigong", "ycg"),
        ("长孙无忌", "zhangsunwuji", "zswj"),
        ("长明", "changming", "cm"),
        ("翟志刚", "zhaizhigang", "zzg"),
        ("万俟卨", "moqixie", "mqx"),
    ],
)
def test_a_polyphonic_surname_reads_as_a_surname(name, full, initials):
    assert name_keys(name) == (full, initials)


def test_the_surname_reading_applies_only_to_the_first_character():
    assert name_keys("张曾") == ("zhangceng", "zc")
    assert name_keys("曾乐") == ("zengle", "zl")


def test_a_separator_dot_is_dropped():
    assert name_keys("买买提·艾力") == ("maimaitiaili", "mmtal")
    assert name_keys("买买提•艾力") == ("maimaitiaili", "mmtal")


def test_latin_letters_are_lowercased_and_kept_whole():
    assert name_keys("Tom李") == ("tomli", "toml")
    assert name_keys("ＡＢ王") == ("abwang", "abw")


def test_digits_spaces_and_punctuation_are_dropped():
    assert name_keys(" 王 小明2号") == ("wangxiaominghao", "wxmh")


def test_an_empty_name_gives_empty_keys():
    assert name_keys("") == ("", "")


@given(name=st.text(max_size=12))
def test_keys_are_always_lowercase_ascii_letters(name):
    full, initials = name_keys(name)
    assert full == "" or (full.isascii() and full.isalpha() and full.islower())
    assert initials == "" or (initials.isascii() and initials.isalpha() and initials.islower())
    assert len(initials) <= len(full)


# Characters common in names; some rare CJK characters (甅, a unit sign) have no reading at all.
NAME_CHARACTERS = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤春旺国藩雄信明华建军秀英丽芳伟强磊洋勇艳杰娟涛超霞平刚桂兰"


@given(name=st.text(alphabet=NAME_CHARACTERS, min_size=1, max_size=6))
def test_a_chinese_name_has_one_initial_per_character_and_each_starts_its_syllable(name):
    full, initials = name_keys(name)
    assert len(initials) == len(name)
    assert full.startswith(initials[0])


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("11010519491231002X", "id_number"),
        ("11010519491231002x", "id_number"),
        ("１１０１０５ １９４９１２３１ ００２Ｘ", "id_number"),
        ("110105194912310021", "id_number"),
        ("110105491231002", "name"),
        ("scw", "pinyin"),
        ("Shang Chunwang", "pinyin"),
        ("xx", "pinyin"),
        ("商春旺", "name"),
        ("商chun", "name"),
        ("1101051949", "name"),
        ("", "name"),
    ],
)
def test_query_kind_tells_id_numbers_pinyin_and_names_apart(query, kind):
    assert query_kind(query) == kind


def reading_corpus() -> list[str]:
    """Names as the bench and the demo make them (every Faker surname with every given name),
    random runs of common characters, and text around phrases of pypinyin's dictionary (which
    its segmenter reads as words: 重庆, 银行, 长大)."""
    import random

    from faker.providers.person.zh_CN import Provider
    from pypinyin.constants import PHRASES_DICT

    given = [*Provider.first_names_male, *Provider.first_names_female]
    names = [last + first for last in Provider.last_names for first in given]
    rng = random.Random(16)
    common = [chr(c) for c in range(0x4E00, 0x9FA6)]
    names += ["".join(rng.choices(common, k=rng.randint(1, 4))) for _ in range(8000)]
    phrases = sorted(k for k in PHRASES_DICT if 2 <= len(k) <= 3)
    names += [rng.choice(given) + rng.choice(phrases) + rng.choice(given) for _ in range(3000)]
    names += [rng.choice(phrases) + "·" + rng.choice(given) + "1" for _ in range(500)]
    return names


def test_a_name_reads_char_by_char_exactly_as_pypinyin_reads_it_whole():
    from pypinyin import Style, lazy_pinyin

    from yizhan.core import pinyin

    different = [
        name
        for name in reading_corpus()
        if pinyin._reading(name) != lazy_pinyin(name, style=Style.NORMAL, errors="ignore")
    ]
    assert different == []


def test_text_with_a_phrase_in_it_is_read_as_pypinyin_segments_it():
    from yizhan.core import pinyin

    # 长 alone reads zhang (its first reading); in the phrase 长城 it reads chang.
    assert pinyin._reading("长") == ["zhang"]
    assert pinyin._reading("王长城") == ["wang", "chang", "cheng"]

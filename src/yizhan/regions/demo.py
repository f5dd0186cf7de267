"""The demonstration localities: the four places of the source article, plus 秀全街道.

County codes are the real GB/T 2260 codes; township and village codes are demonstration codes
(is_demo=True) — a real deployment loads the official list with `yizhan load_regions`.
"""

from __future__ import annotations

from yizhan.regions.services import upsert_region

# (code, name, is_demo)
HIGHER = [
    ("370000000000", "山东省", False),
    ("371400000000", "德州市", False),
    ("371402000000", "德城区", False),
    ("320000000000", "江苏省", False),
    ("320500000000", "苏州市", False),
    ("320583000000", "昆山市", False),
    ("430000000000", "湖南省", False),
    ("431300000000", "娄底市", False),
    ("431322000000", "新化县", False),
    ("431302000000", "娄星区", False),
    ("440000000000", "广东省", False),
    ("440100000000", "广州市", False),
    ("440114000000", "花都区", False),
]

TOWNSHIPS: dict[str, tuple[str, list[str]]] = {
    "371402001000": ("新湖街道", ["新湖社区", "湖滨社区", "运河社区", "德兴社区", "长庆社区"]),
    "320583400000": ("花桥经济开发区", ["花桥社区", "曹安社区", "天福社区", "绿地社区"]),
    "431322200000": ("古塘乡", ["古塘村", "大坪村", "石溪村", "茶园村", "龙溪村"]),
    "431302100000": ("杉山镇", ["杉山村", "合心村", "新塘村", "竹山村"]),
    "440114003000": ("秀全街道", ["秀全社区", "九塘社区", "新街社区", "乐同社区"]),
}


def village_codes(township_code: str) -> list[str]:
    """居委会 001–199 in 街道 and 开发区, 村委会 from 201 in 乡 and 镇 (DOMAIN.md's code rules)."""
    _, villages = TOWNSHIPS[township_code]
    town_digits = int(township_code[6:9])
    first = 201 if 100 <= town_digits <= 399 else 1
    return [township_code[:9] + str(first + i).zfill(3) for i in range(len(villages))]


def seed() -> int:
    created = 0
    for code, name, is_demo in HIGHER:
        created += upsert_region(code=code, name=name, is_demo=is_demo)
    for code, (name, villages) in TOWNSHIPS.items():
        created += upsert_region(code=code, name=name, is_demo=True)
        for village_code, village_name in zip(village_codes(code), villages, strict=True):
            created += upsert_region(code=village_code, name=village_name, is_demo=True)
    return created

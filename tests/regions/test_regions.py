import pytest
from django.core.management import CommandError, call_command

from yizhan.audit.models import AuditEvent
from yizhan.regions.models import Level, Region, level_of, parent_code


@pytest.mark.parametrize(
    ("code", "level", "parent"),
    [
        ("370000000000", Level.PROVINCE, None),
        ("371400000000", Level.CITY, "370000000000"),
        ("371402000000", Level.COUNTY, "371400000000"),
        ("371402001000", Level.TOWNSHIP, "371402000000"),
        ("371402001001", Level.VILLAGE, "371402001000"),
    ],
)
def test_the_level_and_parent_derive_from_the_code(code, level, parent):
    assert level_of(code) == level
    assert parent_code(code) == parent


def test_a_malformed_code_is_refused_in_chinese():
    with pytest.raises(ValueError, match="12 位数字"):
        level_of("37140200100")


def test_load_regions_reads_an_official_style_gbk_list_and_is_idempotent(db, tmp_path):
    source = tmp_path / "regions.csv"
    rows = [
        "统计用区划代码,城乡分类代码,名称",
        "371402002000,,运河街道",  # before its parents: the loader sorts
        "370000000000,,山东省",
        "371400000000,,德州市",
        "371402000000,,德城区",
        "371402002001,111,运河社区",
    ]
    source.write_bytes("\n".join(rows).encode("gbk"))
    call_command("load_regions", str(source))
    village = Region.objects.get(code="371402002001")
    assert (village.level, village.parent_id, village.full_name) == (
        Level.VILLAGE,
        "371402002000",
        "德州市德城区运河街道运河社区",
    )
    assert AuditEvent.objects.filter(action="regions.load").count() == 1
    call_command("load_regions", str(source))
    assert (
        AuditEvent.objects.get(action="regions.load", id=AuditEvent.objects.latest("id").id).changes[
            "changed"
        ]
        == 0
    )


def test_load_regions_names_the_bad_line(db, tmp_path):
    source = tmp_path / "regions.csv"
    source.write_text("统计用区划代码,名称\n37000000000X,山东省\n", encoding="utf-8")
    with pytest.raises(CommandError, match="第 2 行"):
        call_command("load_regions", str(source))


def test_a_county_directly_under_a_province_hangs_under_the_province(db, tmp_path):
    source = tmp_path / "regions.csv"
    source.write_text(
        "代码,名称\n429000000000,省直辖县级行政区划\n420000000000,湖北省\n429004000000,仙桃市\n",
        encoding="utf-8",
    )
    call_command("load_regions", str(source))
    assert Region.objects.get(code="429004000000").parent_id == "429000000000"

"""Regions and grids under 系统: the tree in reach, kinds from codes, villages added and renamed,
an official list previewed then loaded, grids with their liaisons."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from yizhan.audit.models import AuditEvent
from yizhan.regions.models import Grid, Region, kind_of


def test_a_towns_and_a_villages_kind_is_read_from_its_code():
    assert [kind_of(c) for c in ["371402001000", "431302100000", "431322200000", "320583400000"]] == [
        "街道", "镇", "乡", "类似乡级单位",
    ]  # fmt: skip
    assert [kind_of(c) for c in ["371402001001", "431322200201", "371402000000"]] == ["居委会", "村委会", ""]


def test_the_tree_is_browsed_and_searched_within_reach_with_kinds_shown(login_as):
    head = login_as("xinhu_head")
    top = head.get(reverse("system:regions")).content.decode()
    assert "新湖街道" in top and "街道" in top and "昆山" not in top
    villages = head.get(reverse("system:regions"), {"region": "371402001000"}).content.decode()
    assert "湖滨社区" in villages and "居委会" in villages
    assert "花桥" not in head.get(reverse("system:regions"), {"q": "花桥"}).content.decode().replace(
        'value="花桥"', ""
    ).replace("“花桥”", "")
    assert "杉山镇" in login_as("admin").get(reverse("system:regions"), {"q": "杉山"}).content.decode()


def test_a_county_officer_adds_and_renames_a_village_of_his_county(login_as):
    client = login_as("decheng")
    client.post(
        reverse("system:village_add"),
        {"township": "371402001000", "code": "371402001006", "name": "新苑社区"},
    )
    village = Region.objects.get(code="371402001006")
    assert (village.name, village.parent_id, village.kind) == ("新苑社区", "371402001000", "居委会")
    client.post(reverse("system:region_rename"), {"region": "371402001006", "name": "新苑社区居委会"})
    assert Region.objects.get(code="371402001006").name == "新苑社区居委会"
    assert set(AuditEvent.objects.filter(object_type="region").values_list("action", flat=True)) == {
        "region.add", "region.rename",
    }  # fmt: skip


def test_a_village_code_outside_its_township_is_refused_in_chinese(login_as):
    answer = login_as("decheng").post(
        reverse("system:village_add"), {"township": "371402001000", "code": "371402002001", "name": "外社区"}
    )
    assert "以 371402001 开头" in answer.content.decode()
    assert not Region.objects.filter(code="371402002001").exists()


def test_a_station_head_renames_nothing_and_a_foreign_region_is_not_found(login_as):
    head = login_as("xinhu_head")
    assert (
        head.post(reverse("system:region_rename"), {"region": "371402001001", "name": "改"}).status_code
        == 403
    )
    officer = login_as("decheng")
    assert (
        officer.post(reverse("system:region_rename"), {"region": "320583400001", "name": "改"}).status_code
        == 404
    )
    assert Region.objects.get(code="320583400001").name != "改"


def test_an_official_list_is_previewed_before_it_changes_anything_then_loaded(login_as):
    admin = login_as("admin")
    csv = "统计用区划代码,名称\n371402001001,新湖社区居委会\n371402001009,新建社区\n371402001002,湖滨社区\n"
    upload = SimpleUploadedFile("list.csv", csv.encode("gbk"), content_type="text/csv")
    preview = admin.post(reverse("system:region_load"), {"file": upload}).content.decode()
    assert "新增 1 条，更名 1 条，不变 1 条" in preview and "新湖社区居委会" in preview
    assert Region.objects.get(code="371402001001").name == "新湖社区"
    token = preview.split('name="upload" value="')[1].split('"')[0]
    admin.post(reverse("system:region_load"), {"upload": token, "file_name": "list.csv"})
    assert Region.objects.get(code="371402001001").name == "新湖社区居委会"
    assert Region.objects.filter(code="371402001009").exists()
    assert AuditEvent.objects.filter(action="regions.load").count() == 1
    again = admin.post(reverse("system:region_load"), {"upload": token})
    assert again.status_code == 302  # used once: a second load is refused with a message


def test_a_broken_list_is_refused_with_its_line_and_only_admins_load(login_as):
    upload = SimpleUploadedFile("bad.csv", "统计用区划代码,名称\n3714,短\n".encode(), content_type="text/csv")
    answer = login_as("admin").post(reverse("system:region_load"), {"file": upload}).content.decode()
    assert "第 2 行" in answer
    assert login_as("decheng").get(reverse("system:region_load")).status_code == 403


def test_a_station_head_keeps_grids_with_a_liaison_of_the_village(login_as, persona):
    head = login_as("xinhu_head")
    liaison = persona("xinhu_village")
    head.post(
        reverse("system:grid_add"), {"village": "371402001001", "name": "一网格", "liaison": liaison.pk}
    )
    grid = Grid.objects.get(name="一网格")
    assert grid.liaison == liaison
    page = head.get(reverse("system:regions"), {"region": "371402001001"}).content.decode()
    assert "一网格" in page and "魏长山" in page
    wrong = head.post(
        reverse("system:grid_edit", args=[grid.pk]), {"name": "一网格", "liaison": persona("xinhu_clerk").pk}
    )
    assert "请选择本村（社区）的联络员" in wrong.content.decode()
    head.post(reverse("system:grid_edit", args=[grid.pk]), {"name": "第一网格", "liaison": ""})
    grid.refresh_from_db()
    assert (grid.name, grid.liaison) == ("第一网格", None)
    assert head.post(reverse("system:grid_add"), {"village": "320583400001", "name": "外"}).status_code == 404

"""`yizhan export_ledger NAME --region CODE -o FILE [--user USERNAME]`."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.ledgers import test_exports
from tests.ledgers.test_exports import HUAQIAO, XINHU, YEAR, column, read
from yizhan.audit.models import AuditEvent
from yizhan.core.masking import mask_id_number

# The two townships' data and the no-reveal clerk, shared with test_exports.
townships = test_exports.townships


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export_ledger", *args, stdout=out)
    return out.getvalue()


def test_the_command_writes_the_ledger_as_the_named_user(townships, tmp_path):
    target = tmp_path / "roster.xlsx"
    said = run("退役军人花名册", "--region", XINHU, "-o", str(target), "--user", "xinhu_head", "--full")
    sheet = read(target.read_bytes())
    assert sheet[0][0] == "德城区新湖街道退役军人花名册"
    assert column(sheet, "姓名") == ["商春旺", "李湖滨"]
    assert column(sheet, "公民身份号码")[0] == townships["xinhu"].id_number
    assert "2 行" in said and "含完整个人号码" in said
    event = AuditEvent.objects.get(action="export")
    assert (event.actor.username, event.changes) == (
        "xinhu_head",
        {"ledger": "退役军人花名册", "rows": 2, "full": True},
    )


def test_the_command_refuses_a_region_outside_the_users_scope(townships, tmp_path):
    target = tmp_path / "roster.xlsx"
    with pytest.raises(CommandError, match="不在用户 xinhu_head 的管辖范围内"):
        run("veterans", "--region", HUAQIAO, "-o", str(target), "--user", "xinhu_head")
    assert not target.exists()
    assert not list(tmp_path.iterdir())
    assert not AuditEvent.objects.filter(action="export").exists()


def test_without_a_user_the_command_exports_the_region_masked_as_the_system(townships, tmp_path):
    target = tmp_path / "unregistered.xlsx"
    said = run("unregistered", "--region", XINHU, "--year", str(YEAR), "-o", str(target))
    sheet = read(target.read_bytes())
    assert sheet[0][0] == "德城区新湖街道2026年应登未登名单"
    assert column(sheet, "姓名") == ["赵应登"]
    assert column(sheet, "公民身份号码") == [mask_id_number(townships["unregistered"].id_number)]
    assert "个人号码已脱敏" in said
    event = AuditEvent.objects.get(action="export")
    assert event.actor is None and event.region_code == XINHU
    assert event.changes == {"ledger": "应登未登名单", "rows": 1, "full": False, "year": YEAR}


def test_the_command_refuses_an_unknown_ledger_or_region(world, tmp_path):
    with pytest.raises(CommandError, match="没有名为"):
        run("花名册", "--region", XINHU, "-o", str(tmp_path / "x.xlsx"))
    with pytest.raises(CommandError, match="没有区划"):
        run("veterans", "--region", "999999000000", "-o", str(tmp_path / "x.xlsx"))


def test_the_command_refuses_a_user_without_the_export_permission(world, tmp_path):
    target = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match="没有导出"):
        run("veterans", "--region", "371402001001", "-o", str(target), "--user", "xinhu_village")
    assert not list(tmp_path.iterdir())

"""The messy 新湖街道 ledger (tests/ledgers/messy.py) end to end: exact outcomes, idempotence, the
error report corrected and imported again, CSV in GBK, the command line's JSON."""

from __future__ import annotations

import csv
import datetime
import io
import json

import openpyxl
import openpyxl.styles
import pytest
from django.core.management import call_command

from tests.ledgers import messy
from yizhan.audit.models import AuditEvent
from yizhan.audit.services import first_broken_link
from yizhan.core import crypto
from yizhan.ledgers.importing import reading
from yizhan.ledgers.importing.report import errors_of, write_report
from yizhan.ledgers.models import ImportRunRow, RunStatus
from yizhan.people.models import ID_CONTEXT, Person

EXPECTED_ERRORS = [
    (6, "公民身份号码", "身份证号被 Excel 存成了数字，末尾几位已丢失，请将该列设为文本后重新填写"),
    (9, "性别", "性别与身份证号不符（身份证号为男性）"),
    (10, "公民身份号码", "与第 4 行是同一人（身份证号相同），请删除重复行"),
    (11, "出生年月", "出生日期与身份证号不符（身份证号为 1985年4月2日）"),
    (12, "村居", "在新湖街道下没有找到村（社区）“花桥社区”"),
    (
        14,
        "手机号码",
        "表中为“139****2222”，系统中为“138****1111”，不会自动覆盖，请核对后更正表格或人员信息",
    ),
    (
        17,
        "出生年月",
        "日期“1990.1”可能是 1990年1月，也可能是 1990年10月（Excel 把 1990.10 存成了数字 1990.1），"
        "请将该列设为文本后重新填写",
    ),
]
FIRST_COUNTS = {"rows": 15, "created": 5, "updated": 1, "unchanged": 0, "rejected": 7, "ignored_blank": 2}


def person(number: str) -> Person | None:
    return Person.objects.filter(id_number_bidx=crypto.blind_index(number, context=ID_CONTEXT)).first()


def outcomes(run) -> dict[int, str]:
    return dict(ImportRunRow.objects.filter(run=run).values_list("row", "outcome"))


def test_the_messy_ledger_imports_with_exact_counts_and_each_error_on_its_row_and_column(
    ledger, registry, run_import
):
    run = run_import(ledger)

    assert run.status == RunStatus.DONE
    assert run.counts() == FIRST_COUNTS
    assert run.header_row == messy.HEADER_ROW
    assert [(e["row"], e["column"], e["reason"]) for e in errors_of(run)] == EXPECTED_ERRORS
    recorded = outcomes(run)
    for row, outcome in messy.expected().items():
        outcome = outcome[0] if isinstance(outcome, tuple) else outcome
        if outcome in {"created", "updated", "rejected"}:
            assert recorded[row] == outcome, row
        else:
            assert row not in recorded, row


def test_cells_are_normalised_the_way_the_clerk_meant_them(ledger, registry, run_import):
    run_import(ledger)

    zhang, li = person(messy.ZHANG), person(messy.LI)
    assert (zhang.name, zhang.phone, zhang.ethnicity, zhang.education) == (
        "张三",
        "13812345678",
        "汉族",
        "junior",
    )
    assert (zhang.region_id, zhang.address) == ("371402001001", "新湖社区1组2号")
    assert (li.phone, li.region_id, li.address, li.political_status) == (
        "13912345678",
        "371402001002",
        "新湖社区1组2号",
        "league",
    )
    chen, wangfang, zhao = person(messy.CHEN), person(messy.WANGFANG), person(messy.ZHAO)
    assert (chen.phone, chen.region_id) == ("13712345678", "371402001003")
    assert (wangfang.name, wangfang.phone, wangfang.education) == ("王芳", "13612345678", "bachelor")
    assert (zhao.phone, zhao.region_id) == ("0534-2345679", "371402001005")
    assert person(messy.ZHENG).phone == "0534-2345678"
    assert person(messy.FENG).phone == "13800001111", "a conflicting value is never overwritten"
    assert person(messy.WANG) is None and person(messy.SUN) is None


def test_rows_of_one_household_number_share_one_household_with_its_head(ledger, registry, run_import):
    run_import(ledger)

    zhang, li = person(messy.ZHANG), person(messy.LI)
    assert zhang.household_id is not None and zhang.household_id == li.household_id
    assert (zhang.is_household_head, li.is_household_head) == (True, False)


def test_the_fill_of_an_empty_registry_field_is_an_audited_versioned_update(ledger, registry, run_import):
    zheng, _ = registry
    run_import(ledger)

    zheng.refresh_from_db()
    assert zheng.version == 2
    update = AuditEvent.objects.filter(action="person.update", object_id=str(zheng.pk)).get()
    assert update.changes["fields"]["phone"] == ["", "0534-***5678"]
    assert first_broken_link() is None


def test_importing_the_same_file_again_creates_and_updates_nothing(ledger, registry, run_import):
    run_import(ledger)
    people_before = Person.objects.count()

    again = run_import(ledger)

    assert again.counts() == {**FIRST_COUNTS, "created": 0, "updated": 0, "unchanged": 6}
    assert Person.objects.count() == people_before


def test_a_dry_run_counts_exactly_like_the_real_run_and_writes_nothing(ledger, registry, run_import):
    dry = run_import(ledger, dry_run=True)

    assert dry.counts() == FIRST_COUNTS
    assert [(e["row"], e["column"]) for e in errors_of(dry)] == [(r, c) for r, c, _ in EXPECTED_ERRORS]
    assert Person.objects.count() == 2
    assert person(messy.ZHENG).phone == ""


def test_small_batches_give_the_same_outcome_as_one_batch(ledger, registry, run_import):
    # Batches of 4 rows put the repeated 张三 (row 10) in another batch than the first one (row 4).
    run = run_import(ledger, batch_size=4)

    assert run.counts() == FIRST_COUNTS
    assert [(e["row"], e["column"]) for e in errors_of(run)] == [(r, c) for r, c, _ in EXPECTED_ERRORS]


def test_the_streaming_reader_for_large_files_gives_the_same_outcome(
    ledger, registry, run_import, monkeypatch
):
    monkeypatch.setattr(reading, "CALAMINE_MAX_BYTES", 0)
    assert reading.open_sheet(ledger).streaming

    run = run_import(ledger)

    assert run.counts() == FIRST_COUNTS
    assert [(e["row"], e["column"], e["reason"]) for e in errors_of(run)] == EXPECTED_ERRORS


def corrected_report(report_path):
    """The clerk's corrections, made in the report itself."""
    book = openpyxl.load_workbook(report_path)
    sheet = book.active
    header = [c.value for c in sheet[messy.HEADER_ROW]]
    column = {name: header.index(name) + 1 for name in header if name}
    fixes = {
        6: {"公民身份号码": messy.WANG},
        9: {"性别": "男"},
        10: {name: None for name in messy.HEADER[1:]},  # the repeated row, emptied
        11: {"出生年月": "1985-04"},
        12: {"村居": "德兴社区"},
        14: {"手机号码": "13800001111"},
        17: {"出生年月": "1990-10"},
    }
    for row, cells in fixes.items():
        for name, value in cells.items():
            sheet.cell(row=row, column=column[name]).value = value
    book.save(report_path)
    return report_path


def test_the_error_report_is_the_original_sheet_with_a_reason_beside_each_rejected_row(
    ledger, registry, run_import, tmp_path
):
    run = run_import(ledger)
    out = tmp_path / "错误报告.xlsx"

    write_report(run=run, out=out)

    sheet = openpyxl.load_workbook(out).active
    assert sheet["A1"].value == "新湖街道人员信息台账"
    assert "A1:M1" in [str(r) for r in sheet.merged_cells.ranges]
    assert [c.value for c in sheet[messy.HEADER_ROW]] == [*messy.HEADER, "错误原因"]
    reasons = {row: sheet.cell(row=row, column=len(messy.HEADER) + 1).value for row in range(4, 19)}
    assert reasons[9] == "性别：性别与身份证号不符（身份证号为男性）"
    assert {row for row, reason in reasons.items() if reason} == {r for r, _, _ in EXPECTED_ERRORS}
    assert sheet.cell(row=4, column=4).value == messy.ZHANG, "values as read"
    assert sheet.cell(row=sheet.max_row, column=2).value == "赵十五"


def test_the_corrected_report_imports_the_rejected_rows_and_changes_nothing_else(
    ledger, registry, run_import, tmp_path
):
    first = run_import(ledger)
    report = tmp_path / "错误报告.xlsx"
    write_report(run=first, out=report)
    versions = dict(Person.objects.values_list("pk", "version"))

    again = run_import(corrected_report(report))

    assert again.counts() == {
        "rows": 15, "created": 5, "updated": 0, "unchanged": 7, "rejected": 0, "ignored_blank": 3,
    }  # fmt: skip
    assert dict(Person.objects.filter(pk__in=versions).values_list("pk", "version")) == versions
    for number in (messy.WANG, messy.SUN, messy.ZHOU, messy.WU, messy.LIU):
        assert person(number) is not None
    assert person(messy.LIU).birth_date == datetime.date(1990, 10, 5)


def test_a_csv_ledger_in_gbk_imports_like_the_workbook(registry, run_import, tmp_path):
    path = tmp_path / "台账.csv"
    rows = [["新湖街道人员台账"], ["序号", "姓名", "身份证号码", "联系电话", "所属村（社区）", "出生日期"]]
    rows += [
        ["1", "张三", messy.ZHANG, "13812345678", "新湖社区", "1990年1月"],
        ["2", "郑十", messy.ZHENG, "0534-2345678", "", ""],
        ["3", "冯十一", messy.FENG, "13900002222", "", ""],
        ["4", "", "", "", "", ""],
        ["5", "王五", "3.71402E+17", "", "", ""],
    ]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode("gbk"))

    run = run_import(path)

    assert reading.open_sheet(path).encoding == "gb18030"
    assert run.counts() == {
        "rows": 5,
        "created": 1,
        "updated": 1,
        "unchanged": 0,
        "rejected": 2,
        "ignored_blank": 1,
    }
    assert person(messy.ZHANG).name == "张三"
    assert [(e["row"], e["column"]) for e in errors_of(run)] == [(5, "联系电话"), (7, "身份证号码")]


def test_a_csv_in_utf8_with_a_byte_order_mark_is_read(registry, run_import, tmp_path):
    path = tmp_path / "台账.csv"
    path.write_bytes(f"姓名,身份证号\n张三,{messy.ZHANG}\n".encode("utf-8-sig"))

    run = run_import(path)

    assert run.counts()["created"] == 1
    assert person(messy.ZHANG).name == "张三"


def test_the_command_prints_one_json_object_whose_rows_are_the_sum_of_the_outcomes(
    ledger, registry, tmp_path, capsys
):
    report = tmp_path / "report.xlsx"
    call_command(
        "import_ledger",
        str(ledger),
        "--kind",
        "people",
        "--region",
        messy.TOWNSHIP,
        "--json",
        "--report",
        str(report),
    )

    result = json.loads(capsys.readouterr().out)
    assert set(result) >= {"rows", "created", "updated", "unchanged", "rejected", "ignored_blank", "errors"}
    parts = ("created", "updated", "unchanged", "rejected", "ignored_blank")
    assert result["rows"] == sum(result[k] for k in parts) == 15
    assert result["errors"][0] == {
        "row": 6,
        "column": "公民身份号码",
        "value": "3.7****************17",
        "reason": "身份证号被 Excel 存成了数字，末尾几位已丢失，请将该列设为文本后重新填写",
    }
    assert {"row": 14, "column": "手机号码", "value": "139****2222"}.items() <= result["errors"][5].items()
    assert messy.FENG not in json.dumps(result) and "13900002222" not in json.dumps(result)
    assert report.exists()


def test_the_command_refuses_an_unknown_region(ledger, world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="没有区划代码"):
        call_command("import_ledger", str(ledger), "--kind", "people", "--region", "999999999999")


def test_a_file_without_a_recognisable_header_fails_the_run_with_the_reason(run_import, tmp_path):
    path = tmp_path / "x.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")

    run = run_import(path)

    assert run.status == RunStatus.FAILED
    assert "没有找到表头" in run.failure


@pytest.mark.parametrize("streaming", [False, True])
def test_empty_formatted_rows_below_the_ledger_are_not_counted_whichever_reader(
    world, run_import, tmp_path, monkeypatch, streaming
):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号"])
    sheet.append(["张三", messy.ZHANG])
    sheet.append([None, None])
    sheet.append(["李四", messy.LI])
    for row in range(10, 13):  # borders drawn further down than the ledger goes
        sheet.cell(row=row, column=1).border = openpyxl.styles.Border(left=openpyxl.styles.Side(style="thin"))
    path = tmp_path / "x.xlsx"
    book.save(path)
    if streaming:
        monkeypatch.setattr(reading, "CALAMINE_MAX_BYTES", 0)

    run = run_import(path)

    assert run.counts() == {
        "rows": 3,
        "created": 2,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "ignored_blank": 1,
    }

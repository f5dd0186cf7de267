"""The people ledger's 网格 column: a grid of the person's own village places his household in
it (audited by set_household_grid); an unknown grid, another village's, or a row without a 户号
is rejected with its reason, and nothing of the row is written."""

from __future__ import annotations

import datetime

import pytest

from tests.ledgers.messy import id_of
from yizhan.accounts.services import save_grid
from yizhan.audit.models import AuditEvent
from yizhan.core import crypto
from yizhan.ledgers.importing.report import errors_of
from yizhan.ledgers.importing.undo import undo_run
from yizhan.people.models import ID_CONTEXT, Person
from yizhan.people.services import create_household, create_person, set_household
from yizhan.regions.models import Region

HEADER = ["姓名", "身份证号码", "村（社区）", "户号", "与户主关系", "网格"]
A = id_of(datetime.date(1980, 1, 1), "M", 31)
B = id_of(datetime.date(1982, 2, 2), "F", 32)
C = id_of(datetime.date(1984, 3, 3), "M", 33)


def person(number: str) -> Person | None:
    return Person.objects.filter(id_number_bidx=crypto.blind_index(number, context=ID_CONTEXT)).first()


@pytest.fixture
def grids(world):
    xinhu, hubin = Region.objects.get(name="新湖社区"), Region.objects.get(name="湖滨社区")
    return {
        "一网格": save_grid(actor=None, village=xinhu, name="一网格", liaison=None),
        "二网格": save_grid(actor=None, village=xinhu, name="二网格", liaison=None),
        "湖滨一格": save_grid(actor=None, village=hubin, name="湖滨一格", liaison=None),
    }


def test_the_household_of_a_row_goes_into_the_grid_it_names(grids, sheet_file, run_import):
    path = sheet_file(
        HEADER, [["商甲", A, "新湖社区", "H1", "户主", "二网格"], ["商乙", B, "新湖社区", "H1", "配偶", ""]]
    )
    run = run_import(path)
    assert list(errors_of(run)) == []
    household = person(A).household
    assert household.grid == grids["二网格"] and person(B).household == household
    assert AuditEvent.objects.filter(action="household.grid", object_id=str(household.pk)).count() == 1


@pytest.mark.parametrize(
    ("village", "grid", "reason"),
    [
        ("新湖社区", "九网格", "网格“九网格”在新湖社区下不存在"),
        ("新湖社区", "湖滨一格", "网格“湖滨一格”属于湖滨社区，不是新湖社区的网格"),
    ],
)
def test_an_unknown_grid_or_another_villages_is_rejected_with_its_reason(
    grids, sheet_file, run_import, village, grid, reason
):
    run = run_import(sheet_file(HEADER, [["商甲", A, village, "H1", "户主", grid]]))
    assert [(e["column"], e["reason"]) for e in errors_of(run)] == [("网格", reason)]
    assert person(A) is None


def test_a_grid_without_a_household_number_is_rejected(grids, sheet_file, run_import):
    run = run_import(
        sheet_file(["姓名", "身份证号码", "村（社区）", "网格"], [["商丙", C, "新湖社区", "一网格"]])
    )
    assert [e["column"] for e in errors_of(run)] == ["网格"]
    assert "户号" in next(errors_of(run))["reason"]


def test_a_registered_household_is_placed_once_and_a_different_grid_is_not_overwritten(
    grids, sheet_file, run_import
):
    village = Region.objects.get(name="新湖社区")
    known = create_person(actor=None, name="商丙", id_number=C, region=village)
    set_household(actor=None, person=known, household=create_household(actor=None, region=village), head=True)
    run = run_import(sheet_file(["姓名", "身份证号码", "网格"], [["商丙", C, "一网格"]]))
    assert list(errors_of(run)) == []
    assert person(C).household.grid == grids["一网格"]
    again = run_import(sheet_file(["姓名", "身份证号码", "网格"], [["商丙", C, "二网格"]], name="b.xlsx"))
    assert "不会自动调整" in next(errors_of(again))["reason"]
    assert person(C).household.grid == grids["一网格"]
    undo_run(actor=None, run=run)
    assert person(C).household.grid is None

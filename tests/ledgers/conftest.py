from __future__ import annotations

import pytest

from tests.ledgers import messy
from yizhan.ledgers.importing.services import import_file


@pytest.fixture(autouse=True)
def _private_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"


@pytest.fixture
def ledger(tmp_path):
    return messy.build(tmp_path / "新湖街道人员台账.xlsx")


@pytest.fixture
def registry(world):
    return messy.registry_people()


@pytest.fixture
def run_import(world):
    """run_import(path, kind="people", region=新湖街道, **options) -> the finished ImportRun."""

    def run(path, kind="people", region=messy.TOWNSHIP, **options):
        return import_file(actor=None, path=path, kind=kind, region_code=region, **options)

    return run


@pytest.fixture
def sheet_file(tmp_path):
    """sheet_file(header, rows, name="台账.xlsx") -> the path of a one-sheet workbook (header on row 1)."""
    import openpyxl

    def build(header: list, rows: list[list], name: str = "台账.xlsx"):
        book = openpyxl.Workbook()
        book.active.append(header)
        for row in rows:
            book.active.append(row)
        path = tmp_path / name
        book.save(path)
        return path

    return build


@pytest.fixture
def serving(world):
    """商春旺, a conscript approved on 2024-09-01 (village 新湖社区)."""
    import datetime

    from yizhan.lifecycle.models import EventKind
    from yizhan.lifecycle.services import emit
    from yizhan.people.services import create_person
    from yizhan.regions.models import Region

    soldier = create_person(
        actor=None,
        name="商春旺",
        id_number=messy.id_of(datetime.date(2005, 3, 1), "M", 100),
        region=Region.objects.get(code="371402001001"),
    )
    emit(
        kind=EventKind.ENLISTMENT_APPROVED,
        key="candidate:1",
        person=soldier,
        occurred_on=datetime.date(2024, 9, 1),
    )
    soldier.refresh_from_db()
    return soldier

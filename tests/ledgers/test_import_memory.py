"""Memory stays flat with the file's length: four times the rows, about the same peak."""

from __future__ import annotations

import datetime
import tracemalloc

import xlsxwriter

from tests.ledgers.messy import TOWNSHIP
from yizhan.core.idnumber import make
from yizhan.ledgers.importing import parallel
from yizhan.ledgers.importing.engine import Importer
from yizhan.ledgers.importing.layout import locate
from yizhan.ledgers.importing.reading import open_sheet
from yizhan.ledgers.importing.services import create_run
from yizhan.ledgers.models import RunStatus
from yizhan.people.models import Person
from yizhan.regions.models import Region

NAMES = ["张伟", "王芳", "李娜", "刘洋", "陈静", "杨磊", "赵敏", "黄勇", "周杰", "吴霞"]
VILLAGES = ["新湖社区", "湖滨社区", "运河社区", "德兴社区", "长庆社区"]


def generated(path, rows: int, *, first: int = 0):
    """A plain people ledger of `rows` valid, distinct people (numbered from `first`)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    sheet.write_row(0, 0, ["序号", "姓名", "性别", "身份证号", "联系电话", "所属村（社区）", "现住址"])
    for i in range(first, first + rows):
        sex = "M" if i % 2 else "F"
        born = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 400)
        number = make(area_code="371402", birth_date=born, sex=sex, sequence=(i // 2) % 200)
        sheet.write_row(
            i - first + 1,
            0,
            [
                i + 1,
                NAMES[i % 10],
                "男" if sex == "M" else "女",
                number,
                f"138{i:08d}",
                VILLAGES[i % 5],
                f"{i}号",
            ],
        )
    book.close()
    return path


def peak_of(run_import, path) -> int:
    tracemalloc.start()
    try:
        run = run_import(path, batch_size=500)
        return tracemalloc.get_traced_memory()[1], run
    finally:
        tracemalloc.stop()


def test_the_memory_peak_does_not_grow_with_the_number_of_rows(world, run_import, tmp_path, settings):
    # One process: with worker processes the parent's peak depends on how many prepared batches
    # are waiting when it looks (at most workers × AHEAD, ledgers/importing/parallel.py), which
    # moves with the machine's load (CI saw 1.56 on a loaded run) and says nothing of the rows.
    settings.IMPORT_WORKERS = 1
    run_import(generated(tmp_path / "warm.xlsx", 50, first=100_000))  # loads pinyin tables, caches

    small_peak, small = peak_of(run_import, generated(tmp_path / "small.xlsx", 2_000))
    large_peak, large = peak_of(run_import, generated(tmp_path / "large.xlsx", 8_000, first=2_000))

    assert (small.created, large.created) == (2_000, 8_000)
    assert Person.objects.count() == 10_050
    # Linear growth would make the large peak four times the small one.
    assert large_peak < small_peak * 1.5, (small_peak, large_peak)


def test_with_workers_the_rows_read_ahead_of_the_writer_are_bounded_by_batches_not_by_the_file(
    world, tmp_path, settings
):
    # What the parent holds beyond one process is the batches read but not yet written: at most
    # workers × AHEAD parses waiting, plus the batch being written. Counted, not timed, so a
    # loaded machine (slow workers or a slow writer) can only make the count smaller.
    settings.IMPORT_WORKERS = 2
    path = generated(tmp_path / "ledger.xlsx", 6_000)
    run = create_run(actor=None, path=path, kind="people", region=Region.objects.get(code=TOWNSHIP),
                     dry_run=True, status=RunStatus.RUNNING)  # fmt: skip
    importer = Importer(run)
    importer.layout, rows = locate(open_sheet(run.source_path).rows(), "people")
    read = 0

    def counted():
        nonlocal read
        for row in rows:
            read += 1
            yield row

    stage = parallel.Stage(importer, workers=2)
    ahead, written, parsed_rows = [], 0, 0
    try:
        for batch, parsed in stage.batches(counted(), 500, cursor=0):
            ahead.append(read - written)
            written += len(batch)
            parsed_rows += sum(1 for p in parsed if p is not None and p[-1] is not None)
    finally:
        stage.close()

    assert written == 6_000 and parsed_rows == 6_000  # every row came back with its person prepared
    assert max(ahead) <= (2 * parallel.AHEAD + 1) * 500, max(ahead)
    assert max(ahead) > 500  # the workers did run ahead: the bound above was tested, not idle

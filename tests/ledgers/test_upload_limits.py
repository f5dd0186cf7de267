"""Hostile uploads: a 1 MB xlsx that inflates to 1 GiB, a sheet of 1,048,576 rows, an xlsx whose
sheet inflates too steeply, a csv of too many lines. The upload request only stores the file; the
worker refuses each one in Chinese before any parser reads it (the run ends unreadable with the
reason: no header found, no preview, no row result)."""

from __future__ import annotations

import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.ledgers import messy
from yizhan.ledgers.importing.reading import UnreadableFile, check_limits
from yizhan.ledgers.importing.services import import_file
from yizhan.ledgers.jobs import work
from yizhan.ledgers.models import ImportRun, ImportRunRow, RunStatus

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
    'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName='
    '"/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.'
    'main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxml'
    'formats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
    'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships"><sheets><sheet name="台账" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)
SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main"><sheetData>'
)
SHEET_TAIL = b"</sheetData></worksheet>"


def workbook(path, sheet_chunks, *, level: int = 1):
    """An xlsx whose first sheet's XML is streamed from `sheet_chunks` (never held in memory)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level) as book:
        book.writestr("[Content_Types].xml", CONTENT_TYPES)
        book.writestr("_rels/.rels", ROOT_RELS)
        book.writestr("xl/workbook.xml", WORKBOOK)
        book.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(SHEET_HEAD)
            for chunk in sheet_chunks:
                sheet.write(chunk)
            sheet.write(SHEET_TAIL)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory):
    """About 1 MB of xlsx whose sheet inflates to 1 GiB (built once: compressing it takes a while)."""
    path = workbook(tmp_path_factory.mktemp("bomb") / "炸弹.xlsx", inflating_to(1 << 30), level=9)
    assert path.stat().st_size < 2 * 1024 * 1024
    return path


def inflating_to(size: int):
    """`size` bytes of the same spaces between two tags: 1 GiB compresses to about 1 MB."""
    block = b" " * (1 << 20)
    for _ in range(size // len(block)):
        yield block


def rows(count: int):
    chunk: list[bytes] = []
    for n in range(1, count + 1):
        chunk.append(b'<row r="%d"><c r="A%d"><v>%d</v></c></row>' % (n, n, n))
        if len(chunk) == 10_000:
            yield b"".join(chunk)
            chunk = []
    yield b"".join(chunk)


def upload_and_read(client, path, content_type=XLSX):
    file = SimpleUploadedFile(path.name, path.read_bytes(), content_type=content_type)
    answer = client.post(
        reverse("ledgers:import"), {"kind": "people", "region": messy.TOWNSHIP, "file": file}
    )
    assert answer.status_code == 302, "the request only stores the file"
    assert ImportRun.objects.get().status == RunStatus.UPLOADED, "nothing read during the request"
    assert work(once=True) == 1
    return ImportRun.objects.get(), answer.url


def assert_refused_unparsed(run: ImportRun, *phrases: str) -> None:
    assert run.status == RunStatus.UNREADABLE
    for phrase in phrases:
        assert phrase in run.failure
    assert run.header_row is None and run.preview == {}, "no parser looked for the header"
    assert not ImportRunRow.objects.exists()


def test_an_xlsx_inflating_to_a_gibibyte_is_refused_before_it_is_parsed(world, login_as, bomb):
    client = login_as("xinhu_clerk")

    run, url = upload_and_read(client, bomb)

    assert_refused_unparsed(run, "解压后超过 200 MB")
    page = client.get(url).content.decode()
    assert "解压后超过 200 MB" in page and "hx-trigger" not in page, "the page stops waiting"


def test_a_sheet_of_a_million_rows_is_refused_before_it_is_parsed(world, login_as, tmp_path):
    path = tmp_path / "百万行.xlsx"
    workbook(path, rows(1_048_576))

    run, _ = upload_and_read(login_as("xinhu_clerk"), path)

    assert_refused_unparsed(run, "超过单个文件 200,000 行的上限")


def test_a_sheet_inflating_too_steeply_is_refused_though_under_the_size_limit(world, login_as, tmp_path):
    path = tmp_path / "高压缩比.xlsx"
    workbook(path, inflating_to(64 << 20))

    run, _ = upload_and_read(login_as("xinhu_clerk"), path)

    assert_refused_unparsed(run, "压缩比异常")


def test_a_csv_of_more_lines_than_the_limit_is_refused_before_it_is_parsed(
    world, login_as, tmp_path, settings
):
    settings.UPLOAD_MAX_ROWS = 100
    path = tmp_path / "台账.csv"
    path.write_text("姓名,身份证号\n" + "张三,1\n" * 150, encoding="utf-8")

    run, _ = upload_and_read(login_as("xinhu_clerk"), path, content_type="text/csv")

    assert_refused_unparsed(run, "超过单个文件 100 行的上限")


def test_the_limits_are_settings(tmp_path, settings):
    path = tmp_path / "台账.xlsx"
    workbook(path, rows(500))
    assert check_limits(path) == 500
    settings.UPLOAD_MAX_ROWS = 499
    with pytest.raises(UnreadableFile, match="499 行"):
        check_limits(path)
    settings.UPLOAD_MAX_ROWS, settings.UPLOAD_MAX_UNPACKED_BYTES = 1000, 10_000
    with pytest.raises(UnreadableFile, match="解压后超过"):
        check_limits(path)


def test_the_command_line_refuses_the_same_files_before_parsing(world, bomb):
    run = import_file(actor=None, path=bomb, kind="people", region_code=messy.TOWNSHIP)

    assert run.status == RunStatus.FAILED and "解压后超过 200 MB" in run.failure
    assert run.header_row is None and not ImportRunRow.objects.exists()

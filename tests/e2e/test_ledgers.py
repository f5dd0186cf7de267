"""Issue 6 in the browser: a clerk uploads a messy 台账, checks the detected header and mapping,
dry-runs it, imports it while the progress bar polls, and downloads the error report."""

from playwright.sync_api import expect

from tests.ledgers import messy
from yizhan.ledgers.jobs import work
from yizhan.ledgers.models import ImportRun, RunStatus
from yizhan.people.models import Person


def test_the_clerk_imports_a_messy_ledger_through_the_pages(page, sign_in, live_server, settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    messy.registry_people()
    ledger = messy.build(tmp_path / "新湖街道人员台账.xlsx")
    sign_in(page, "xinhu_clerk")
    page.goto(f"{live_server.url}/ledgers/import/")
    form = page.get_by_test_id("upload-form")
    form.get_by_label("台账类型").select_option("people")
    form.get_by_label("导入地区").select_option(messy.TOWNSHIP)
    form.get_by_label("台账文件").set_input_files(str(ledger))
    form.get_by_role("button", name="上传并预览").click()

    expect(page.get_by_test_id("upload-status")).to_have_attribute("data-status", "uploaded")
    assert work(once=True) == 1  # the worker reads the upload; the page refreshes itself
    expect(page.locator("main")).to_contain_text("表头在第 3 行", timeout=10_000)
    expect(page.get_by_test_id("preview-table")).to_contain_text("张三")
    page.get_by_test_id("dry-run").click()
    progress = page.get_by_test_id("run-progress")
    expect(progress).to_have_attribute("data-status", "queued")
    assert work(once=True) == 1  # the worker a deployment keeps running
    expect(page.get_by_test_id("run-errors")).to_contain_text("与第 4 行是同一人", timeout=10_000)
    assert Person.objects.count() == 2, "a dry run writes nothing"

    draft = ImportRun.objects.get(status=RunStatus.DRAFT)
    page.goto(f"{live_server.url}/ledgers/import/{draft.pk}/")
    page.get_by_test_id("commit").click()
    work(once=True)
    expect(page.get_by_test_id("run-counts")).to_contain_text("5", timeout=10_000)
    with page.expect_download() as download:
        page.get_by_test_id("report").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    assert Person.objects.count() == 7
